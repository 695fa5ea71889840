/**
 * The set-up the account-workflow suites on the time-skipping server share: the server, a
 * worker on the real activities and Postgres (only the contact policy's figures vary), an
 * overdue account, starting its workflow, and ending it by a cure.
 *
 * Call at the top of a test file: it registers its own beforeAll/afterAll.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import type { ContactPolicySet } from '../src/contact-policy/policy';
import type { Pool } from '../src/db/pool';
import { accountWorkflowId } from '../src/domain/ids';
import type { PaymentEvent } from '../src/domain/payment-event';
import type { TreatmentsConfig } from '../src/treatments/schema';
import { accountCollection } from '../workflows/account/account-collection';
import { paymentReceivedSignal, summaryQuery } from '../workflows/account/contract';
import { createTimeSkippingEnv, daytimeZoneAt, isoDateFrom, newCodecKeys, seedAccount, testPool, testWorkflowBundle, uniqueId, type SeedAccount } from './support';

export type OverdueSeed = Pick<SeedAccount, 'timeZone' | 'jurisdiction' | 'borrowerId' | 'mobilePhone' | 'email'>;

export interface CollectionHarness {
  readonly env: TestWorkflowEnvironment;
  readonly pool: Pool;
  /** The worker's task queue and the client's payload keys, for a test that starts or decodes by itself. */
  readonly taskQueue: string;
  readonly codecKeys: CodecKeys;
  /** The test server's clock: time skipping moves it ahead of the wall clock. */
  serverNow(): Promise<number>;
  /** 1,000.00 overdue since 10 days ago, 1,000.00 more due in 40 days (server time); a borrower where it is midday unless told. */
  overdueAccount(seed?: OverdueSeed): Promise<string>;
  start(accountId: string, treatment?: string): ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>;
  payment(accountId: string, amount: number): Promise<PaymentEvent>;
  /**
   * Ends a test's workflow by curing the account, not by terminating it: the time-skipping
   * test server never skips time again after a run is terminated while one of its workflow
   * tasks is in flight (its task stays STARTED), which would stall every later test.
   */
  closeOut(handle: WorkflowHandle): Promise<void>;
  /** Why an update was refused: the validator's (or handler's) message. */
  refusal(update: Promise<unknown>): Promise<string>;
}

export interface CollectionHarnessOptions {
  name: string;
  treatments?: TreatmentsConfig;
  contactPolicies?: ContactPolicySet;
  /**
   * The worker's activities, built once the pool is open; default: the real ones with the
   * outbox SMS provider and the treatments and contact policies above. A suite that holds
   * activities mid-flight wraps the real ones here.
   */
  activities?: (pool: Pool) => object;
}

export function collectionHarness({ name, treatments, contactPolicies, activities }: CollectionHarnessOptions): CollectionHarness {
  const codecKeys = newCodecKeys();
  const taskQueue = uniqueId(`tq-${name}`);
  let env: TestWorkflowEnvironment;
  let pool: Pool;
  let worker: Worker;
  let workerRun: Promise<void>;

  beforeAll(async () => {
    pool = testPool();
    env = await createTimeSkippingEnv(codecKeys);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: testWorkflowBundle(),
      activities: activities ? activities(pool) : createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), treatments, contactPolicies }),
      dataConverter: createDataConverter(codecKeys),
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await workerRun;
    await env?.teardown();
    await pool?.end();
  });

  const serverNow = () => env.currentTimeMs();
  const payment = async (accountId: string, amount: number): Promise<PaymentEvent> => ({
    eventId: uniqueId('EVT'),
    accountId,
    amount,
    currency: 'CNY',
    valueDate: isoDateFrom(await serverNow(), 0),
    method: 'BANK_TRANSFER',
  });

  return {
    get env() {
      return env;
    },
    get pool() {
      return pool;
    },
    taskQueue,
    codecKeys,
    serverNow,
    async overdueAccount(seed = {}) {
      const now = await serverNow();
      return seedAccount(pool, {
        ...seed,
        timeZone: seed.timeZone ?? daytimeZoneAt(now),
        installments: [
          { dueDate: isoDateFrom(now, -10), amount: 100_000 },
          { dueDate: isoDateFrom(now, 40), amount: 100_000 },
        ],
      });
    },
    start(accountId, treatment) {
      return env.client.workflow.start(accountCollection, {
        taskQueue,
        workflowId: accountWorkflowId(accountId),
        args: [{ accountId, ...(treatment ? { overrides: { treatment } } : {}) }],
      });
    },
    payment,
    async closeOut(handle) {
      const { accountId, amountOverdue } = await handle.query(summaryQuery);
      await handle.signal(paymentReceivedSignal, await payment(accountId, amountOverdue));
      expect((await handle.result()).outcome).toBe('CURED');
    },
    async refusal(update) {
      const err = await update.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      return String((err as WorkflowUpdateFailedError).cause?.message);
    },
  };
}

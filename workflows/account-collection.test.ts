/**
 * accountCollection on the official time-skipping test server, with its activities
 * on the real Postgres: cadences of days run in seconds.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { createDataConverter } from '../src/codec/data-converter';
import { accountWorkflowId } from '../src/domain/ids';
import type { PaymentEvent } from '../src/domain/payment-event';
import type { Pool } from '../src/db/pool';
import { createTimeSkippingEnv, eventually, isoDateFrom, newCodecKeys, seedAccount, testPool, testWorkflowBundle, uniqueId } from '../test/support';
import { accountCollection } from './account-collection';
import { paymentReceivedSignal, summaryQuery } from './messages';

const codecKeys = newCodecKeys();
let env: TestWorkflowEnvironment;
let pool: Pool;
let worker: Worker;
let workerRun: Promise<void>;
const taskQueue = uniqueId('tq');

beforeAll(async () => {
  pool = testPool();
  env = await createTimeSkippingEnv(codecKeys);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: testWorkflowBundle(),
    activities: createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) }),
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

/** The test server's clock: time skipping moves it ahead of the wall clock. */
let serverNow: number;
beforeEach(async () => {
  serverNow = await env.currentTimeMs();
});

/** 1,000.00 overdue since 10 days ago, 1,000.00 more due in 20 days (server time). */
async function overdueAccount(): Promise<string> {
  return seedAccount(pool, {
    installments: [
      { dueDate: isoDateFrom(serverNow, -10), amount: 100_000 },
      { dueDate: isoDateFrom(serverNow, 20), amount: 100_000 },
    ],
  });
}

function start(accountId: string) {
  return env.client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
}

const payment = (accountId: string, amount: number, eventId = uniqueId('EVT')): PaymentEvent => ({
  eventId,
  accountId,
  amount,
  currency: 'CNY',
  valueDate: isoDateFrom(serverNow, 0),
  method: 'BANK_TRANSFER',
});

async function contactTemplates(accountId: string): Promise<string[]> {
  const { rows } = await pool.query('SELECT template_id FROM contact_attempts WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows.map((r) => r.template_id as string);
}

test('an overdue account is reminded by SMS at once and again on day 3', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);

  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 1)).toEqual(['sms-first-reminder']);
  const first = await handle.query(summaryQuery);
  expect(first).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, amountOverdueFormatted: 'CNY 1000.00', daysPastDue: 10, bucket: '1-30', treatment: 'standard' });
  expect(first.nextStep?.action).toBe('SMS sms-second-reminder');

  await env.sleep('2 days');
  expect(await contactTemplates(accountId)).toEqual(['sms-first-reminder']); // not before day 3

  await env.sleep('1 day');
  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 2)).toEqual(['sms-first-reminder', 'sms-second-reminder']);
  const later = await handle.query(summaryQuery);
  expect(later.daysPastDue).toBe(13); // the figures were refreshed before the second reminder
  expect(later.nextStep).toBeNull();

  const { rows } = await pool.query('SELECT rendered_text FROM contact_attempts WHERE account_id = $1 ORDER BY id LIMIT 1', [accountId]);
  expect(rows[0].rendered_text).toContain('CNY 1000.00 overdue');

  await handle.terminate('test over');
});

test('a payment mid-cadence cures the account and no further reminder goes out', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);

  await env.sleep('1 day');
  await handle.signal(paymentReceivedSignal, payment(accountId, 100_000));
  const result = await handle.result();

  expect(result.outcome).toBe('CURED');
  expect(result.summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, daysPastDue: 0, paymentsCounted: 1, nextStep: null });
  expect(await contactTemplates(accountId)).toEqual(['sms-first-reminder']);
  const transitions = await pool.query('SELECT from_stage, to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id', [accountId]);
  expect(transitions.rows).toEqual([
    { from_stage: null, to_stage: 'SCREENED' },
    { from_stage: 'SCREENED', to_stage: 'REMINDING' },
    { from_stage: 'REMINDING', to_stage: 'CURED' },
  ]);
  const payments = await pool.query('SELECT amount, source FROM payments WHERE account_id = $1', [accountId]);
  expect(payments.rows).toEqual([{ amount: 100_000, source: 'SIGNAL' }]);
});

test('a partial payment updates the figures; the same event id twice counts once', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);

  const partial = payment(accountId, 40_000);
  await handle.signal(paymentReceivedSignal, partial);
  await handle.signal(paymentReceivedSignal, partial);
  const summary = await eventually(
    () => handle.query(summaryQuery),
    (s) => s.paymentsCounted > 0,
  );
  // give a wrongly counted duplicate every chance to show up
  await new Promise((r) => setTimeout(r, 500));
  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'REMINDING', amountOverdue: 60_000, paymentsCounted: 1 });
  expect(summary.amountOverdue).toBe(60_000);
  const { rows } = await pool.query('SELECT count(*)::int AS n, sum(amount)::int AS total FROM payments WHERE account_id = $1', [accountId]);
  expect(rows[0]).toEqual({ n: 1, total: 40_000 });

  await handle.signal(paymentReceivedSignal, payment(accountId, 60_000));
  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', paymentsCounted: 2 });
});

test('a malformed payment signal is logged and ignored; the workflow carries on', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);

  const bad: unknown[] = [
    { ...payment(accountId, 100_000), amount: -5 },
    { ...payment(accountId, 100_000), amount: 12.5 },
    { ...payment(accountId, 100_000), valueDate: 'yesterday' },
    { ...payment(accountId, 100_000), currency: 'yuan' },
    { eventId: 'E-only' },
    'not even an object',
    { ...payment('SOMEONE-ELSE', 100_000) },
  ];
  for (const payload of bad) await handle.signal(paymentReceivedSignal, payload as PaymentEvent);
  await new Promise((r) => setTimeout(r, 500));

  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, paymentsCounted: 0 });
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM payments WHERE account_id = $1', [accountId]);
  expect(rows[0].n).toBe(0);

  await handle.signal(paymentReceivedSignal, payment(accountId, 100_000));
  expect((await handle.result()).outcome).toBe('CURED');
});

test('a payment in the wrong currency is not counted', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);

  await handle.signal(paymentReceivedSignal, { ...payment(accountId, 100_000), currency: 'USD' });
  const audit = await eventually(
    async () => (await pool.query("SELECT detail FROM audit_events WHERE account_id = $1 AND kind = 'PAYMENT_EVENT_REJECTED'", [accountId])).rows,
    (rows) => rows.length > 0,
  );
  expect(audit[0].detail).toMatchObject({ outcome: 'CURRENCY_MISMATCH' });
  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, paymentsCounted: 0 });
  await handle.terminate('test over');
});

test('an input without a valid account id fails the start with a clear reason', async () => {
  const handle = await env.client.workflow.start(accountCollection, {
    taskQueue,
    workflowId: uniqueId('bad-input'),
    args: [{ accountId: 'not valid!' }],
  });
  const failure = await handle.result().catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  expect(String((failure as WorkflowFailedError).cause?.message)).toContain('accountId');
});

test('history stays bounded: the run continues as new and keeps its state', async () => {
  const accountId = await overdueAccount();
  const handle = await env.client.workflow.start(accountCollection, {
    taskQueue,
    workflowId: accountWorkflowId(accountId),
    args: [{ accountId, overrides: { maxHistoryEvents: 100 } }],
  });
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);
  const firstRunId = handle.firstExecutionRunId;

  // Many duplicate-free partial payments grow the history past the limit.
  for (let i = 0; i < 12; i++) await handle.signal(paymentReceivedSignal, payment(accountId, 1_000));
  const described = await eventually(
    () => env.client.workflow.getHandle(accountWorkflowId(accountId)).describe(),
    (d) => d.runId !== firstRunId,
  );
  expect(described.runId).not.toBe(firstRunId);
  const summary = await env.client.workflow.getHandle(accountWorkflowId(accountId)).query(summaryQuery);
  expect(summary).toMatchObject({ stage: 'REMINDING', paymentsCounted: 12, amountOverdue: 88_000 });

  // the day-3 reminder is still due in the new run, and goes out once
  await env.sleep('3 days');
  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 2)).toEqual(['sms-first-reminder', 'sms-second-reminder']);
  await env.client.workflow.getHandle(accountWorkflowId(accountId)).terminate('test over');
});

/**
 * A supervisor's override that lands while a contact is in flight (issue 7), on the dev
 * server: the run's history must replay on the same code. The override's update and the
 * run's reaction to it (cancelling the cadence, moving the stage, proposing an appointment)
 * happen in one workflow task; a handler that awaited a local activity after changing what
 * the run reacts to produced a history that replay orders differently (a nondeterminism
 * error after a worker restart). The SMS gateway is held until the override is answered.
 */
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { SmsMessage, SmsProvider } from '../../../activities/providers/sms-provider';
import { createDataConverter } from '../../../src/codec/data-converter';
import type { Pool } from '../../../src/db/pool';
import { accountWorkflowId } from '../../../src/domain/ids';
import { connectClient } from '../../../src/temporal/client';
import { createArrearsWorker } from '../../../workers/create-worker';
import { addFieldStaff } from '../../../test/field-collection-seeds';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, testPool, testTemporalAddress, testWorkflowBundle, uniqueId } from '../../../test/support';
import { accountCollection } from '../account-collection';
import { overrideStageUpdate, paymentReceivedSignal, summaryQuery } from '../contract';

/** An SMS gateway that takes messages only once opened. */
class HeldGateway implements SmsProvider {
  readonly name = 'held-gateway';
  readonly received: SmsMessage[] = [];
  private open!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  async send(message: SmsMessage) {
    this.received.push(message);
    await this.opened;
    return { providerMessageId: `held-${message.idempotencyKey}` };
  }
  release() {
    this.open();
  }
}

const codecKeys = newCodecKeys();
let pool: Pool;
let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const gateway = new HeldGateway();
const taskQueue = uniqueId('tq-field-override');

beforeAll(async () => {
  pool = testPool();
  client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys });
  connection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await createArrearsWorker({ connection, namespace: 'default', taskQueue, codecKeys, deps: { pool, smsProvider: gateway, temporalClient: client }, workflowBundle: testWorkflowBundle() });
  running = worker.run();
});

afterAll(async () => {
  gateway.release();
  worker?.shutdown();
  await running;
  await connection?.close();
  await client?.connection.close();
  await pool?.end();
});

test('an override answered while the first SMS is still with the gateway replays on the same code', async () => {
  const supervisor = await addFieldStaff(pool, 'SUPERVISOR');
  await addFieldStaff(pool, 'COLLECTOR');
  const accountId = await seedAccount(pool, {
    installments: [
      { dueDate: isoDateFrom(Date.now(), -10), amount: 100_000 },
      { dueDate: isoDateFrom(Date.now(), 20), amount: 100_000 },
    ],
  });
  const handle = await client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment: 'standard' } }] });
  await eventually(async () => gateway.received.length, (n) => n >= 1);

  const overridden = await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'APPOINTMENT', supervisorId: supervisor, reason: 'test: an override mid-contact' }] });
  expect(overridden).toEqual({ from: 'REMINDING', to: 'APPOINTMENT' });
  gateway.release();
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'APPOINTMENT' && !!s.appointment);

  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: createDataConverter(codecKeys) }, history, handle.workflowId);

  const { amountOverdue } = await handle.query(summaryQuery);
  await handle.signal(paymentReceivedSignal, { eventId: uniqueId('EVT'), accountId, amount: amountOverdue, currency: 'CNY', valueDate: isoDateFrom(Date.now(), 0), method: 'BANK_TRANSFER' });
  expect((await handle.result()).outcome).toBe('CURED');
});

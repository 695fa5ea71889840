/**
 * The pipeline on the Temporal dev server and the real Postgres: a workflow started
 * the way the launcher starts them, paid by signal, seen CURED through visibility,
 * with its record in Postgres and nothing readable in Temporal's history.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Pool } from '../src/db/pool';
import { isoDateOf } from '../src/domain/dates';
import { accountWorkflowId } from '../src/domain/ids';
import { createLogger } from '../src/logger';
import { startAccountCollections } from '../src/temporal/start-account-collections';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, type TestWorker, testPool, testTemporalAddress, uniqueId } from '../test/support';
import { paymentReceivedSignal, summaryQuery } from '../workflows/messages';

const codecKeys = newCodecKeys();
const taskQueue = uniqueId('arrears-it');
const log = createLogger('silent');
let pool: Pool;
let client: Client;
let testWorker: TestWorker;

beforeAll(async () => {
  pool = testPool();
  testWorker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys, pool });
  client = testWorker.client;
});

afterAll(async () => {
  await testWorker?.stop();
  await pool?.end();
});

test('started like the launcher starts it, paid by signal, the account is CURED in visibility and in Postgres', async () => {
  const now = Date.now();
  const accountId = await seedAccount(pool, {
    installments: [
      { dueDate: isoDateFrom(now, -75), amount: 300_000 },
      { dueDate: isoDateFrom(now, -45), amount: 300_000 },
      { dueDate: isoDateFrom(now, 15), amount: 300_000 },
    ],
  });
  const workflowId = accountWorkflowId(accountId);

  expect(await startAccountCollections(client, [accountId], { taskQueue, log })).toEqual({ started: 1, alreadyRunning: 0 });
  // starting again duplicates nothing
  expect(await startAccountCollections(client, [accountId], { taskQueue, log })).toEqual({ started: 0, alreadyRunning: 1 });

  const handle = client.workflow.getHandle(workflowId);
  const reminding = await eventually(
    () => handle.query(summaryQuery),
    (s) => s.stage === 'REMINDING' && s.figuresAsOf !== null,
  );
  expect(reminding).toMatchObject({ amountOverdue: 600_000, daysPastDue: 75, bucket: '61-90' });

  // The UI's list filter: stage, DPD and amount in one visibility query.
  const filter = `WorkflowId = "${workflowId}" AND ArrearsStage = "REMINDING" AND DaysPastDue > 60 AND AmountOverdue > 5000`;
  const listed = await eventually(
    async () => (await client.workflow.count(filter)).count,
    (n) => n === 1,
  );
  expect(listed).toBe(1);

  await handle.signal(paymentReceivedSignal, {
    eventId: uniqueId('EVT'),
    accountId,
    amount: 600_000,
    currency: 'CNY',
    valueDate: isoDateOf(now),
    method: 'BANK_TRANSFER',
  });
  const result = await handle.result();
  expect(result.outcome).toBe('CURED');

  const cured = await eventually(
    async () => (await client.workflow.count(`WorkflowId = "${workflowId}" AND ArrearsStage = "CURED" AND AmountOverdue = 0`)).count,
    (n) => n === 1,
  );
  expect(cured).toBe(1);
  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');

  const stages = await pool.query('SELECT to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id', [accountId]);
  expect(stages.rows.map((r) => r.to_stage)).toEqual(['SCREENED', 'REMINDING', 'CURED']);
  const sms = await pool.query('SELECT c.status, c.provider, o.to_phone FROM contact_attempts c JOIN sms_outbox o USING (idempotency_key) WHERE c.account_id = $1', [accountId]);
  expect(sms.rows).toEqual([{ status: 'SENT', provider: 'outbox', to_phone: '+8613800000000' }]);
  const payments = await pool.query('SELECT amount, source FROM payments WHERE account_id = $1', [accountId]);
  expect(payments.rows).toEqual([{ amount: 600_000, source: 'SIGNAL' }]);

  // Nothing in Temporal's history is readable without the key: every payload is
  // encrypted, except search attributes, which visibility must index (no personal data).
  const raw = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  const encodings = payloadEncodings(raw.history?.events ?? []);
  expect(encodings.length).toBeGreaterThan(10);
  expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
});

/** The `encoding` of every payload in the history, outside search attributes. */
function payloadEncodings(node: unknown, underSearchAttributes = false): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => payloadEncodings(n, underSearchAttributes));
  const record = node as Record<string, unknown>;
  const metadata = record.metadata as Record<string, Uint8Array> | undefined;
  if (metadata?.encoding && 'data' in record) return underSearchAttributes ? [] : [Buffer.from(metadata.encoding).toString()];
  return Object.entries(record).flatMap(([key, value]) => payloadEncodings(value, underSearchAttributes || key === 'searchAttributes'));
}

test('a second start for an account with a running workflow is refused, not duplicated', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -5), amount: 10_000 }] });
  await startAccountCollections(client, [accountId], { taskQueue, log });
  const second = client.workflow.start('accountCollection', {
    taskQueue,
    workflowId: accountWorkflowId(accountId),
    args: [{ accountId }],
    workflowIdConflictPolicy: 'FAIL',
  });
  await expect(second).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  await client.workflow.getHandle(accountWorkflowId(accountId)).terminate('test over');
});

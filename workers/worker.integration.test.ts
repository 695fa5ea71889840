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
import { accountCollection } from '../workflows/account/account-collection';
import { paymentReceivedSignal, summaryQuery } from '../workflows/account/contract';

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
  // encrypted, except search attributes, which visibility must index (no personal data),
  // and the SDK's own marker bookkeeping, which holds only the fields checked here.
  const raw = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  const events = raw.history?.events ?? [];
  const encodings = payloadEncodings(events);
  expect(encodings.length).toBeGreaterThan(10);
  expect(new Set(encodings)).toEqual(new Set(['binary/encrypted']));
  const bookkeeping = events.flatMap((e) => Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) => d.payloads ?? []));
  const plain = bookkeeping.filter((p) => Buffer.from(p.metadata?.encoding ?? []).toString() === 'json/plain').map((p) => Object.keys(JSON.parse(Buffer.from(p.data ?? []).toString())).sort());
  expect(plain.length).toBeGreaterThan(0);
  const SDK_MARKER_FIELDS = ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'deprecated', 'id', 'original_schedule_time', 'seq'];
  for (const keys of plain) expect(SDK_MARKER_FIELDS).toEqual(expect.arrayContaining(keys));
});

/**
 * The `encoding` of every payload in the history, outside search attributes and outside
 * the SDK's marker bookkeeping (a local activity's `data`, a patch's `patch-data`; its
 * result is a payload of ours and is counted).
 */
function payloadEncodings(node: unknown, skipped = false): string[] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((n) => payloadEncodings(n, skipped));
  const record = node as Record<string, unknown>;
  const metadata = record.metadata as Record<string, Uint8Array> | undefined;
  if (metadata?.encoding && 'data' in record) return skipped ? [] : [Buffer.from(metadata.encoding).toString()];
  const isMarkerDetails = 'markerName' in record;
  return Object.entries(record).flatMap(([key, value]) => {
    if (isMarkerDetails && key === 'details' && value && typeof value === 'object') {
      return Object.entries(value).flatMap(([detail, payloads]) => payloadEncodings(payloads, skipped || detail === 'data' || detail === 'patch-data'));
    }
    return payloadEncodings(value, skipped || key === 'searchAttributes');
  });
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

test('history stays bounded: the run continues as new and keeps its state and its place in the cadence', async () => {
  const now = Date.now();
  const accountId = await seedAccount(pool, {
    installments: [
      { dueDate: isoDateFrom(now, -10), amount: 100_000 },
      { dueDate: isoDateFrom(now, 20), amount: 100_000 },
    ],
  });
  const workflowId = accountWorkflowId(accountId);
  const first = await client.workflow.start(accountCollection, { taskQueue, workflowId, args: [{ accountId, overrides: { maxHistoryEvents: 100, treatment: 'standard' } }] });
  const latest = client.workflow.getHandle(workflowId);
  await eventually(() => latest.query(summaryQuery), (s) => s.nextStep?.action === 'CALL call-reminder');

  // Twenty partial payments grow the history past the limit; one at a time, as signals
  // that arrive together share a workflow task (and fewer history events).
  for (let i = 1; i <= 20; i++) {
    await latest.signal(paymentReceivedSignal, { eventId: uniqueId('EVT-CAN'), accountId, amount: 1_000, currency: 'CNY', valueDate: isoDateOf(now), method: 'BANK_TRANSFER' });
    await eventually(() => latest.query(summaryQuery), (s) => s.paymentsCounted >= i);
  }
  const described = await eventually(() => latest.describe(), (d) => d.runId !== first.firstExecutionRunId);
  expect(described.runId).not.toBe(first.firstExecutionRunId);
  expect((await client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');

  // The new run carries the figures, the counted payments and the cadence step: the
  // first reminder is not sent again, the day-2 call is next, and the treatment chosen by the first run stays.
  const summary = await latest.query(summaryQuery);
  expect(summary).toMatchObject({ stage: 'REMINDING', paymentsCounted: 20, amountOverdue: 80_000, treatment: 'standard', nextStep: { action: 'CALL call-reminder' } });
  expect(summary.treatmentConfigVersion).toMatch(/^\d{4}\.\d+$/);
  const { rows } = await pool.query('SELECT template_id FROM contact_attempts WHERE account_id = $1', [accountId]);
  expect(rows).toEqual([{ template_id: 'sms-first-reminder' }]);
  await latest.terminate('test over');
});


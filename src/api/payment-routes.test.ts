/**
 * POST /payments against the real Postgres and the Temporal dev server, with a worker
 * and the outbox relay running: every answer of the route, and delivery to the workflow.
 * (Fastify's inject cannot load under jest here, so the server listens on a free port.)
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from '../db/pool';
import { isoDateOf } from '../domain/dates';
import { accountWorkflowId } from '../domain/ids';
import { createLogger } from '../logger';
import { SignalRelay } from '../payments/signal-relay';
import { startAccountCollections } from '../temporal/start-account-collections';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestApi, startTestWorker, type TestApi, type TestWorker, testDatabaseUrl, testPool, testTemporalAddress, uniqueId } from '../../test/support';
import { serviceTokenForTests } from '../../test/test-identities';
import { runActivity } from '../../test/activity-testbed';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { createLegalActivities } from '../../activities/legal';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { summaryQuery } from '../../workflows/account/contract';

const codecKeys = newCodecKeys();
const taskQueue = uniqueId('payments-api');
const log = createLogger('silent');
let pool: Pool;
let client: Client;
let testWorker: TestWorker;
let relay: SignalRelay;
let api: TestApi;
let baseUrl: string;

beforeAll(async () => {
  pool = testPool();
  testWorker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys, pool });
  client = testWorker.client;
  relay = new SignalRelay({ databaseUrl: testDatabaseUrl('shared'), pool, client, taskQueue, log, pollIntervalMs: 200 });
  await relay.start();
  api = await startTestApi({ pool, temporal: client, codecKeys });
  baseUrl = api.baseUrl;
});

afterAll(async () => {
  await api?.close();
  await relay?.stop();
  await testWorker?.stop();
  await pool?.end();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  // as the payment service: the client-credentials token of the local provider's demo client
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceTokenForTests()}` }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** 1,000.00 overdue since 40 days ago. */
const overdueAccount = () => seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -40), amount: 100_000 }] });

const payment = (accountId: string, amount: number, extra: Record<string, unknown> = {}) => ({
  eventId: uniqueId('EVT'),
  accountId,
  amount,
  currency: 'CNY',
  valueDate: isoDateOf(Date.now()),
  method: 'BANK_TRANSFER',
  ...extra,
});

async function startCollection(accountId: string) {
  await startAccountCollections(client, [accountId], { taskQueue, log });
  const handle = client.workflow.getHandle(accountWorkflowId(accountId));
  await eventually(
    () => handle.query(summaryQuery),
    (s) => s.stage === 'REMINDING',
  );
  return handle;
}

const paymentRows = async (accountId: string) => (await pool.query('SELECT event_id, amount, source FROM payments WHERE account_id = $1', [accountId])).rows;

test('a payment that clears the arrears is recorded, relayed to the workflow, and cures the account', async () => {
  const accountId = await overdueAccount();
  const handle = await startCollection(accountId);

  const event = payment(accountId, 100_000, { reference: 'BANK-REF-1' });
  const accepted = await post('/payments', event);
  expect(accepted.status).toBe(201);
  expect(accepted.json).toMatchObject({ eventId: event.eventId, accountId, amount: 100_000, status: 'ACCEPTED', reference: 'BANK-REF-1' });

  expect((await handle.result()).outcome).toBe('CURED');
  const outbox = await pool.query('SELECT outcome, delivered_at IS NOT NULL AS delivered FROM signal_outbox WHERE event_id = $1', [event.eventId]);
  expect(outbox.rows).toEqual([{ outcome: 'SIGNALLED', delivered: true }]);
  expect(await paymentRows(accountId)).toEqual([{ event_id: event.eventId, amount: 100_000, source: 'API' }]);
});

test('the same event again answers 200 with the first result and counts once', async () => {
  const accountId = await overdueAccount();
  const handle = await startCollection(accountId);
  const event = payment(accountId, 30_000);

  const first = await post('/payments', event);
  const again = await post('/payments', event);
  expect(first.status).toBe(201);
  expect(again.status).toBe(200);
  expect(again.json).toEqual(first.json);

  const summary = await eventually(
    () => handle.query(summaryQuery),
    (s) => s.paymentsCounted > 0,
  );
  await new Promise((r) => setTimeout(r, 500)); // room for a wrong second count to show
  expect(await handle.query(summaryQuery)).toMatchObject({ paymentsCounted: 1, amountOverdue: 70_000 });
  expect(summary.amountOverdue).toBe(70_000);
  expect(await paymentRows(accountId)).toHaveLength(1);
  await handle.terminate('test over');
});

test('the same event id with a different body is a 409 and changes nothing', async () => {
  const accountId = await overdueAccount();
  const event = payment(accountId, 30_000);
  expect((await post('/payments', event)).status).toBe(201);
  const conflicting = await post('/payments', { ...event, amount: 99_999 });
  expect(conflicting.status).toBe(409);
  expect(await paymentRows(accountId)).toEqual([{ event_id: event.eventId, amount: 30_000, source: 'API' }]);
});

test('an unknown account is a 404; the row is kept for reconciliation and nothing is relayed', async () => {
  const event = payment(uniqueId('NOBODY'), 5_000);
  const response = await post('/payments', event);
  expect(response.status).toBe(404);
  expect(response.json).toEqual({ error: 'unknown account', eventId: event.eventId, kept: true });
  expect(await paymentRows(event.accountId)).toHaveLength(1);
  const outbox = await pool.query('SELECT count(*)::int AS n FROM signal_outbox WHERE event_id = $1', [event.eventId]);
  expect(outbox.rows[0].n).toBe(0);
  expect((await post('/payments', event)).status).toBe(404); // again: the same answer
});

test('a bad body is a 400 naming every wrong field, and nothing is written', async () => {
  const accountId = await overdueAccount();
  const response = await post('/payments', { eventId: uniqueId('EVT'), accountId, amount: 12.5, currency: 'yuan', valueDate: 'yesterday', method: 'CHEQUE' });
  expect(response.status).toBe(400);
  const issues = (response.json.issues as string[]).join('\n');
  for (const field of ['amount', 'currency', 'valueDate', 'method']) expect(issues).toMatch(new RegExp(`^${field}:`, 'm'));
  expect(issues).not.toContain('yesterday'); // names the field, does not echo the value
  expect(await paymentRows(accountId)).toHaveLength(0);
});

test('a payment in another currency is a 422, and nothing is written', async () => {
  const accountId = await overdueAccount();
  const response = await post('/payments', payment(accountId, 100_000, { currency: 'USD' }));
  expect(response.status).toBe(422);
  expect(response.json.error).toContain('CNY');
  expect(await paymentRows(accountId)).toHaveLength(0);
});

test('an account with no open workflow: the payment is applied to its installments, no workflow is started', async () => {
  const accountId = await overdueAccount();
  const event = payment(accountId, 60_000);
  expect((await post('/payments', event)).status).toBe(201);

  const outbox = await eventually(
    async () => (await pool.query('SELECT outcome FROM signal_outbox WHERE event_id = $1', [event.eventId])).rows[0]?.outcome,
    (outcome) => outcome !== null && outcome !== undefined,
  );
  expect(outbox).toBe('NO_OPEN_WORKFLOW');
  const figures = await pool.query('SELECT amount_overdue FROM account_figures($2::date) WHERE account_id = $1', [accountId, isoDateOf(Date.now())]);
  expect(figures.rows[0].amount_overdue).toBe(40_000);
  await expect(client.workflow.getHandle(accountWorkflowId(accountId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});

test('a payment on a written-off account: applied, recorded once as a recovery and audited; it re-opens nothing', async () => {
  const accountId = await overdueAccount();
  const supervisor = await addFieldStaff(pool, 'SUPERVISOR');
  const legal = createLegalActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
  const recommended = await runActivity(legal.recommendWriteOff, { idempotencyKey: uniqueId('write-off'), accountId, workflowId: accountWorkflowId(accountId), basis: 'CHARGE_OFF_REACHED', at: Date.now() });
  const decision = { recommendationId: recommended.recommendationId, supervisorId: supervisor, decision: 'APPROVE' as const, reason: 'charged off for the test' };
  await runActivity(legal.decideWriteOff, { accountId, decision, at: Date.now() });

  const event = payment(accountId, 30_000);
  expect((await post('/payments', event)).status).toBe(201);
  expect((await post('/payments', event)).status).toBe(200); // the same event again counts once
  const outbox = await eventually(
    async () => (await pool.query('SELECT outcome FROM signal_outbox WHERE event_id = $1', [event.eventId])).rows[0]?.outcome,
    (outcome) => outcome !== null && outcome !== undefined,
  );
  expect(outbox).toBe('NO_OPEN_WORKFLOW');
  const recoveries = await pool.query('SELECT payment_event_id, amount FROM write_off_recoveries WHERE account_id = $1', [accountId]);
  expect(recoveries.rows).toEqual([{ payment_event_id: event.eventId, amount: 30_000 }]);
  const audited = await pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE account_id = $1 AND kind = 'WRITE_OFF_RECOVERY'`, [accountId]);
  expect(audited.rows).toEqual([{ n: 1 }]);
  expect((await pool.query('SELECT status FROM accounts WHERE id = $1', [accountId])).rows).toEqual([{ status: 'WRITTEN_OFF' }]);
  await expect(client.workflow.getHandle(accountWorkflowId(accountId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});

test('/openapi.json is generated from the route schemas', async () => {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`, { headers: { authorization: `Bearer ${await serviceTokenForTests()}` } })).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
  expect(doc.openapi).toMatch(/^3\./);
  const body = JSON.stringify(doc.paths['/payments']?.post?.requestBody);
  for (const field of ['eventId', 'accountId', 'amount', 'currency', 'valueDate', 'method', 'reference']) expect(body).toContain(field);
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/payments', '/payments/{eventId}/reversal', '/codec/decode']));
});

describe('reversal', () => {
  test('on an open run: the payment stops counting and the figures go back up; a second reversal changes nothing', async () => {
    const accountId = await overdueAccount();
    const handle = await startCollection(accountId);
    const event = payment(accountId, 40_000);
    expect((await post('/payments', event)).status).toBe(201);
    await eventually(
      () => handle.query(summaryQuery),
      (s) => s.amountOverdue === 60_000,
    );

    const reversed = await post(`/payments/${event.eventId}/reversal`, { reason: 'returned direct debit' });
    expect(reversed.status).toBe(200);
    expect(reversed.json).toMatchObject({ eventId: event.eventId, status: 'REVERSED' });
    const again = await post(`/payments/${event.eventId}/reversal`, { reason: 'sent twice' });
    expect(again.json).toEqual(reversed.json);

    const summary = await eventually(
      () => handle.query(summaryQuery),
      (s) => s.amountOverdue === 100_000,
    );
    expect(summary).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000 });
    await handle.terminate('test over');
  });

  test('after the run closed as CURED: the arrears re-open in a new run of the same workflow id', async () => {
    const accountId = await overdueAccount();
    const handle = await startCollection(accountId);
    const event = payment(accountId, 100_000);
    await post('/payments', event);
    expect((await handle.result()).outcome).toBe('CURED');
    const curedRun = (await handle.describe()).runId;

    expect((await post(`/payments/${event.eventId}/reversal`, { reason: 'chargeback' })).status).toBe(200);
    const outcome = await eventually(
      async () => (await pool.query("SELECT outcome FROM signal_outbox WHERE event_id = $1 AND kind = 'PAYMENT_REVERSED'", [event.eventId])).rows[0]?.outcome,
      (o) => Boolean(o),
    );
    expect(outcome).toBe('STARTED');
    const latest = client.workflow.getHandle(accountWorkflowId(accountId));
    const reopened = await eventually(
      () => latest.query(summaryQuery),
      (s) => s.stage === 'REMINDING',
    );
    expect(reopened.amountOverdue).toBe(100_000);
    expect((await latest.describe()).runId).not.toBe(curedRun);
    await latest.terminate('test over');
  });

  test('of an unknown payment is a 404', async () => {
    expect((await post(`/payments/${uniqueId('NOPE')}/reversal`, { reason: 'x' })).status).toBe(404);
  });
});

/**
 * accountCollection on the official time-skipping test server, with its activities
 * on the real Postgres: cadences of days run in seconds.
 *
 * The SMS gateway and the stage recorder pass through checkpoints where a test can
 * hold one account's activity mid-flight (the real activity runs once released).
 */
import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { OutboxSmsProvider, type SmsMessage, type SmsProvider } from '../../activities/providers/sms-provider';
import { createDataConverter } from '../../src/codec/data-converter';
import { recordPayment } from '../../src/db/payments';
import { accountWorkflowId, WORKFLOW_ID_PREFIX } from '../../src/domain/ids';
import type { PaymentEvent } from '../../src/domain/payment-event';
import type { Pool } from '../../src/db/pool';
import { collectionHarness } from '../../test/collection-harness';
import { daytimeZoneAt, eventually, isoDateFrom, seedAccount, uniqueId } from '../../test/support';
import { accountCollection } from './account-collection';
import { figuresRefreshedSignal, paymentReceivedSignal, paymentReversedSignal, summaryQuery, type AccountSummary } from './contract';

/** Places where a test holds one account's activity until it says go (or fail); unheld ones pass straight through. */
class Checkpoints {
  private readonly held = new Map<string, { arrive: () => void; outcome: Promise<Error | undefined> }>();

  hold(accountId: string, point: string) {
    let arrive!: () => void;
    let settle!: (error?: Error) => void;
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    this.held.set(`${accountId} ${point}`, { arrive, outcome: new Promise((resolve) => (settle = resolve)) });
    return { reached, release: () => settle(), fail: (error: Error) => settle(error) };
  }

  async pass(accountId: string, point: string): Promise<void> {
    const key = `${accountId} ${point}`;
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key); // held once; a retry passes
    held.arrive();
    const error = await held.outcome;
    if (error) throw error;
  }
}
const checkpoints = new Checkpoints();

/** The real outbox behind a checkpoint: "stuck at the gateway" before the hand-off. */
class GatewayWithCheckpoint implements SmsProvider {
  readonly name = 'outbox';
  readonly offered: SmsMessage[] = [];
  constructor(private readonly outbox: OutboxSmsProvider) {}
  async send(message: SmsMessage) {
    this.offered.push(message);
    const accountId = message.idempotencyKey.split('/')[0]!.slice(WORKFLOW_ID_PREFIX.length);
    await checkpoints.pass(accountId, 'sms');
    return this.outbox.send(message);
  }
}
let gateway: GatewayWithCheckpoint;

const harness = collectionHarness({
  name: 'account',
  activities(pool) {
    gateway = new GatewayWithCheckpoint(new OutboxSmsProvider(pool));
    const activities = createActivities({ pool, smsProvider: gateway });
    return {
      ...activities,
      async recordStageTransition(transition: Parameters<typeof activities.recordStageTransition>[0]) {
        await checkpoints.pass(transition.accountId, `stage ${transition.toStage}`);
        return activities.recordStageTransition(transition);
      },
      // A payment that cures records the move to CURED itself (patch cure-in-one-step): the
      // "stage CURED" checkpoint then holds that step after Postgres has both, before the run hears.
      async applyPaymentEvent(input: Parameters<typeof activities.applyPaymentEvent>[0]) {
        const applied = await activities.applyPaymentEvent(input);
        if (applied.cureRecorded) await checkpoints.pass(input.event.accountId, 'stage CURED');
        return applied;
      },
    };
  },
});
const { taskQueue, codecKeys } = harness;
let env: TestWorkflowEnvironment;
let pool: Pool;
beforeAll(() => {
  ({ env, pool } = harness);
});

/** The test server's clock: time skipping moves it ahead of the wall clock. */
let serverNow: number;
beforeEach(async () => {
  serverNow = await env.currentTimeMs();
});

/** 1,000.00 overdue since 10 days ago, 1,000.00 more due in 20 days (server time). */
async function overdueAccount(): Promise<string> {
  return seedAccount(pool, {
    timeZone: daytimeZoneAt(serverNow), // contact hours: midday for the borrower
    installments: [
      { dueDate: isoDateFrom(serverNow, -10), amount: 100_000 },
      { dueDate: isoDateFrom(serverNow, 20), amount: 100_000 },
    ],
  });
}

/** The standard treatment, whatever the segment (early-collection.test.ts covers the choice). */
function start(accountId: string) {
  return env.client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment: 'standard' } }] });
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

/** An overdue account whose workflow has sent its first reminder. */
async function remindedAccount() {
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  await eventually(() => contactTemplates(accountId), (t) => t.length === 1);
  return { accountId, handle };
}

test('an overdue account is reminded by SMS at once; its figures are refreshed before the next step', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId);

  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 1)).toEqual(['sms-first-reminder']);
  const first = await handle.query(summaryQuery);
  expect(first).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, amountOverdueFormatted: 'CNY 1000.00', daysPastDue: 10, bucket: '1-30', treatment: 'standard' });
  expect(first.nextStep?.action).toBe('CALL call-reminder'); // the standard treatment's day 2 (early-collection.test.ts walks every cadence)

  await env.sleep('1 day');
  expect(await contactTemplates(accountId)).toEqual(['sms-first-reminder']); // not before day 2

  await env.sleep('1 day');
  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 2)).toEqual(['sms-first-reminder', 'call-reminder']);
  const later = await handle.query(summaryQuery);
  expect(later.daysPastDue).toBe(12); // the figures were refreshed before the call

  const { rows } = await pool.query('SELECT rendered_text FROM contact_attempts WHERE account_id = $1 ORDER BY id LIMIT 1', [accountId]);
  expect(rows[0].rendered_text).toContain('CNY 1000.00');

  await handle.terminate('test over');
});

test('a payment mid-cadence cures the account and no further reminder goes out', async () => {
  const { accountId, handle } = await remindedAccount();

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
  const { accountId, handle } = await remindedAccount();

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
  const { accountId, handle } = await remindedAccount();

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
  const { accountId, handle } = await remindedAccount();

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

// Continue-as-new is tested on the dev server (workers/worker.integration.test.ts): the
// time-skipping test server wedges a run whose last workflow task records a local
// activity and continues as new (the task stays STARTED in its history, and time
// skipping stops for every later test).

// ---- payment events: twice, late, out of order, reversed; each counts once (SPEC §2, §7) ----

/** A payment as the API takes it: the row in Postgres first (source API), then the signal. */
async function payByApi(handle: WorkflowHandle, event: PaymentEvent): Promise<void> {
  await recordPayment(pool, event, 'API');
  await handle.signal(paymentReceivedSignal, event);
}

/** A reversal as the API does it: `payments.reversed_at` first, then the signal. */
async function reverseByApi(handle: WorkflowHandle, event: PaymentEvent): Promise<void> {
  await pool.query('UPDATE payments SET reversed_at = now() WHERE event_id = $1', [event.eventId]);
  await handle.signal(paymentReversedSignal, { eventId: event.eventId, accountId: event.accountId });
}

async function stageTransitions(accountId: string): Promise<{ from_stage: string | null; to_stage: string }[]> {
  const { rows } = await pool.query('SELECT from_stage, to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows;
}

/** What reached the SMS outbox, and what was recorded as a contact attempt, for the account. */
/** What went out: outbox messages, and contact attempts the provider took (a record without a provider id was never delivered). */
async function smsTraces(accountId: string): Promise<{ outboxMessages: number; deliveredAttempts: number }> {
  const outbox = await pool.query('SELECT count(*)::int AS n FROM sms_outbox WHERE idempotency_key LIKE $1', [`${accountWorkflowId(accountId)}/%`]);
  const attempts = await pool.query(`SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1 AND status = 'SENT' AND provider_message_id IS NOT NULL`, [accountId]);
  return { outboxMessages: outbox.rows[0].n, deliveredAttempts: attempts.rows[0].n };
}

/** The run's code has seen a signal: a workflow task completed after the signal's event. */
async function signalTaken(handle: WorkflowHandle, signalName: string): Promise<boolean> {
  const { events } = await handle.fetchHistory();
  const signalAt = (events ?? []).findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === signalName);
  return signalAt >= 0 && (events ?? []).slice(signalAt).some((e) => e.workflowTaskCompletedEventAttributes);
}

const dataConverter = loadDataConverter(createDataConverter(codecKeys));
/** The decoded results of one activity type, in the order they completed in the run's history. */
async function activityResults(handle: WorkflowHandle, activityType: string): Promise<unknown[]> {
  const { events } = await handle.fetchHistory();
  const typeOf = new Map<string, string>();
  const results: unknown[] = [];
  for (const event of events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(event.eventId), scheduled.activityType?.name ?? '');
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed && typeOf.get(String(completed.scheduledEventId)) === activityType) {
      results.push(await decodeFromPayloadsAtIndex(dataConverter, 0, completed.result?.payloads));
    }
  }
  return results;
}

/** Real time for a wrongly counted signal or a stray retry to show up. */
const aMoment = () => new Promise((resolve) => setTimeout(resolve, 500));

test('out of order: two partial payments with value dates in reverse order give the same figures', async () => {
  const inOrder = await overdueAccount();
  const reverseOrder = await overdueAccount();
  const handles = [await start(inOrder), await start(reverseOrder)] as const;
  await Promise.all([inOrder, reverseOrder].map((id) => eventually(() => contactTemplates(id), (t) => t.length === 1)));
  const older = (accountId: string) => ({ ...payment(accountId, 30_000), valueDate: isoDateFrom(serverNow, -5) });
  const newer = (accountId: string) => ({ ...payment(accountId, 20_000), valueDate: isoDateFrom(serverNow, -1) });

  await handles[0].signal(paymentReceivedSignal, older(inOrder));
  await handles[0].signal(paymentReceivedSignal, newer(inOrder));
  await handles[1].signal(paymentReceivedSignal, newer(reverseOrder));
  await handles[1].signal(paymentReceivedSignal, older(reverseOrder));
  const [a, b] = await Promise.all(handles.map((h) => eventually(() => h.query(summaryQuery), (s) => s.paymentsCounted === 2)));

  expect(a).toMatchObject({ stage: 'REMINDING', amountOverdue: 50_000, daysPastDue: 10, paymentsCounted: 2 });
  // nextStep.at differs by the milliseconds between the two starts; everything else is the same
  const figuresOf = ({ accountId: _id, nextStep: _next, ...rest }: AccountSummary) => rest;
  expect(figuresOf(b!)).toEqual(figuresOf(a!));
  await Promise.all(handles.map((h) => h.terminate('test over')));
});

test('late: a payment signalled after the run completed as CURED is refused by Temporal; the closed run is unchanged', async () => {
  const { accountId, handle } = await remindedAccount();
  await payByApi(handle, payment(accountId, 100_000));
  const result = await handle.result();
  expect(result.outcome).toBe('CURED');
  const closed = await handle.describe();

  // The API path has already kept the row in Postgres (the figures include it);
  // its relay gets WorkflowNotFoundError and has nothing more to tell.
  const late = payment(accountId, 5_000);
  await recordPayment(pool, late, 'API');
  const refused = await env.client.workflow.getHandle(accountWorkflowId(accountId)).signal(paymentReceivedSignal, late).catch((err: unknown) => err);

  expect(refused).toBeInstanceOf(WorkflowNotFoundError);
  const after = await handle.describe();
  expect({ runId: after.runId, status: after.status.name, historyLength: after.historyLength }).toEqual({
    runId: closed.runId,
    status: 'COMPLETED',
    historyLength: closed.historyLength,
  });
  expect(await handle.result()).toEqual(result);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM payments WHERE account_id = $1', [accountId]);
  expect(rows[0].n).toBe(2);
});

test('reversal on an open run: the figures go back up, the payment no longer counts, the same reversal twice counts once', async () => {
  const { accountId, handle } = await remindedAccount();
  const part = payment(accountId, 40_000);
  await payByApi(handle, part);
  await eventually(() => handle.query(summaryQuery), (s) => s.paymentsCounted === 1);

  await reverseByApi(handle, part);
  await handle.signal(paymentReversedSignal, { eventId: part.eventId, accountId }); // the relay delivers it again
  await handle.signal(paymentReceivedSignal, part); // and the payment itself, again
  await eventually(() => handle.query(summaryQuery), (s) => s.paymentsReversed > 0);
  await aMoment();
  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, paymentsCounted: 0, paymentsReversed: 1 });

  await payByApi(handle, payment(accountId, 100_000));
  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, paymentsCounted: 1, paymentsReversed: 1 });
});

test('a payment that reaches the workflow after its own reversal is not counted', async () => {
  const { accountId, handle } = await remindedAccount();
  const bounced = payment(accountId, 40_000);
  await recordPayment(pool, bounced, 'API');

  await reverseByApi(handle, bounced);
  await handle.signal(paymentReceivedSignal, bounced);
  await handle.signal(paymentReceivedSignal, payment(accountId, 10_000)); // signals are handled in order: this one last
  const summary = await eventually(() => handle.query(summaryQuery), (s) => s.paymentsCounted > 0);

  expect(summary).toMatchObject({ stage: 'REMINDING', amountOverdue: 90_000, paymentsCounted: 1, paymentsReversed: 0 });
  await handle.terminate('test over');
});

test('partial then full, the API way (rows first, then the signals): CURED with both counted', async () => {
  const { accountId, handle } = await remindedAccount();

  await payByApi(handle, payment(accountId, 40_000));
  expect(await eventually(() => handle.query(summaryQuery), (s) => s.paymentsCounted === 1)).toMatchObject({ stage: 'REMINDING', amountOverdue: 60_000 });
  await payByApi(handle, payment(accountId, 60_000));

  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, paymentsCounted: 2 });
  const { rows } = await pool.query('SELECT source, count(*)::int AS n FROM payments WHERE account_id = $1 GROUP BY source', [accountId]);
  expect(rows).toEqual([{ source: 'API', n: 2 }]);
});

test('overpaid: more than the overdue amount cures, and the excess goes to the next installment', async () => {
  const { accountId, handle } = await remindedAccount();

  await payByApi(handle, payment(accountId, 150_000));

  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, paymentsCounted: 1 });
  // Once the second installment (1,000.00, due in 20 days) falls due, 500.00 of it is left.
  const { rows } = await pool.query('SELECT amount_overdue::int AS overdue FROM account_figures($2::date) WHERE account_id = $1', [accountId, isoDateFrom(serverNow, 21)]);
  expect(rows).toEqual([{ overdue: 50_000 }]);
});

test('cure while the first SMS is stuck at the gateway: CURED at once, no reminder goes out then or later', async () => {
  const accountId = await overdueAccount();
  const stuck = checkpoints.hold(accountId, 'sms');
  const recordingCure = checkpoints.hold(accountId, 'stage CURED');
  const handle = await start(accountId);
  await stuck.reached;

  await payByApi(handle, payment(accountId, 100_000));
  await recordingCure.reached; // the cure does not wait for the stuck attempt
  stuck.fail(new Error('SMS gateway timed out')); // the attempt never got through
  await aMoment(); // a retry, had there been one, would have run by now
  recordingCure.release();
  expect((await handle.result()).outcome).toBe('CURED');
  await env.sleep('10 days'); // the second reminder was due on day 3

  expect(await activityResults(handle, 'contactBorrower')).toEqual([]); // the one attempt failed; none after it
  expect(await smsTraces(accountId)).toEqual({ outboxMessages: 0, deliveredAttempts: 0 });
  expect(gateway.offered.filter((m) => m.idempotencyKey.startsWith(`${accountWorkflowId(accountId)}/`))).toHaveLength(1);
  expect((await stageTransitions(accountId)).map((t) => t.to_stage)).toEqual(['SCREENED', 'REMINDING', 'CURED']);
});

test('a payment reaches Postgres while the first SMS is stuck: the retry sends nothing (NOT_NEEDED) and the account is cured', async () => {
  const accountId = await overdueAccount();
  const stuck = checkpoints.hold(accountId, 'sms');
  const handle = await start(accountId);
  await stuck.reached;

  const full = payment(accountId, 100_000);
  await recordPayment(pool, full, 'API'); // the API has the payment; its signal is not through yet
  stuck.fail(new Error('SMS gateway timed out'));
  const result = await handle.result();

  // The retry re-read the figures before the hand-off, and the workflow read them too.
  expect(await activityResults(handle, 'contactBorrower')).toEqual([{ outcome: 'NOT_NEEDED' }]);
  expect(result.summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, paymentsCounted: 0 });
  await expect(env.client.workflow.getHandle(accountWorkflowId(accountId)).signal(paymentReceivedSignal, full)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  await env.sleep('10 days');
  expect(await smsTraces(accountId)).toEqual({ outboxMessages: 0, deliveredAttempts: 0 });
  expect(gateway.offered.filter((m) => m.idempotencyKey.startsWith(`${accountWorkflowId(accountId)}/`))).toHaveLength(1);
});

test('a reversal that lands while the cure is being recorded re-opens the arrears in a fresh run', async () => {
  const { accountId, handle } = await remindedAccount();
  const recordingCure = checkpoints.hold(accountId, 'stage CURED');
  const full = payment(accountId, 100_000);
  await payByApi(handle, full);
  await recordingCure.reached;

  await reverseByApi(handle, full);
  await eventually(() => signalTaken(handle, paymentReversedSignal.name), (taken) => taken);
  recordingCure.release();

  const latest = env.client.workflow.getHandle(accountWorkflowId(accountId));
  await eventually(() => latest.describe(), (d) => d.runId !== handle.firstExecutionRunId);
  const summary = await eventually(() => latest.query(summaryQuery), (s) => s.stage === 'REMINDING');
  // The reversal reached the run before the step that applied the payment had answered, so
  // the payment was never counted: "arrived after its reversal" (neither counted nor reversed).
  expect(summary).toMatchObject({ stage: 'REMINDING', amountOverdue: 100_000, paymentsCounted: 0, paymentsReversed: 0 });
  // a fresh cadence: the first reminder again, under a new key
  expect(await eventually(() => contactTemplates(accountId), (t) => t.length === 2)).toEqual(['sms-first-reminder', 'sms-first-reminder']);
  expect(await stageTransitions(accountId)).toEqual([
    { from_stage: null, to_stage: 'SCREENED' },
    { from_stage: 'SCREENED', to_stage: 'REMINDING' },
    { from_stage: 'REMINDING', to_stage: 'CURED' },
    { from_stage: 'CURED', to_stage: 'REMINDING' },
  ]);
  await latest.terminate('test over');
});

test('figuresRefreshed re-reads the figures; bad paymentReversed and figuresRefreshed payloads are ignored', async () => {
  const { accountId, handle } = await remindedAccount();
  const part = payment(accountId, 40_000);
  await payByApi(handle, part);
  await eventually(() => handle.query(summaryQuery), (s) => s.paymentsCounted === 1);

  const badReversals: unknown[] = [
    {},
    'not even an object',
    null,
    { eventId: part.eventId },
    { eventId: '', accountId },
    { eventId: part.eventId, accountId: 'not valid!' },
    { eventId: part.eventId, accountId: 'SOMEONE-ELSE' },
  ];
  const badRefreshes: unknown[] = [{}, 42, { refreshId: '' }, { refreshId: 'screening-1', asOf: 'yesterday' }];
  for (const payload of badReversals) await handle.signal(paymentReversedSignal, payload as never);
  for (const payload of badRefreshes) await handle.signal(figuresRefreshedSignal, payload as never);
  await aMoment();
  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'REMINDING', amountOverdue: 60_000, paymentsCounted: 1, paymentsReversed: 0 });
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // The loan book changes without a payment event (an import); screening asks for a refresh.
  await recordPayment(pool, { ...payment(accountId, 25_000), method: 'OTHER' }, 'IMPORT');
  await handle.signal(figuresRefreshedSignal, { refreshId: uniqueId('screening'), asOf: isoDateFrom(serverNow, 0) });
  expect(await eventually(() => handle.query(summaryQuery), (s) => s.amountOverdue < 60_000)).toMatchObject({ stage: 'REMINDING', amountOverdue: 35_000, paymentsCounted: 1 });
  await recordPayment(pool, payment(accountId, 35_000), 'IMPORT');
  await handle.signal(figuresRefreshedSignal, { refreshId: uniqueId('screening') });
  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', amountOverdue: 0, paymentsCounted: 1 });
});

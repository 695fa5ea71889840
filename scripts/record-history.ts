/**
 * Records real histories of accountCollection and dailyScreening for the replay net
 * (workflows/account/account-collection.replay.test.ts): `npm run record-history`.
 *
 * Standalone, not under jest: it starts its own embedded Postgres (a cluster of its
 * own under .data/record-history, fresh `arrears_record_test` database), the
 * official time-skipping test server and a worker on the real workflow code and
 * activities, drives a few fixed scenarios, and writes each history to
 * workflows/account/__fixtures__/histories/<name>.json. Payloads are encrypted with the
 * fixture codec key (workflows/account/__fixtures__/fixture-codec-key.json, a test-only key,
 * not a secret) so the replay test can decode them.
 *
 * Re-record only when a change is deliberately incompatible and ships behind
 * patched() or a new workflow type, never to make a failing replay pass.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import type { CodecKey } from '../src/codec/encryption-codec';
import { migrateUp } from '../src/db/migrate';
import { createPool, type Pool } from '../src/db/pool';
import { accountHandle, accountWorkflowId } from '../src/temporal/account-workflow';
import type { PaymentEvent } from '../src/domain/payment-event';
import { createLogger } from '../src/logger';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../src/paths';
import { freePort } from '../src/setup/dev-server';
import { recreateDatabase, startPostgres } from '../src/setup/postgres';
import { ensureTemporalCli, ensureTestServer, ephemeralExecutable } from '../src/setup/temporal-tools';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { validVisitReport } from '../test/field-collection-seeds';
import { eventually, isoDateFrom, seedAccount } from '../test/support';
import type { accountCollection } from '../workflows/account/account-collection';
import type { dailyScreening } from '../workflows/daily-screening';
import { DAILY_SCREENING_WORKFLOW } from '../workflows/screening-messages';
import {
  ACCOUNT_COLLECTION_WORKFLOW,
  ceaseContactSignal,
  holdPlacedSignal,
  confirmAppointmentUpdate,
  holdReleasedSignal,
  overrideStageUpdate,
  paymentReceivedSignal,
  recordCallOutcomeUpdate,
  recordPromiseUpdate,
  recordVisitNoShowUpdate,
  approveWaiverUpdate,
  respondToPlanUpdate,
  submitVisitReportUpdate,
  summaryQuery,
  type AccountCollectionInput,
  type AccountSummary,
} from '../workflows/account/contract';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workers/workflow-bundle-options';

const FIXTURES_DIR = path.join(PROJECT_ROOT, 'workflows', 'account', '__fixtures__');
const HISTORIES_DIR = path.join(FIXTURES_DIR, 'histories');
const KEY_FILE = path.join(FIXTURES_DIR, 'fixture-codec-key.json');
const WORK_DIR = path.join(DEFAULT_DATA_DIR, 'record-history');
const DATABASE = 'arrears_record_test';
const TASK_QUEUE = 'record-history';
/**
 * The generation being recorded of each workflow type, the prefix of the file names.
 * Histories of earlier generations stay (running workflows still have them) and must
 * keep replaying. accountCollection v1: database steps as regular activities; v2: as
 * local activities (patch `database-steps-as-local-activities`); v3: early collection (patch
 * `early-collection`: treatments, agent calls, promises, holds); v4: field collection (patch
 * `field-collection`: appointment, visit, report, overrideStage); v5: a cure recorded with its
 * payment in one local activity (patch `cure-in-one-step`); v6: the stage kernel's one
 * transition per move (patch `one-transition-per-move`: every move keyed and recorded by its
 * place in the chain; cease-contact in REMINDING hands the account on); v7: the negotiation and
 * plan stages (patch `negotiation-stages`: the offer, waivers, the answer, the plan followed).
 * dailyScreening v1: the first. Raise one with each deliberately incompatible change of that workflow.
 */
const GENERATION = { accountCollection: 'v7', dailyScreening: 'v1' } as const;

const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'record-history');
const EventType = temporal.api.enums.v1.EventType;

/** The fixed, test-only key; created once if missing (then commit it with the histories). */
function fixtureCodecKeys(): CodecKeys {
  if (!fs.existsSync(KEY_FILE)) {
    const created: CodecKey = { keyId: 'replay-fixture-key', key: randomBytes(32).toString('base64') };
    fs.writeFileSync(KEY_FILE, `${JSON.stringify(created, null, 2)}\n`);
    console.log(`created ${path.relative(PROJECT_ROOT, KEY_FILE)}`);
  }
  const key = JSON.parse(fs.readFileSync(KEY_FILE, 'utf8')) as CodecKey;
  return { current: key, previous: [] };
}

interface Recorded {
  name: string;
  workflowType: keyof typeof GENERATION;
  history: History;
}

interface Ctx {
  env: TestWorkflowEnvironment;
  pool: Pool;
}

/** 1,000.00 overdue since 10 days ago, 1,000.00 more due in 20 days (server time). */
async function overdueAccount({ env, pool }: Ctx, accountId: string): Promise<string> {
  const now = await env.currentTimeMs();
  return seedAccount(pool, {
    accountId,
    installments: [
      { dueDate: isoDateFrom(now, -10), amount: 100_000 },
      { dueDate: isoDateFrom(now, 20), amount: 100_000 },
    ],
  });
}

function start({ env }: Ctx, input: AccountCollectionInput): Promise<WorkflowHandleWithFirstExecutionRunId<typeof accountCollection>> {
  return env.client.workflow.start<typeof accountCollection>(ACCOUNT_COLLECTION_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: accountWorkflowId(input.accountId),
    args: [input],
  });
}

async function payment({ env }: Ctx, accountId: string, eventId: string, amount: number): Promise<PaymentEvent> {
  return { eventId, accountId, amount, currency: 'CNY', valueDate: isoDateFrom(await env.currentTimeMs(), 0), method: 'BANK_TRANSFER' };
}

async function remindersSent({ pool }: Ctx, accountId: string, count: number): Promise<void> {
  const sent = await eventually(
    async () => (await pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1', [accountId])).rows[0].n as number,
    (n) => n >= count,
  );
  assert.ok(sent >= count, `${count} reminder(s) for ${accountId}, saw ${sent}`);
}

async function paymentsCounted(handle: WorkflowHandle, count: number): Promise<void> {
  const summary = await eventually(
    () => handle.query(summaryQuery),
    (s) => s.paymentsCounted >= count,
  );
  assert.ok(summary.paymentsCounted >= count, `${count} payment(s) counted, saw ${summary.paymentsCounted}`);
}

function lastEventType(history: History): number | null | undefined {
  return history.events?.at(-1)?.eventType;
}

/** First SMS, time skips past day 3 (a call task that expires, a second SMS), then a full payment cures the account. */
async function remindedThenCured(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-REMINDED-CURED');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'standard' } });
  await remindersSent(ctx, accountId, 1);
  await ctx.env.sleep('3 days');
  await remindersSent(ctx, accountId, 3);
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-CURED-1', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  assert.equal(result.summary.paymentsCounted, 1);
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'reminded-then-cured', workflowType: 'accountCollection', history };
}

/** A partial payment, the same event again, a malformed signal, then the rest: CURED. */
async function partialDuplicateBadSignal(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-PARTIAL-DUP-BAD');
  const handle = await start(ctx, { accountId });
  await remindersSent(ctx, accountId, 1);
  const partial = await payment(ctx, accountId, 'EVT-REPLAY-PARTIAL-1', 40_000);
  await handle.signal(paymentReceivedSignal, partial);
  await paymentsCounted(handle, 1);
  await handle.signal(paymentReceivedSignal, partial);
  await handle.signal(paymentReceivedSignal, { ...partial, eventId: 'EVT-REPLAY-MALFORMED', amount: -5 });
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-PARTIAL-2', 60_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  assert.equal(result.summary.paymentsCounted, 2);
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'partial-duplicate-bad-signal', workflowType: 'accountCollection', history };
}

/**
 * The early-collection messages: a call task answered by recordCallOutcome, a promise by
 * recordPromise (and one rejected by the validator), a hold placed and released, then a
 * payment that cures the account.
 */
async function callPromiseHoldCured(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-CALL-PROMISE-HOLD');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'strong' } }); // SMS and call on day 0
  const { openCallTask } = await eventually(
    () => handle.query(summaryQuery),
    (s) => s.openCallTask != null,
  );
  assert.ok(openCallTask, 'the call task should be open');
  await handle.executeUpdate(recordCallOutcomeUpdate, { args: [{ taskId: openCallTask.taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'OVERSIGHT' }] });
  const today = isoDateFrom(await ctx.env.currentTimeMs(), 0);
  await handle.executeUpdate(recordPromiseUpdate, { args: [{ amount: '-1', currency: 'CNY', promisedFor: today, channel: 'CALL' }] }).then(
    () => assert.fail('a negative promise should be rejected'),
    () => undefined,
  );
  await handle.executeUpdate(recordPromiseUpdate, { args: [{ amount: '1000.00', currency: 'CNY', promisedFor: isoDateFrom(await ctx.env.currentTimeMs(), 2), channel: 'CALL' }] });
  await handle.signal(holdPlacedSignal, { holdId: 'HOLD-REPLAY-1', reason: 'COMPLAINT' });
  await eventually(() => handle.query(summaryQuery), (s) => s.onHold);
  await handle.signal(holdReleasedSignal, { holdId: 'HOLD-REPLAY-1' });
  await eventually(() => handle.query(summaryQuery), (s) => !s.onHold);
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-CALL-PROMISE-1', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  assert.equal(result.summary.promisesKept, 1);
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'call-promise-hold-cured', workflowType: 'accountCollection', history };
}

/** The fast treatment's whole cadence, the escalation to APPOINTMENT, then a cure (v3: it waited there; v4: a proposal is cancelled). */
async function escalatedThenCured(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-ESCALATED-CURED');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'fast' } });
  await remindersSent(ctx, accountId, 1);
  await ctx.env.sleep('8 days');
  const escalated = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'APPOINTMENT');
  assert.equal(escalated.stage, 'APPOINTMENT');
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-ESCALATED-1', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'escalated-then-cured', workflowType: 'accountCollection', history };
}

/** A cease-contact request during the reminders: the account moves on to LEGAL (v6), then a payment cures it. */
async function ceasedToLegalThenCured(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-CEASED-LEGAL');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'standard' } });
  await remindersSent(ctx, accountId, 1);
  await handle.signal(ceaseContactSignal, { requestId: 'CEASE-REPLAY-1', scope: 'BORROWER' });
  const handedOn = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'LEGAL');
  assert.equal(handedOn.stage, 'LEGAL');
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-CEASED-1', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'ceased-to-legal-then-cured', workflowType: 'accountCollection', history };
}

/** Field staff for the field scenarios: on duty at every hour, so the scenarios never wait for a free slot. */
async function seedFieldStaff({ pool }: Ctx): Promise<void> {
  for (const [id, role] of [
    ['replay-collector', 'COLLECTOR'],
    ['replay-security', 'SECURITY'],
    ['replay-supervisor', 'SUPERVISOR'],
  ]) {
    await pool.query(
      `INSERT INTO staff (id, display_name, role, time_zone, work_from, work_until) VALUES ($1, $1, $2, 'UTC', '00:00', '23:59') ON CONFLICT (id) DO NOTHING`,
      [id, role],
    );
  }
}

async function sleepUntil(ctx: Ctx, iso: string): Promise<void> {
  const left = Date.parse(iso) - (await ctx.env.currentTimeMs());
  if (left > 0) await ctx.env.sleep(left + 60_000);
}

/**
 * Field collection from the escalation: the fast cadence fails, an appointment is proposed,
 * the agent reaches the borrower and confirms a slot, the borrower is not at home, the
 * rescheduled visit's report recommends a plan (NEGOTIATION), then a payment cures it.
 */
async function fieldAppointmentNoShowReport(ctx: Ctx): Promise<Recorded> {
  await seedFieldStaff(ctx);
  const accountId = await overdueAccount(ctx, 'REPLAY-FIELD-NO-SHOW-REPORT');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'fast' } });
  await remindersSent(ctx, accountId, 1);
  await ctx.env.sleep('7 days');
  const offered = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'APPOINTMENT' && !!s.appointment && !!s.openCallTask);
  assert.ok(offered.appointment && offered.openCallTask, 'an appointment call should be open');
  await handle.executeUpdate(recordCallOutcomeUpdate, { args: [{ taskId: offered.openCallTask.taskId, agentId: 'agent-01', rightPartyReached: true }] });
  const { appointmentId, slots } = offered.appointment;
  const booked = await handle.executeUpdate(confirmAppointmentUpdate, {
    args: [{ appointmentId, slotId: slots[0]!.slotId, address: { kind: 'HOME', text: '1 Replay Road' }, confirmedBy: 'agent-01', channel: 'CALL' }],
  });
  await sleepUntil(ctx, booked.startsAt);
  await handle.executeUpdate(recordVisitNoShowUpdate, { args: [{ appointmentId, reportedBy: booked.collectorId }] });
  const rescheduled = await eventually(() => handle.query(summaryQuery), (s) => !!s.visit && s.visit.appointmentId !== appointmentId);
  const second = rescheduled.visit!;
  await sleepUntil(ctx, second.startsAt);
  await handle.executeUpdate(submitVisitReportUpdate, { args: [validVisitReport(second.appointmentId, second.collectorId, new Date(await ctx.env.currentTimeMs()).toISOString())] });
  // The offer out (v7 on): no contact in flight when the payment cures.
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'NEGOTIATION' && (!s.offer || !!s.nextStep?.action.includes('supervisor') || !!s.nextStep?.action.includes("borrower's answer")));
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-FIELD-1', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'field-appointment-no-show-report', workflowType: 'accountCollection', history };
}

/**
 * A supervisor's override to APPOINTMENT, a hold that cancels the proposal and its release,
 * no confirmation in the window (an unannounced visit), then a cure.
 */
async function fieldOverrideHoldUnconfirmed(ctx: Ctx): Promise<Recorded> {
  await seedFieldStaff(ctx);
  const accountId = await overdueAccount(ctx, 'REPLAY-FIELD-OVERRIDE-HOLD');
  const handle = await start(ctx, { accountId, overrides: { treatment: 'standard' } });
  // Once the first SMS is done: the time-skipping server never completes a workflow task
  // that cancels an activity in flight (the override cancels the cadence's contact).
  await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('CALL'));
  await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'APPOINTMENT', supervisorId: 'replay-supervisor', reason: 'replay: reminders exhausted' }] });
  // The appointment call is with the agent, no contact in flight (see above).
  await eventually(() => handle.query(summaryQuery), (s) => !!s.appointment && !!s.openCallTask);
  await handle.signal(holdPlacedSignal, { holdId: 'HOLD-REPLAY-FIELD', reason: 'DISPUTE' });
  await eventually(() => handle.query(summaryQuery), (s) => s.onHold && !s.appointment);
  await handle.signal(holdReleasedSignal, { holdId: 'HOLD-REPLAY-FIELD' });
  const offered = await eventually(() => handle.query(summaryQuery), (s) => !s.onHold && !!s.appointment);
  await sleepUntil(ctx, offered.appointment!.confirmBy);
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'VISIT' && !!s.visit);
  await handle.signal(paymentReceivedSignal, await payment(ctx, accountId, 'EVT-REPLAY-FIELD-2', 100_000));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'field-override-hold-unconfirmed', workflowType: 'accountCollection', history };
}

/** maxHistoryEvents 100 and twenty small payments: the first run ends in continue-as-new. */
async function continuedAsNew(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-CONTINUED-AS-NEW');
  const handle = await start(ctx, { accountId, overrides: { maxHistoryEvents: 100 } });
  await remindersSent(ctx, accountId, 1);
  const firstRunId = handle.firstExecutionRunId;
  const latest = ctx.env.client.workflow.getHandle(handle.workflowId);
  for (let i = 1; i <= 20; i++) {
    await latest.signal(paymentReceivedSignal, await payment(ctx, accountId, `EVT-REPLAY-CAN-${String(i).padStart(2, '0')}`, 1_000));
    await paymentsCounted(latest, i); // one at a time: the first run's history does not depend on batching
  }
  const described = await eventually(
    () => latest.describe(),
    (d) => d.runId !== firstRunId,
  );
  assert.notEqual(described.runId, firstRunId, 'the run should have continued as new');
  const history = await ctx.env.client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  await latest.terminate('recorded');
  return { name: 'continued-as-new', workflowType: 'accountCollection', history };
}

/**
 * A payment as the API records it: in Postgres first, received at the server's clock (which
 * time skipping moves past the wall clock and the plan's start), then the signal.
 */
async function recordedPayment(ctx: Ctx, accountId: string, eventId: string, amount: number): Promise<PaymentEvent> {
  const event = await payment(ctx, accountId, eventId, amount);
  await ctx.pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, received_at) VALUES ($1, $2, $3, 'CNY', $4, $5, 'API', $6)`, [
    eventId,
    accountId,
    amount,
    event.valueDate,
    event.method,
    new Date(await ctx.env.currentTimeMs()),
  ]);
  return event;
}

/** Overridden to a visit once the first SMS is out; the report (a stated surplus of 2100.00) recommends a plan: the offer settles. */
async function negotiating(ctx: Ctx, accountId: string): Promise<WorkflowHandle> {
  await seedFieldStaff(ctx);
  await ctx.pool.query(`UPDATE accounts SET risk_tier = 'MEDIUM' WHERE id = $1`, [accountId]);
  const handle = await start(ctx, { accountId, overrides: { treatment: 'standard' } });
  // The first SMS waits for the borrower's contact hours when the server's clock is in their night.
  const first = await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('CALL') || !!s.nextStep?.action.includes('refused'));
  if (!first.nextStep!.action.startsWith('CALL')) await sleepUntil(ctx, first.nextStep!.at);
  await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('CALL'));
  await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'VISIT', supervisorId: 'replay-supervisor', reason: 'replay: straight to a visit' }] });
  const { visit } = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'VISIT' && !!s.visit);
  await sleepUntil(ctx, visit!.startsAt);
  await handle.executeUpdate(submitVisitReportUpdate, { args: [validVisitReport(visit!.appointmentId, visit!.collectorId, new Date(await ctx.env.currentTimeMs()).toISOString())] });
  return handle;
}

/** Until `done` holds of a settled offer; a message refused for the borrower's contact hours is waited out. */
async function offerOut(ctx: Ctx, handle: WorkflowHandle, done: (s: AccountSummary) => boolean = () => true): Promise<AccountSummary> {
  for (;;) {
    const s = await eventually(() => handle.query(summaryQuery), (x) => (offerSettled(x) && done(x)) || (x.stage === 'NEGOTIATION' && !!x.nextStep?.action.includes('refused')));
    if (offerSettled(s) && done(s)) return s;
    await sleepUntil(ctx, s.nextStep!.at);
  }
}

const offerSettled = (s: AccountSummary) => s.stage === 'NEGOTIATION' && !!s.offer && (!!s.nextStep?.action.includes('supervisor') || !!s.nextStep?.action.includes("borrower's answer"));

/**
 * NEGOTIATION and PLAN_ACTIVE: an offer whose waiver beyond the MEDIUM tier's limit a
 * supervisor approves, the term extension accepted, its first instalment reminded and paid,
 * a hold and its release mid-plan, then the rest paid: CURED.
 */
async function negotiatedPlanCured(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-NEGOTIATED-PLAN');
  const handle = await negotiating(ctx, accountId);
  const { offer } = await offerOut(ctx, handle);
  for (const w of offer!.pendingWaivers) await handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: w.waiverId, supervisorId: 'replay-supervisor', decision: 'APPROVE', reason: 'replay: hardship documented' }] });
  const out = await offerOut(ctx, handle, (s) => s.offer!.status === 'OFFERED');
  const kind = out.offer!.options[0]!.kind;
  await handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'ACCEPT', offerId: out.offer!.offerId, option: kind, respondedBy: 'agent-01', via: 'AGENT' }] });
  const onPlan = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'PLAN_ACTIVE' && !!s.nextStep?.action.startsWith('reminder'));
  const first = onPlan.plan!.nextDue!;
  await sleepUntil(ctx, new Date(Date.parse(`${first.dueDate}T00:00:00Z`) - 86_400_000).toISOString());
  await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('call-back'));
  await handle.signal(paymentReceivedSignal, await recordedPayment(ctx, accountId, 'EVT-REPLAY-PLAN-1', first.amount));
  await eventually(() => handle.query(summaryQuery), (s) => s.plan?.nextDue?.instalmentNo !== first.instalmentNo && !!s.nextStep?.action.startsWith('reminder'));
  await handle.signal(holdPlacedSignal, { holdId: 'HOLD-REPLAY-PLAN', reason: 'COMPLAINT' });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'ON_HOLD');
  await ctx.env.sleep('3 days');
  await handle.signal(holdReleasedSignal, { holdId: 'HOLD-REPLAY-PLAN' });
  const resumed = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'PLAN_ACTIVE' && !!s.nextStep?.action.startsWith('reminder'));
  await handle.signal(paymentReceivedSignal, await recordedPayment(ctx, accountId, 'EVT-REPLAY-PLAN-2', resumed.plan!.total - resumed.plan!.paid + (kind === 'INSTALMENT_PLAN' ? 100_000 : 0)));
  const result = await handle.result();
  assert.equal(result.outcome, 'CURED');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'negotiated-plan-cured', workflowType: 'accountCollection', history };
}

/**
 * A plan carried across continue-as-new (dev server): the visit report straight after the
 * override, the offer accepted, then small payments until the run hands its state on with
 * the plan and its clock.
 */
async function planContinuedAsNew(ctx: Ctx): Promise<Recorded> {
  await seedFieldStaff(ctx);
  const accountId = await overdueAccount(ctx, 'REPLAY-PLAN-CONTINUED');
  await ctx.pool.query(`UPDATE accounts SET risk_tier = 'LOW' WHERE id = $1`, [accountId]);
  const handle = await start(ctx, { accountId, overrides: { treatment: 'standard', maxHistoryEvents: 150 } });
  await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('CALL'));
  await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'VISIT', supervisorId: 'replay-supervisor', reason: 'replay: straight to a visit' }] });
  const { visit } = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'VISIT' && !!s.visit);
  await handle.executeUpdate(submitVisitReportUpdate, { args: [validVisitReport(visit!.appointmentId, visit!.collectorId, new Date().toISOString())] });
  const { offer } = await offerOut(ctx, handle);
  for (const w of offer!.pendingWaivers) await handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: w.waiverId, supervisorId: 'replay-supervisor', decision: 'APPROVE', reason: 'replay: approved' }] });
  const out = await offerOut(ctx, handle, (s) => s.offer!.status === 'OFFERED');
  const kind = out.offer!.options.find((o) => o.kind !== 'SETTLEMENT')?.kind ?? out.offer!.options[0]!.kind;
  await handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'ACCEPT', offerId: out.offer!.offerId, option: kind, respondedBy: 'agent-01', via: 'AGENT' }] });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'PLAN_ACTIVE' && !!s.nextStep);
  const firstRunId = handle.firstExecutionRunId;
  const latest = ctx.env.client.workflow.getHandle(handle.workflowId);
  for (let i = 1; i <= 30; i++) {
    const d = await latest.describe();
    if (d.runId !== firstRunId) break;
    await latest.signal(paymentReceivedSignal, await payment(ctx, accountId, `EVT-REPLAY-PLAN-CAN-${String(i).padStart(2, '0')}`, 100));
    await paymentsCounted(latest, i);
  }
  const described = await eventually(() => latest.describe(), (d) => d.runId !== firstRunId);
  assert.notEqual(described.runId, firstRunId, 'the run should have continued as new');
  const history = await ctx.env.client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  await latest.terminate('recorded');
  return { name: 'plan-continued-as-new', workflowType: 'accountCollection', history };
}

/**
 * Where each scenario runs. Continue-as-new is recorded on the dev server: the
 * time-skipping test server reports the first run CONTINUED_AS_NEW but leaves its
 * last workflow task STARTED in the exported history when that task also cancels a
 * timer (cf. temporalio/sdk-java#3088), so the recorded history would be cut short.
 * The scenario needs no skipped time.
 */
/** The daily screening, started by hand for a zone: it screens the book and starts a run for an overdue account. */
async function dailyScreeningRun(ctx: Ctx): Promise<Recorded> {
  const accountId = await overdueAccount(ctx, 'REPLAY-DAILY-SCREENING');
  const handle = await ctx.env.client.workflow.start<typeof dailyScreening>(DAILY_SCREENING_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: 'replay-daily-screening',
    args: [{ timeZone: 'Asia/Shanghai' }],
  });
  const result = await handle.result();
  assert.ok(result.started >= 1, `the screening started a run for ${accountId}`);
  await accountHandle(ctx.env.client, accountId).terminate('recorded');
  const history = await handle.fetchHistory();
  assert.equal(lastEventType(history), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  return { name: 'daily-screening', workflowType: 'dailyScreening', history };
}

const SCENARIOS: { scenario: (ctx: Ctx) => Promise<Recorded>; server: 'time-skipping' | 'dev' }[] = [
  { scenario: remindedThenCured, server: 'time-skipping' },
  { scenario: partialDuplicateBadSignal, server: 'time-skipping' },
  { scenario: callPromiseHoldCured, server: 'time-skipping' },
  { scenario: escalatedThenCured, server: 'time-skipping' },
  { scenario: fieldAppointmentNoShowReport, server: 'time-skipping' },
  { scenario: fieldOverrideHoldUnconfirmed, server: 'time-skipping' },
  { scenario: ceasedToLegalThenCured, server: 'time-skipping' },
  { scenario: negotiatedPlanCured, server: 'time-skipping' },
  { scenario: continuedAsNew, server: 'dev' },
  { scenario: planContinuedAsNew, server: 'dev' },
  // Schedules and the fan-out's client calls need no skipped time either.
  { scenario: dailyScreeningRun, server: 'dev' },
];

async function main(): Promise<void> {
  const started = Date.now();
  installTemporalRuntime(log);
  const codecKeys = fixtureCodecKeys();
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const testServer = await ensureTestServer({ log, allowSdkDownload: true });
    const postgres = await startPostgres({
      clusterDir: path.join(WORK_DIR, 'postgres'),
      port: Number(process.env.RECORD_PG_PORT ?? (await freePort())),
      database: 'postgres',
      log,
      unsafeFast: true,
    });
    cleanups.push(() => postgres.stop());
    const databaseUrl = postgres.url.replace(/\/postgres$/, `/${DATABASE}`);
    await recreateDatabase(postgres.url, DATABASE);
    await migrateUp(databaseUrl, log);
    const pool = createPool(databaseUrl, 5);
    cleanups.push(() => pool.end());

    const environments = {
      'time-skipping': await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: ephemeralExecutable(testServer) },
        client: { dataConverter: createDataConverter(codecKeys) },
      }),
      dev: await TestWorkflowEnvironment.createLocal({
        server: { executable: ephemeralExecutable(await ensureTemporalCli({ log, allowSdkDownload: true })), ui: false },
        client: { dataConverter: createDataConverter(codecKeys) },
      }),
    };
    const recorded: Recorded[] = [];
    for (const [server, env] of Object.entries(environments) as [keyof typeof environments, TestWorkflowEnvironment][]) {
      cleanups.push(() => env.teardown());
      await registerSearchAttributes(env.connection, 'default');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: TASK_QUEUE,
        workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
        bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules },
        activities: createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), temporalClient: env.client }),
        dataConverter: createDataConverter(codecKeys),
      });
      const ctx: Ctx = { env, pool };
      await worker.runUntil(async () => {
        // one by one: fixed order, fixed amounts
        for (const { scenario } of SCENARIOS.filter((s) => s.server === server)) {
          console.log(`recording ${scenario.name} on the ${server} server`);
          recorded.push(await scenario(ctx));
        }
      });
    }

    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    // A history already in the net stays as it was recorded, unless --overwrite says otherwise.
    const overwrite = process.argv.includes('--overwrite');
    for (const { name, workflowType, history } of recorded) {
      const file = path.join(HISTORIES_DIR, `${GENERATION[workflowType]}-${name}.json`);
      if (fs.existsSync(file) && !overwrite) {
        console.log(`kept ${path.relative(PROJECT_ROOT, file)} (already recorded; --overwrite replaces it)`);
        continue;
      }
      fs.writeFileSync(file, `${historyToJSON(history)}\n`);
      console.log(`wrote ${path.relative(PROJECT_ROOT, file)} (${history.events?.length ?? 0} events)`);
    }
    console.log(`recorded ${recorded.length} histories in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => log.error({ err }, 'cleanup failed'));
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

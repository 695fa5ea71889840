/**
 * Early collection (accountCollection generation 3, issue 6 §5) on the official
 * time-skipping test server, with the real activities on the real Postgres: whole
 * cadences of days and weeks run in seconds.
 *
 * The contact policy is the shipped presets with one figure tightened the way a bank
 * may (SMS_PER_DAY 1 in CN), so that two accounts of one borrower meet a cap on day 0.
 * Borrowers live in a zone where the test server's clock reads midday, unless a test
 * is about contact hours.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { testPolicies } from '../../../src/contact-policy/test-policies';
import type { Pool } from '../../../src/db/pool';
import { calendarDateIn } from '../../../src/domain/time-zones';
import { loadTreatments } from '../../../src/treatments/load';
import { collectionHarness } from '../../../test/collection-harness';
import { daytimeZoneAt, eventually, isoDateFrom, seedAccount } from '../../../test/support';
import {
  ceaseContactSignal,
  holdPlacedSignal,
  holdReleasedSignal,
  overrideStageUpdate,
  paymentReceivedSignal,
  recordCallOutcomeUpdate,
  recordPromiseUpdate,
  statementQuery,
  summaryQuery,
} from '../contract';

const DAY = 86_400_000;
const MINUTE = 60_000;
const treatments = loadTreatments();

const harness = collectionHarness({ name: 'early', treatments, contactPolicies: testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } }) });
const { serverNow, overdueAccount, start, payment, closeOut } = harness;
let pool: Pool;
let env: TestWorkflowEnvironment;
beforeAll(() => {
  ({ pool, env } = harness);
});

interface Attempt {
  channel: string;
  template_id: string;
  status: string;
  at: number;
}

async function attempts(accountId: string): Promise<Attempt[]> {
  const { rows } = await pool.query(
    `SELECT channel, template_id, status, extract(epoch FROM attempted_at) * 1000 AS at FROM contact_attempts WHERE account_id = $1 ORDER BY attempted_at, id`,
    [accountId],
  );
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

async function stages(accountId: string): Promise<{ to_stage: string; at: number }[]> {
  const { rows } = await pool.query(`SELECT to_stage, extract(epoch FROM occurred_at) * 1000 AS at FROM stage_transitions WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map((r) => ({ to_stage: r.to_stage, at: Number(r.at) }));
}

/** Days between two instants, to the minute. */
const daysApart = (from: number, to: number) => Math.round((to - from) / MINUTE) / (DAY / MINUTE);


/** An account in REMINDING whose first SMS has gone out. */
async function remindedAccount(treatment = 'standard') {
  const accountId = await overdueAccount();
  const handle = await start(accountId, treatment);
  const [first] = await eventually(() => attempts(accountId), (a) => a.length >= 1);
  return { accountId, handle, firstAt: first!.at };
}


// ---- each treatment's whole cadence ----

describe.each(Object.keys(treatments.treatments))('treatment %s', (treatmentId) => {
  const treatment = treatments.treatments[treatmentId]!;

  test('walks its cadence on the day offsets, then escalates', async () => {
    const accountId = await overdueAccount();
    const handle = await start(accountId, treatmentId);
    await eventually(() => attempts(accountId), (a) => a.length >= 1);
    const lastOffset = treatment.steps.at(-1)!.dayOffset;
    await env.sleep(`${lastOffset + treatment.escalation.afterDays + 1} days`);

    // The cadence's contacts; the appointment's own (field collection) follow the escalation.
    const cadenceContacts = async () => (await attempts(accountId)).filter((a) => !a.template_id.includes('appointment'));
    const made = await eventually(cadenceContacts, (a) => a.length === treatment.steps.length);
    const t0 = made[0]!.at;
    expect(made.map((a) => [a.channel, a.template_id, daysApart(t0, a.at)])).toEqual(treatment.steps.map((s) => [s.channel, s.templateId, s.dayOffset]));
    expect(made.every((a) => a.status === 'SENT')).toBe(true);

    // Calls are tasks for agents; nobody answered these within the call window.
    const tasks = await pool.query(`SELECT status FROM agent_tasks WHERE account_id = $1 AND template_id = 'call-reminder' ORDER BY id`, [accountId]);
    expect(tasks.rows.map((r) => r.status)).toEqual(treatment.steps.filter((s) => s.channel === 'CALL').map(() => 'EXPIRED'));

    const transitions = await eventually(() => stages(accountId), (s) => s.length >= 3);
    expect(transitions.slice(0, 3).map((s) => s.to_stage)).toEqual(['SCREENED', 'REMINDING', treatment.escalation.stage]);
    expect(daysApart(t0, transitions[2]!.at)).toBe(lastOffset + treatment.escalation.afterDays);

    const summary = await handle.query(summaryQuery);
    expect(summary).toMatchObject({ stage: treatment.escalation.stage, treatment: treatmentId, treatmentConfigVersion: treatments.version });
    const described = await handle.describe();
    expect(described.searchAttributes).toMatchObject({ Treatment: [treatmentId], ArrearsStage: [treatment.escalation.stage] });
    await closeOut(handle);
  });
});

test('the treatment follows the segment and is recorded with the config version and the rule that chose it', async () => {
  // Its one installment due so far is unpaid: an on-time ratio of 0, below the fast rule's 0.5.
  const accountId = await overdueAccount();
  const handle = await start(accountId);
  const summary = await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  const fastRule = treatments.rules.find((r) => r.treatment === 'fast')!;
  expect(summary).toMatchObject({ treatment: 'fast', treatmentConfigVersion: treatments.version, treatmentWhy: fastRule.why });
  const audit = await pool.query(`SELECT detail FROM audit_events WHERE account_id = $1 AND kind = 'TREATMENT_CHOSEN'`, [accountId]);
  expect(audit.rows[0].detail).toMatchObject({ treatmentId: 'fast', configVersion: treatments.version, segment: { onTimeRatio: 0 } });
  const described = await handle.describe();
  expect(described.searchAttributes).toMatchObject({ Treatment: ['fast'] });
  expect(described.memo).toMatchObject({ treatment: { id: 'fast', configVersion: treatments.version } });
  await closeOut(handle);
});

test('the statement query lists the overdue installments with a running total', async () => {
  const now = await serverNow();
  const accountId = await seedAccount(pool, {
    timeZone: daytimeZoneAt(now),
    installments: [
      { dueDate: isoDateFrom(now, -40), amount: 50_000 },
      { dueDate: isoDateFrom(now, -10), amount: 70_000 },
      { dueDate: isoDateFrom(now, 20), amount: 70_000 },
    ],
  });
  const handle = await start(accountId);
  const statement = await eventually(() => handle.query(statementQuery), (s) => s !== null);
  expect(statement).toMatchObject({ accountId, currency: 'CNY', totalOverdue: 120_000 });
  expect(statement!.lines.map((l) => [l.dueDate, l.outstanding, l.runningTotal])).toEqual([
    [isoDateFrom(now, -40), 50_000, 50_000],
    [isoDateFrom(now, -10), 70_000, 120_000],
  ]);
  // fees 5 %, interest 15 % of each installment (test/support.ts), nothing paid yet
  expect(statement!.lines[0]).toMatchObject({ outstandingFees: 2_500, outstandingInterest: 7_500, outstandingPrincipal: 40_000 });

  await handle.signal(paymentReceivedSignal, await payment(accountId, 60_000)); // the oldest, then 10,000 of the next
  const after = await eventually(() => handle.query(statementQuery), (s) => s?.totalOverdue === 60_000);
  expect(after!.lines.map((l) => [l.dueDate, l.outstanding, l.runningTotal])).toEqual([[isoDateFrom(now, -10), 60_000, 60_000]]);
  await closeOut(handle);
});

// ---- promises to pay ----

/**
 * A promise is judged at 00:00 UTC (the start of a business day), and the cadence's next
 * contact follows at once: in the borrower's zone that must be daytime, or the contact policy
 * rightly holds it until 08:00 and the test would measure the time of day it ran at. So the
 * server's clock moves on to 02:00 UTC first: the borrower then lives at UTC+10 (midday), where
 * 00:00 UTC is 10:00.
 */
async function atTwoUtc(): Promise<void> {
  const now = await serverNow();
  const twoToday = Date.parse(`${calendarDateIn(now, 'UTC')}T02:00:00Z`);
  await env.sleep(twoToday > now ? twoToday - now : twoToday + DAY - now);
}

test('a kept promise pauses the cadence until it is judged, then the cadence carries on with the time it had left', async () => {
  await atTwoUtc();
  const { accountId, handle, firstAt } = await remindedAccount('standard');
  const today = calendarDateIn(await serverNow(), 'UTC');
  const promisedFor = isoDateFrom(Date.parse(`${today}T12:00:00Z`), 3);
  const accepted = await handle.executeUpdate(recordPromiseUpdate, { args: [{ amount: '400.00', currency: 'CNY', promisedFor, channel: 'SMS' }] });
  const promisedAt = await serverNow();
  // grace 2 days: judged at the start of the third day after the promised date
  expect(accepted.checkAt).toBe(new Date(Date.parse(`${promisedFor}T00:00:00Z`) + (treatments.promises.graceDays + 1) * DAY).toISOString());

  await env.sleep('2 days');
  await handle.signal(paymentReceivedSignal, await payment(accountId, 40_000));
  await env.sleep('10 days');

  const promise = await pool.query('SELECT status, amount, amount_paid FROM payment_promises WHERE account_id = $1', [accountId]);
  expect(promise.rows).toEqual([{ status: 'KEPT', amount: 40_000, amount_paid: 40_000 }]);
  const made = await attempts(accountId);
  // The call was due 2 cadence days after the first SMS; the promise stopped the clock from promisedAt to checkAt.
  const call = made.find((a) => a.channel === 'CALL')!;
  const checkAt = Date.parse(accepted.checkAt);
  expect(daysApart(checkAt, call.at)).toBeCloseTo(2 - daysApart(firstAt, promisedAt), 2);
  expect(await handle.query(summaryQuery)).toMatchObject({ promisesKept: 1, promisesBroken: 0, pendingPromise: null, amountOverdue: 60_000 });
  await closeOut(handle);
});

test('a broken promise is recorded and brings the next step forward', async () => {
  await atTwoUtc();
  const { accountId, handle } = await remindedAccount('standard');
  const promisedFor = isoDateFrom(Date.parse(`${calendarDateIn(await serverNow(), 'UTC')}T12:00:00Z`), 1);
  const accepted = await handle.executeUpdate(recordPromiseUpdate, { args: [{ amount: '1000.00', currency: 'CNY', promisedFor, channel: 'CALL' }] });
  await env.sleep('5 days');

  const promise = await pool.query('SELECT status, amount_paid FROM payment_promises WHERE account_id = $1', [accountId]);
  expect(promise.rows).toEqual([{ status: 'BROKEN', amount_paid: 0 }]);
  const call = (await attempts(accountId)).find((a) => a.channel === 'CALL')!;
  expect(daysApart(Date.parse(accepted.checkAt), call.at)).toBe(0); // at once, not on its day offset
  expect(await handle.query(summaryQuery)).toMatchObject({ promisesBroken: 1, pendingPromise: null });
  await closeOut(handle);
});

test('a promise in the past, beyond the horizon, in another currency or while one is pending is rejected; nothing is stored', async () => {
  const { accountId, handle } = await remindedAccount('standard');
  const now = await serverNow();
  const today = calendarDateIn(now, 'UTC');
  const base = { amount: '100.00', currency: 'CNY', channel: 'CALL' as const };
  const rejected = (promise: object) => harness.refusal(handle.executeUpdate(recordPromiseUpdate, { args: [promise as never] }));
  expect(await rejected({ ...base, promisedFor: isoDateFrom(Date.parse(`${today}T12:00:00Z`), -1) })).toContain('in the past');
  expect(await rejected({ ...base, promisedFor: isoDateFrom(Date.parse(`${today}T12:00:00Z`), treatments.promises.horizonDays + 1) })).toContain('horizon');
  expect(await rejected({ ...base, currency: 'USD', promisedFor: today })).toContain('currency');
  expect(await rejected({ ...base, amount: '-5', promisedFor: today })).toContain('amount');
  expect(await rejected({ ...base, promisedFor: 'next friday' })).toContain('promisedFor');
  await handle.executeUpdate(recordPromiseUpdate, { args: [{ ...base, promisedFor: today }] });
  expect(await rejected({ ...base, promisedFor: today })).toContain('already pending');

  const { rows } = await pool.query('SELECT count(*)::int AS n FROM payment_promises WHERE account_id = $1', [accountId]);
  expect(rows[0].n).toBe(1);
  await closeOut(handle);
});

// ---- holds and cease-contact ----

test('a hold in the middle of the cadence stops its clock; after the release the next step comes with the time it had left', async () => {
  const { accountId, handle, firstAt } = await remindedAccount('standard'); // the call is due on cadence day 2
  await env.sleep('1 day');
  await handle.signal(holdPlacedSignal, { holdId: 'H-1', reason: 'DISPUTE' });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'ON_HOLD');
  expect((await handle.describe()).searchAttributes).toMatchObject({ OnHold: [true], ArrearsStage: ['ON_HOLD'] });
  await env.sleep('10 days');
  expect((await attempts(accountId)).length).toBe(1); // nothing while on hold

  await handle.signal(holdReleasedSignal, { holdId: 'H-1' });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING' && !s.onHold);
  await env.sleep('3 days');

  const transitions = await stages(accountId);
  expect(transitions.map((s) => s.to_stage)).toEqual(['SCREENED', 'REMINDING', 'ON_HOLD', 'REMINDING']);
  const [, , placed, released] = transitions;
  const call = (await attempts(accountId)).find((a) => a.channel === 'CALL')!;
  const usedBeforeHold = daysApart(firstAt, placed!.at);
  expect(daysApart(released!.at, call.at)).toBeCloseTo(2 - usedBeforeHold, 2);
  const holds = await pool.query('SELECT reason, released_at IS NOT NULL AS released FROM contact_holds WHERE account_id = $1', [accountId]);
  expect(holds.rows).toEqual([{ reason: 'DISPUTE', released: true }]);
  expect((await handle.describe()).searchAttributes).toMatchObject({ OnHold: [false] });
  await closeOut(handle);
});

test('a payment cures an account on hold', async () => {
  const { accountId, handle } = await remindedAccount('standard');
  await handle.signal(holdPlacedSignal, { holdId: 'H-2', reason: 'HARDSHIP_REVIEW' });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'ON_HOLD');
  await handle.signal(paymentReceivedSignal, await payment(accountId, 100_000));
  expect((await handle.result()).summary).toMatchObject({ stage: 'CURED', amountOverdue: 0 });
});

test('cease-contact stops outbound contact for good and hands the account on to legal review', async () => {
  const { accountId, handle } = await remindedAccount('standard');
  await handle.signal(ceaseContactSignal, { requestId: 'C-1', scope: 'BORROWER' });
  await handle.signal(ceaseContactSignal, { requestId: 'C-1', scope: 'BORROWER' }); // counted once
  await handle.signal(ceaseContactSignal, { requestId: '' } as never); // malformed: ignored
  await env.sleep('30 days');

  expect((await attempts(accountId)).length).toBe(1);
  // SPEC §2.10: no more outbound contact, and the case can still go to legal: it does, with its reason.
  expect(await handle.query(summaryQuery)).toMatchObject({ stage: 'LEGAL', contactCeased: true, nextStep: null });
  const moves = await pool.query('SELECT from_stage, to_stage, reason FROM stage_transitions WHERE account_id = $1 ORDER BY seq', [accountId]);
  expect(moves.rows.at(-1)).toEqual({ from_stage: 'REMINDING', to_stage: 'LEGAL', reason: 'contact ceased: no outbound contact any more; the case goes to legal review' });
  const cease = await pool.query('SELECT account_id FROM contact_cease_requests WHERE request_id = $1', ['C-1']);
  expect(cease.rows).toEqual([{ account_id: null }]);
  // A supervisor's override still answers: a visit is outbound contact, so it is refused with the reason.
  expect(await harness.refusal(handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'VISIT', supervisorId: 'supervisor-01', reason: 'borrower asked for a visit' }] }))).toBe(
    'contact with the borrower has ceased: no field visit',
  );
  await closeOut(handle);
  expect((await attempts(accountId)).length).toBe(1);
});

// ---- the contact policy from the workflow's side ----

/** Sleeps the test server until `zone`'s local clock next reads hh:mm. */
async function sleepUntilLocal(zone: string, hh: number, mm: number): Promise<number> {
  const now = await serverNow();
  for (let t = Math.ceil(now / MINUTE) * MINUTE; ; t += MINUTE) {
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
    if (local === `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}` && t - now > MINUTE) {
      await env.sleep(t - now);
      return t;
    }
  }
}

const localTime = (zone: string, t: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);

test('at 07:59 in Shanghai (CN) the first SMS waits for 08:00 and the refusal is recorded', async () => {
  const zone = 'Asia/Shanghai';
  const accountId = await overdueAccount({ timeZone: zone });
  const asked = await sleepUntilLocal(zone, 7, 59);
  const handle = await start(accountId);
  const blocks = await eventually(
    async () => (await pool.query('SELECT rule, next_allowed_at FROM contact_blocks WHERE account_id = $1', [accountId])).rows,
    (rows) => rows.length > 0,
  );
  expect(blocks[0].rule).toBe('CONTACT_HOURS_START');
  await env.sleep('5 minutes');
  const [sms] = await eventually(() => attempts(accountId), (a) => a.length === 1);
  expect(localTime(zone, sms!.at)).toBe(localTime(zone, asked + MINUTE).replace(/\d\d:\d\d$/, '08:00'));
  await closeOut(handle);
});

test('at 21:00 in New York (US, Regulation F) the first SMS waits for 08:00 the next day', async () => {
  const zone = 'America/New_York';
  const accountId = await overdueAccount({ timeZone: zone, jurisdiction: 'US' });
  const asked = await sleepUntilLocal(zone, 21, 0);
  const handle = await start(accountId);
  await eventually(
    async () => (await pool.query('SELECT rule FROM contact_blocks WHERE account_id = $1', [accountId])).rows,
    (rows) => rows.length > 0,
  );
  await env.sleep('12 hours');
  const [sms] = await eventually(() => attempts(accountId), (a) => a.length === 1);
  expect(localTime(zone, sms!.at)).toBe(`${calendarDateIn(asked + DAY, zone)}, 08:00`);
  await closeOut(handle);
});

test('two accounts of one borrower share the cap: the second SMS of the day waits for the next day', async () => {
  const now = await serverNow();
  const zone = daytimeZoneAt(now);
  const first = await overdueAccount({ timeZone: zone });
  const borrowerId = `B-${first}`;
  const second = await overdueAccount({ timeZone: zone, borrowerId });
  const handles = [await start(first, 'standard'), await start(second, 'standard')];
  const blocked = await eventually(
    async () => (await pool.query('SELECT account_id, rule FROM contact_blocks WHERE borrower_id = $1', [borrowerId])).rows,
    (rows) => rows.length > 0,
  );
  expect(blocked).toHaveLength(1);
  expect(blocked[0].rule).toBe('SMS_PER_DAY');
  await env.sleep('1 day');

  const both = await pool.query(`SELECT account_id, extract(epoch FROM attempted_at) * 1000 AS at FROM contact_attempts WHERE borrower_id = $1 AND channel = 'SMS' ORDER BY attempted_at`, [borrowerId]);
  expect(both.rows).toHaveLength(2);
  const [a, b] = both.rows.map((r) => Number(r.at));
  expect(calendarDateIn(b!, zone)).toBe(calendarDateIn(a! + DAY, zone)); // the borrower's next day
  expect(localTime(zone, b!).endsWith('08:00')).toBe(true);
  for (const h of handles) await closeOut(h);
});

// ---- the agent's call ----

test('a call task answered with recordCallOutcome: the outcome is stored and the cadence moves on; bad outcomes are rejected', async () => {
  const { accountId, handle } = await remindedAccount('strong'); // SMS and call on day 0
  const summary = await eventually(() => handle.query(summaryQuery), (s) => s.openCallTask != null);
  const taskId = summary.openCallTask!.taskId;
  expect(summary.assignedAgent === null || typeof summary.assignedAgent === 'string').toBe(true);

  const rejected = (outcome: object) => harness.refusal(handle.executeUpdate(recordCallOutcomeUpdate, { args: [outcome as never] }));
  expect(await rejected({ taskId: taskId + 1_000_000, agentId: 'agent-01', rightPartyReached: true })).toContain('not a call task');
  expect(await rejected({ taskId, agentId: 'agent-01', rightPartyReached: false, reason: 'ILLNESS' })).toContain('rightPartyReached');
  expect(await rejected({ taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'BORED' })).toContain('reason');
  expect((await pool.query('SELECT count(*)::int AS n FROM call_outcomes WHERE account_id = $1', [accountId])).rows[0].n).toBe(0);

  const recorded = await handle.executeUpdate(recordCallOutcomeUpdate, {
    args: [{ taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'INCOME_DROP', incomeChange: 'DECREASED', note: 'lost overtime; will pay on Friday' }],
  });
  expect(recorded.taskId).toBe(taskId);
  expect(await rejected({ taskId, agentId: 'agent-01', rightPartyReached: true })).toContain('already recorded');

  const stored = await pool.query('SELECT right_party_reached, reason, income_change FROM call_outcomes WHERE account_id = $1', [accountId]);
  expect(stored.rows).toEqual([{ right_party_reached: true, reason: 'INCOME_DROP', income_change: 'DECREASED' }]);
  const task = await pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId]);
  expect(task.rows[0].status).toBe('DONE');
  const call = await pool.query(`SELECT call_outcome FROM contact_attempts WHERE account_id = $1 AND channel = 'CALL'`, [accountId]);
  expect(call.rows[0].call_outcome).toBe('CONNECTED');

  await env.sleep('2 days'); // strong: the e-mail on day 1
  expect((await attempts(accountId)).map((a) => a.channel)).toEqual(['SMS', 'CALL', 'EMAIL']);
  await closeOut(handle);
});

/**
 * PLAN_ACTIVE (accountCollection generation 3 with the negotiation-stages patch, issue 16 §3)
 * on the time-skipping server with the real activities on the real Postgres: a year of
 * instalments in seconds — reminders before each, a late instalment's call-back, breaks and
 * the renegotiation, a settlement, a cure mid-plan and a hold that pauses the plan's clock.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { testPolicies } from '../../../src/contact-policy/test-policies';
import type { Offer, OptionKind } from '../../../src/domain/negotiation';
import { loadNegotiationConfig } from '../../../src/negotiation/load';
import { loadTreatments } from '../../../src/treatments/load';
import { collectionHarness } from '../../../test/collection-harness';
import { addFieldStaff } from '../../../test/field-collection-seeds';
import { negotiationSteps } from '../../../test/negotiation-harness';
import { eventually, isoDateFrom, uniqueId } from '../../../test/support';
import { PlanStatus, approveWaiverUpdate, holdPlacedSignal, holdReleasedSignal, overrideStageUpdate, paymentReceivedSignal, respondToPlanUpdate, type AccountSummary } from '../contract';

const DAY = 86_400_000;
const { followUp } = loadNegotiationConfig();
const harness = collectionHarness({ name: 'plan-active', treatments: loadTreatments(), contactPolicies: testPolicies({}) });
let supervisor: string;
const { until, sleepUntil, inNegotiation, offerOut, optionOf, summaryOf } = negotiationSteps(harness, () => supervisor);

beforeAll(async () => {
  supervisor = await addFieldStaff(harness.pool, 'SUPERVISOR');
  for (let n = 0; n < 3; n++) await addFieldStaff(harness.pool, 'COLLECTOR');
  await addFieldStaff(harness.pool, 'SECURITY');
});

const dayStart = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

async function stagesOf(accountId: string): Promise<string[]> {
  const { rows } = await harness.pool.query(`SELECT to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map((r) => r.to_stage);
}

async function messagesOf(accountId: string, templateId: string): Promise<number> {
  const { rows } = await harness.pool.query(`SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1 AND template_id = $2`, [accountId, templateId]);
  return rows[0].n;
}

/**
 * As the API does it: the payment in Postgres first (received at the server's time, which
 * time skipping has moved past the wall clock and the plan's start), then the signal.
 */
async function pay(handle: WorkflowHandle, accountId: string, amount: number): Promise<void> {
  const event = await harness.payment(accountId, amount);
  await harness.pool.query(
    `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, received_at) VALUES ($1, $2, $3, $4, $5, $6, 'API', $7)`,
    [event.eventId, accountId, amount, event.currency, event.valueDate, event.method, new Date(await harness.serverNow())],
  );
  await handle.signal(paymentReceivedSignal, event);
}

/** What the contract's own figures (the loan book's allocation, as the daily screening reads it) show overdue on a day (default: today). */
async function contractOverdue(accountId: string, asOf?: string): Promise<{ amountOverdue: number; daysPastDue: number }> {
  const { rows } = await harness.pool.query(`SELECT amount_overdue::int, days_past_due FROM account_figures_live($1::date) WHERE account_id = $2`, [
    asOf ?? new Date(await harness.serverNow()).toISOString().slice(0, 10),
    accountId,
  ]);
  return { amountOverdue: rows[0].amount_overdue, daysPastDue: rows[0].days_past_due };
}

/** The plan waits for its next step (the reminder, the call-back or the break), no activity in flight. */
const waitingFor = (word: string) => (s: AccountSummary) => !!s.plan && !!s.nextStep?.action.startsWith(word);

/** The offer out to the borrower: what waits for a supervisor (a discount beyond the tier's limit, say) approved. */
async function approved(handle: WorkflowHandle, offer: Offer): Promise<Offer> {
  for (const w of offer.pendingWaivers) await handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: w.waiverId, supervisorId: supervisor, decision: 'APPROVE', reason: 'approved for the test' }] });
  return (await offerOut(handle, (s) => s.offer!.offerId === offer.offerId && s.offer!.status === 'OFFERED')).offer!;
}

/** Ends a test on a plan in force by paying what is left of it (the plan decides the cure). */
async function closeOutPlan(handle: WorkflowHandle): Promise<void> {
  const { accountId, plan } = await summaryOf(handle);
  await pay(handle, accountId, plan!.total - plan!.paid);
  expect((await handle.result()).outcome).toBe('CURED');
}

/** In NEGOTIATION with an offer out, the option accepted for the borrower by an agent: PLAN_ACTIVE. */
async function onPlan(kind: OptionKind, seed: Parameters<typeof inNegotiation>[0] = {}) {
  const negotiated = await inNegotiation(seed);
  const { accountId, handle } = negotiated;
  const offer = await approved(handle, negotiated.offer);
  const option = optionOf(offer, kind);
  const answered = await handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'ACCEPT', offerId: offer.offerId, option: kind, respondedBy: supervisor, via: 'AGENT' }] });
  expect(answered).toEqual({ offerId: offer.offerId, outcome: 'PLAN_STARTED', planId: expect.any(Number) });
  const s = await until(handle, (x) => x.stage === 'PLAN_ACTIVE' && waitingFor('reminder')(x));
  expect(s.plan).toMatchObject({ planId: answered.planId, kind, status: 'ACTIVE', total: option.total, paid: 0, instalments: option.schedule.length });
  return { accountId, handle, offer, option, planId: answered.planId! };
}

test('accept → a 12-instalment plan, a reminder before each, every one paid → CURED; PlanStatus follows it', async () => {
  const { accountId, handle, option, planId } = await onPlan('INSTALMENT_PLAN');
  expect(option.schedule).toHaveLength(12);
  expect((await handle.describe()).typedSearchAttributes.get(PlanStatus)).toBe('ACTIVE');
  for (const [n, line] of option.schedule.entries()) {
    // The reminder goes out before the instalment falls due.
    await sleepUntil(dayStart(line.dueDate) - DAY);
    await eventually(() => messagesOf(accountId, 'sms-plan-reminder'), (count) => count === n + 1);
    await until(handle, waitingFor('call-back'));
    await pay(handle, accountId, line.amount);
    if (n < option.schedule.length - 1) await until(handle, (s) => s.plan?.paid === option.schedule.slice(0, n + 1).reduce((sum, l) => sum + l.amount, 0) && waitingFor('reminder')(s));
  }
  const result = await handle.result();
  expect(result.outcome).toBe('CURED');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'VISIT', 'NEGOTIATION', 'PLAN_ACTIVE', 'CURED']);
  const { rows } = await harness.pool.query(`SELECT status FROM payment_plans WHERE id = $1`, [planId]);
  expect(rows).toEqual([{ status: 'COMPLETED' }]);
  expect(await messagesOf(accountId, 'call-plan-late')).toBe(0);
});

test("what a plan replaces: paying exactly what falls due on its day — each instalment of the plan, and the contract's own installments beside it — pays the plan up: CURED, to the minor unit", async () => {
  // CNY 3000.00 overdue and seven installments of 1000.00 to come; a surplus of 3000.00: half of
  // it a month for the arrears and the contract together, so 500.00 for the plan.
  const { accountId, handle, offer, option, planId } = await onPlan('INSTALMENT_PLAN', { toComeDays: [5, 35, 65, 95, 125, 155, 185], income: '9100.00', outgoings: '6100.00' });
  expect(option.schedule.map((l) => l.amount)).toEqual([47_500, 47_500, 47_500, 47_500, 47_500, 47_500]);
  expect(option.total).toBe(285_000); // the fees of the arrears (3 × 50.00) waived
  // One plan in force: it is kept, paid up or broken, not overridden.
  expect(await harness.refusal(handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'NEGOTIATION', supervisorId: supervisor, reason: 'a better plan, maybe' }] }))).toMatch(/on a plan/);

  // What falls due while the plan runs: its instalments, and the contract's installments from the offer's day.
  const lastDue = option.schedule.at(-1)!.dueDate;
  const contract = await harness.pool.query(`SELECT due_date::text AS "dueDate", amount_due::int AS amount FROM installments WHERE account_id = $1 AND due_date >= $2::date AND due_date <= $3::date`, [
    accountId,
    offer.asOf,
    lastDue,
  ]);
  expect(contract.rows).toHaveLength(6);
  const dues = [...option.schedule.map((l) => ({ ...l, plan: true })), ...contract.rows.map((r) => ({ ...r, plan: false }))].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  for (const [n, due] of dues.entries()) {
    // The day before it falls due (the plan's reminder has gone out then).
    await sleepUntil(dayStart(due.dueDate) - DAY);
    if (due.plan) await until(handle, waitingFor('call-back'));
    await pay(handle, accountId, due.amount);
    if (n < dues.length - 1) await until(handle, (s) => s.paymentsCounted === n + 1 && s.stage === 'PLAN_ACTIVE' && s.plan?.status === 'ACTIVE');
  }

  expect((await handle.result()).outcome).toBe('CURED');
  expect((await stagesOf(accountId)).slice(-2)).toEqual(['PLAN_ACTIVE', 'CURED']);
  const plan = await harness.pool.query(`SELECT status FROM payment_plans WHERE id = $1`, [planId]);
  expect(plan.rows).toEqual([{ status: 'COMPLETED' }]);
  // Every obligation met exactly: each instalment paid to the minor unit, the contract's beside it.
  const { rows } = await harness.pool.query(`SELECT source, sum(amount)::int AS due, sum(paid)::int AS paid, sum(outstanding)::int AS outstanding FROM plan_obligations WHERE plan_id = $1 AND due_date <= $2::date GROUP BY source ORDER BY source`, [
    planId,
    lastDue,
  ]);
  expect(rows).toEqual([
    { source: 'CONTRACT', due: 600_000, paid: 600_000, outstanding: 0 },
    { source: 'PLAN', due: 285_000, paid: 285_000, outstanding: 0 },
  ]);
  expect(await messagesOf(accountId, 'call-plan-late')).toBe(0);
  // Over, the plan leaves nothing of its scope behind: the waived fees are credited, and the
  // contract's own figures (what the next screening reads) show nothing overdue the day after
  // its last instalment (the server's clock has run on past the contract's next installment).
  expect(await contractOverdue(accountId, isoDateFrom(dayStart(lastDue), 1))).toEqual({ amountOverdue: 0, daysPastDue: 0 });
});

test('a late instalment: LATE and an agent call-back, paid within the grace: ACTIVE again', async () => {
  const { accountId, handle, option } = await onPlan('INSTALMENT_PLAN');
  const first = option.schedule[0]!;
  await sleepUntil(dayStart(first.dueDate) + followUp.callBackAfterDays * DAY);
  const lateNow = await until(handle, (s) => s.plan?.status === 'LATE' && (!!s.openCallTask || !!s.nextStep?.action.includes('refused')));
  // Outside the borrower's contact hours the call waits for them.
  if (!lateNow.openCallTask) await sleepUntil(lateNow.nextStep!.at);
  const late = await until(handle, (s) => s.plan?.status === 'LATE' && !!s.openCallTask);
  expect(late.stage).toBe('PLAN_ACTIVE');
  expect((await handle.describe()).typedSearchAttributes.get(PlanStatus)).toBe('LATE');
  expect(await messagesOf(accountId, 'call-plan-late')).toBe(1);
  await sleepUntil(late.openCallTask!.dueBy);
  await until(handle, waitingFor('plan broken'));
  await pay(handle, accountId, first.amount);
  const back = await until(handle, (s) => s.plan?.status === 'ACTIVE' && s.plan.nextDue?.instalmentNo === 2 && waitingFor('reminder')(s));
  expect(back.plan!.breaks).toBe(0);
  await closeOutPlan(handle);
});

test('a broken plan is renegotiated; the second plan broken too → LEGAL', async () => {
  const { accountId, handle, option } = await onPlan('INSTALMENT_PLAN');
  await sleepUntil(dayStart(option.schedule[0]!.dueDate) + (followUp.graceDays + 1) * DAY);
  const renegotiating = await offerOut(handle, (s) => s.offer!.round === 2);
  expect(renegotiating.plan).toMatchObject({ status: 'BROKEN', breaks: 1 });
  const second = await approved(handle, renegotiating.offer!);
  const again = await handle.executeUpdate(respondToPlanUpdate, {
    args: [{ answer: 'ACCEPT', offerId: second.offerId, option: 'INSTALMENT_PLAN', respondedBy: supervisor, via: 'AGENT' }],
  });
  const onSecond = await until(handle, (s) => s.stage === 'PLAN_ACTIVE' && s.plan?.planId === again.planId && waitingFor('reminder')(s));
  await sleepUntil(dayStart(onSecond.plan!.nextDue!.dueDate) + (followUp.graceDays + 1) * DAY);
  await until(handle, (s) => s.stage === 'LEGAL');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'VISIT', 'NEGOTIATION', 'PLAN_ACTIVE', 'NEGOTIATION', 'PLAN_ACTIVE', 'LEGAL']);
  // The LEGAL stage's first steps (decision, referral or placement) are activities: a cure while one is in
  // flight cancels it, which the time-skipping server mishandles (ACTIVITY_UNKNOWN). Wait until the stage waits.
  await until(handle, (s) => s.legal?.next != null);
  const { rows } = await harness.pool.query(`SELECT status FROM payment_plans WHERE account_id = $1 ORDER BY id`, [accountId]);
  expect(rows.map((r) => r.status)).toEqual(['BROKEN', 'BROKEN']);
  expect((await handle.describe()).typedSearchAttributes.get(PlanStatus)).toBe('BROKEN');
  await harness.closeOut(handle);
});

test('a settlement paid → SETTLED, the rest written down', async () => {
  const { accountId, handle, option, planId } = await onPlan('SETTLEMENT');
  expect(option.schedule).toHaveLength(1);
  await pay(handle, accountId, option.total);
  const result = await handle.result();
  expect(result.outcome).toBe('SETTLED');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'VISIT', 'NEGOTIATION', 'PLAN_ACTIVE', 'SETTLED']);
  const { rows } = await harness.pool.query(`SELECT kind, sum(amount)::int AS amount FROM account_adjustments WHERE plan_id = $1 AND applied GROUP BY kind`, [planId]);
  expect(rows).toEqual([{ kind: 'WRITE_DOWN', amount: option.writeDown.penaltyFees + option.writeDown.lateInterest + option.writeDown.contractInterest + option.writeDown.principal }]);
  expect(await contractOverdue(accountId)).toEqual({ amountOverdue: 0, daysPastDue: 0 });
});

test('a payment that clears the whole plan mid-plan cures at once', async () => {
  const { accountId, handle, option } = await onPlan('INSTALMENT_PLAN');
  await sleepUntil(dayStart(option.schedule[0]!.dueDate) - DAY);
  await until(handle, waitingFor('call-back'));
  await pay(handle, accountId, option.total);
  expect((await handle.result()).outcome).toBe('CURED');
  expect((await stagesOf(accountId)).at(-1)).toBe('CURED');
});

test("a hold mid-plan pauses the plan's clock: no break while on hold, the grace counted from the release", async () => {
  const { handle, option } = await onPlan('INSTALMENT_PLAN');
  const first = option.schedule[0]!;
  await sleepUntil(dayStart(first.dueDate) - 2 * DAY);
  await until(handle, waitingFor('call-back'));
  const holdId = uniqueId('hold');
  await handle.signal(holdPlacedSignal, { holdId, reason: 'DISPUTE' });
  await until(handle, (s) => s.stage === 'ON_HOLD');
  // Far past the break's date on the wall clock: the plan stands still.
  await harness.env.sleep(20 * DAY);
  expect(await summaryOf(handle)).toMatchObject({ stage: 'ON_HOLD', plan: { status: 'ACTIVE', breaks: 0 } });
  await handle.signal(holdReleasedSignal, { holdId });
  const resumed = await until(handle, (s) => s.stage === 'PLAN_ACTIVE' && waitingFor('call-back')(s));
  // The 20 days on hold moved the call-back 20 days later.
  expect(Date.parse(resumed.nextStep!.at)).toBeGreaterThan(dayStart(first.dueDate) + 19 * DAY);
  await closeOutPlan(handle);
});

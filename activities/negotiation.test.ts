/**
 * Negotiation and plans against the real Postgres (issue 16 §3-4): an offer sized from a
 * visit report, waivers within and beyond the limits (approved, reduced, refused, lapsed),
 * the borrower's answers (accept, decline, counter; to an expired or withdrawn offer: refused),
 * the plan written with its adjustments, and payments allocated to its obligations.
 */
import { testPolicies } from '../src/contact-policy/test-policies';
import { loadAccountFigures } from '../src/db/account-figures';
import type { ContactStepInput, ContactStepResult } from '../src/domain/early-collection';
import type { DecideWaiverInput, MakeOfferInput, Offer, OfferAnswered, OfferRef, PlanResponse, PlanView, RespondToOfferInput, SetPlanStatusInput, WaiverDecision } from '../src/domain/negotiation';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import { activityTestbed, failureOf, runActivity } from '../test/activity-testbed';
import { pay, setRiskTier } from '../test/early-collection-seeds';
import { addFieldStaff } from '../test/field-collection-seeds';
import { isoDateFrom, seedAccount, uniqueId } from '../test/support';

const bed = activityTestbed();
const NOW = Date.now();
const DAY = 86_400_000;
const today = isoDateFrom(NOW, 0);

const acts = () => bed.activities;
const makeOffer = (input: MakeOfferInput): Promise<Offer> => runActivity(acts().makeOffer, input);
const decideWaiver = (input: DecideWaiverInput): Promise<Offer> => runActivity(acts().decideWaiver, input);
const lapseWaivers = (input: OfferRef): Promise<Offer> => runActivity(acts().lapseWaivers, input);
const expireOffer = (input: OfferRef): Promise<Offer> => runActivity(acts().expireOffer, input);
const respond = (input: RespondToOfferInput): Promise<OfferAnswered> => runActivity(acts().respondToOffer, input);
const setPlanStatus = (input: SetPlanStatusInput): Promise<PlanView> => runActivity(acts().setPlanStatus, input);
const loadPlan = (accountId: string): Promise<PlanView | null> => runActivity(acts().loadPlan, { accountId });

/**
 * Three overdue installments of CNY 1000.00 (800 principal, 150 interest, 50 fees: 80, 50 and
 * 20 days past due) and six to come, the first in 10 days; a MEDIUM risk tier.
 */
async function overdueAccount(tier = 'MEDIUM'): Promise<string> {
  const accountId = await seedAccount(bed.pool, {
    installments: [-80, -50, -20, 10, 40, 70, 100, 130, 160].map((days) => ({ dueDate: isoDateFrom(NOW, days), amount: 100_000 })),
  });
  await setRiskTier(bed.pool, accountId, tier);
  return accountId;
}

/** A visit (done) and its report with the borrower's monthly income and outgoings, minor units. */
async function visitReport(accountId: string, income: number, outgoings: number): Promise<void> {
  const collector = await addFieldStaff(bed.pool, 'COLLECTOR');
  const { rows } = await bed.pool.query(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, starts_at, ends_at, collector_id, address_kind, closed_at)
     SELECT $1, a.id, a.borrower_id, $2, 'UNANNOUNCED', 'VISITED', false, $3, $4, $5, 'HOME', $4 FROM accounts a WHERE a.id = $6 RETURNING id`,
    [uniqueId('appt'), accountWorkflowId(accountId), new Date(NOW - 2 * DAY), new Date(NOW - 2 * DAY + 5_400_000), collector, accountId],
  );
  const report = await bed.pool.query(
    `INSERT INTO visit_reports (appointment_id, account_id, workflow_id, submitted_by, visited_at, address_kind, credentials_shown, identity_checked, identity_method, documents, consent, ability_to_pay, willingness_to_pay, recommended_action, submitted_at)
     VALUES ($1, $2, $3, $4, $5, 'HOME', true, true, 'ID_CARD', '{}', '{}', 3, 4, 'PLAN', $5) RETURNING id`,
    [rows[0].id, accountId, accountWorkflowId(accountId), collector, new Date(NOW - 2 * DAY)],
  );
  await bed.pool.query(
    `INSERT INTO visit_report_personal_data (visit_report_id, occupation, household_members, monthly_income, monthly_outgoings, reason_for_lateness) VALUES ($1, 'driver', '[]', $2, $3, 'INCOME_DROP')`,
    [report.rows[0].id, income, outgoings],
  );
}

const offerInput = (accountId: string, extra: Partial<MakeOfferInput> = {}): MakeOfferInput => ({ idempotencyKey: uniqueId('offer'), accountId, workflowId: accountWorkflowId(accountId), at: NOW, ...extra });

const answer = (accountId: string, response: PlanResponse, at = NOW): RespondToOfferInput => ({ idempotencyKey: uniqueId('answer'), accountId, workflowId: accountWorkflowId(accountId), response, at });
const accept = (offerId: number, option: 'INSTALMENT_PLAN' | 'TERM_EXTENSION' | 'SETTLEMENT'): PlanResponse => ({ answer: 'ACCEPT', offerId, option, respondedBy: 'agent-01', via: 'AGENT' });

const decision = (waiverId: number, supervisorId: string, d: Partial<WaiverDecision> = {}): WaiverDecision => ({ waiverId, supervisorId, decision: 'APPROVE', reason: 'long-standing customer, hardship documented', ...d });

const option = (offer: Offer, kind: string) => {
  const found = offer.options.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind}`);
  return found;
};

/** An account with a visit report (surplus 2900.00: 450.00 a month for the plan) and its first offer. */
async function offered(tier = 'MEDIUM') {
  const accountId = await overdueAccount(tier);
  await visitReport(accountId, 590_000, 300_000);
  const offer = await makeOffer(offerInput(accountId));
  return { accountId, offer };
}

test('loadNegotiationPolicy: the version and the figures the stages follow, as loaded at start', async () => {
  const policy = await runActivity(acts().loadNegotiationPolicy, undefined);
  expect(policy).toMatchObject({ configVersion: '2026.1', approvalDeadlineHours: 48, followUp: { graceDays: 5, breaksBeforeLegal: 2 } });
});

describe('makeOffer', () => {
  test('sized from the visit report: three options, the fee waiver beyond the MEDIUM limit awaiting a supervisor', async () => {
    const { accountId, offer } = await offered();

    expect(offer).toMatchObject({
      accountId,
      status: 'AWAITING_APPROVAL',
      round: 1,
      currency: 'CNY',
      asOf: today,
      validUntil: isoDateFrom(NOW, 14),
      configVersion: '2026.1',
      surplus: { monthly: 290_000, source: 'VISIT_REPORT' },
      instalmentBudget: 45_000,
      unavailable: [],
      approvalDeadline: new Date(NOW + 48 * 3_600_000).toISOString(),
    });
    expect(option(offer, 'INSTALMENT_PLAN').schedule.map((l) => l.amount)).toEqual([41_785, 41_785, 41_785, 41_785, 41_785, 41_785, 41_790]);
    expect(option(offer, 'TERM_EXTENSION').total).toBe(892_500);
    expect(option(offer, 'SETTLEMENT').total).toBe(810_000);
    expect(offer.pendingWaivers.map((w) => [w.kind, w.subject, w.needsApproval])).toEqual([
      ['INSTALMENT_PLAN', 'PENALTY_FEES', 7_500],
      ['TERM_EXTENSION', 'PENALTY_FEES', 7_500],
    ]);
    // the surplus is personal data: not in the offer's own row
    const { rows } = await bed.pool.query('SELECT o.basis, pd.monthly_surplus FROM negotiation_offers o JOIN negotiation_offer_personal_data pd ON pd.offer_id = o.id WHERE o.id = $1', [offer.offerId]);
    expect(rows[0].basis.surplus).toBeNull();
    expect(rows[0].monthly_surplus).toBe(290_000);
  });

  test('the same key again answers the first offer; one row', async () => {
    const accountId = await overdueAccount();
    const input = offerInput(accountId);
    const first = await makeOffer(input);
    await pay(bed.pool, accountId, 50_000, today);
    expect(await makeOffer({ ...input, at: NOW + 60_000 })).toEqual(first);
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM negotiation_offers WHERE account_id = $1', [accountId]);
    expect(rows[0].n).toBe(1);
  });

  test('a LOW tier: every waiver within the limit, OFFERED at once; no surplus known: the plan over the 24 months a LOW loan may run', async () => {
    const accountId = await overdueAccount('LOW');
    const offer = await makeOffer(offerInput(accountId));
    expect(offer.status).toBe('OFFERED');
    expect(offer.pendingWaivers).toEqual([]);
    expect(offer.approvalDeadline).toBeNull();
    expect(option(offer, 'INSTALMENT_PLAN')).toMatchObject({ total: 285_000, affordable: null });
    expect(option(offer, 'INSTALMENT_PLAN').schedule).toHaveLength(14); // 24 wanted; 2850.00 / 200.00 minimum → 14
  });

  test('a new offer withdraws the open one; an answer to the withdrawn offer is refused', async () => {
    const { accountId, offer } = await offered('LOW');
    const second = await makeOffer(offerInput(accountId, { statedSurplus: 400_000 }));
    expect(second).toMatchObject({ round: 2, surplus: { monthly: 400_000, source: 'STATED' } });
    const f = await failureOf(respond(answer(accountId, accept(offer.offerId, 'SETTLEMENT'))));
    expect(f).toMatchObject({ type: FailureType.AnswerNotAccepted, message: `offer ${offer.offerId} is withdrawn: it takes no answer` });
  });
});

describe('waivers beyond the limits', () => {
  test('approved: the plan takes the whole fee waiver; OFFERED once the other is refused; a retried decision answers the same', async () => {
    const { accountId, offer } = await offered();
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    const [planWaiver, extensionWaiver] = offer.pendingWaivers;

    const approved = await decideWaiver({ accountId, decision: decision(planWaiver!.waiverId, supervisor), at: NOW + 3_600_000 });
    expect(approved.status).toBe('AWAITING_APPROVAL');
    expect(option(approved, 'INSTALMENT_PLAN').total).toBe(285_000);
    expect(option(approved, 'TERM_EXTENSION').total).toBe(892_500);

    const refused = await decideWaiver({ accountId, decision: decision(extensionWaiver!.waiverId, supervisor, { decision: 'REFUSE' }), at: NOW + 3_600_000 });
    expect(refused.status).toBe('OFFERED');
    expect(refused.pendingWaivers).toEqual([]);
    expect(await decideWaiver({ accountId, decision: decision(planWaiver!.waiverId, supervisor), at: NOW + 7_200_000 })).toEqual(refused);

    const changedMind = await failureOf(decideWaiver({ accountId, decision: decision(planWaiver!.waiverId, supervisor, { decision: 'REFUSE' }), at: NOW }));
    expect(changedMind).toMatchObject({ type: FailureType.WaiverNotOpen, message: `waiver ${planWaiver!.waiverId} is already approved` });
    const { rows } = await bed.pool.query('SELECT status, approved_amount, decided_by, decision_reason FROM offer_waivers WHERE offer_id = $1 ORDER BY id', [offer.offerId]);
    expect(rows).toEqual([
      { status: 'APPROVED', approved_amount: 7_500, decided_by: supervisor, decision_reason: 'long-standing customer, hardship documented' },
      { status: 'REFUSED', approved_amount: 0, decided_by: supervisor, decision_reason: 'long-standing customer, hardship documented' },
    ]);
  });

  test('reduced: 30.00 of the 75.00 approved; a "reduction" to all of it is refused and changes nothing', async () => {
    const { accountId, offer } = await offered();
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    const waiverId = offer.pendingWaivers[0]!.waiverId;

    const tooMuch = await failureOf(decideWaiver({ accountId, decision: decision(waiverId, supervisor, { decision: 'REDUCE', approvedAmount: '75.00' }), at: NOW }));
    expect(tooMuch.type).toBe(FailureType.WaiverNotAccepted);
    const reduced = await decideWaiver({ accountId, decision: decision(waiverId, supervisor, { decision: 'REDUCE', approvedAmount: '30.00' }), at: NOW });
    expect(option(reduced, 'INSTALMENT_PLAN').total).toBe(289_500);
    expect(option(reduced, 'INSTALMENT_PLAN').waivers[0]).toMatchObject({ withinLimit: 7_500, granted: 10_500 });
  });

  test('only an active supervisor decides: an agent is refused, nothing changes', async () => {
    const { accountId, offer } = await offered();
    const agent = await addFieldStaff(bed.pool, 'AGENT');
    const f = await failureOf(decideWaiver({ accountId, decision: decision(offer.pendingWaivers[0]!.waiverId, agent), at: NOW }));
    expect(f).toMatchObject({ type: FailureType.NotASupervisor, message: `${agent} is not an active supervisor (role AGENT)` });
    const { rows } = await bed.pool.query(`SELECT count(*)::int AS n FROM offer_waivers WHERE offer_id = $1 AND status = 'PENDING'`, [offer.offerId]);
    expect(rows[0].n).toBe(2);
  });

  test("timed out: at the deadline what is undecided lapses and the offer goes out within the limits; another account's waiver is unknown", async () => {
    const { accountId, offer } = await offered();
    const other = await overdueAccount();
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    expect(await failureOf(decideWaiver({ accountId: other, decision: decision(offer.pendingWaivers[0]!.waiverId, supervisor), at: NOW }))).toMatchObject({ type: FailureType.UnknownWaiver });

    const lapsed = await lapseWaivers({ accountId, offerId: offer.offerId, at: NOW + 48 * 3_600_000 });
    expect(lapsed.status).toBe('OFFERED');
    expect(option(lapsed, 'INSTALMENT_PLAN').total).toBe(292_500);
    const { rows } = await bed.pool.query('SELECT status FROM offer_waivers WHERE offer_id = $1', [offer.offerId]);
    expect(rows.map((r) => r.status)).toEqual(['LAPSED', 'LAPSED']);
    const late = await failureOf(decideWaiver({ accountId, decision: decision(offer.pendingWaivers[0]!.waiverId, supervisor), at: NOW + 49 * 3_600_000 }));
    expect(late).toMatchObject({ type: FailureType.WaiverNotOpen, message: `waiver ${offer.pendingWaivers[0]!.waiverId} is already lapsed` });
  });
});

describe('the answer', () => {
  test('an answer to an offer still awaiting approval is refused', async () => {
    const { accountId, offer } = await offered();
    const f = await failureOf(respond(answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN'))));
    expect(f).toMatchObject({ type: FailureType.AnswerNotAccepted, message: `offer ${offer.offerId} is awaiting approval: it takes no answer` });
  });

  test('accepted after approval: the plan, its 7 instalments and the waiver with its approval, written once', async () => {
    const { accountId, offer } = await offered();
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    await decideWaiver({ accountId, decision: decision(offer.pendingWaivers[0]!.waiverId, supervisor), at: NOW });
    await lapseWaivers({ accountId, offerId: offer.offerId, at: NOW + 1000 });
    const input = answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN'), NOW + 2000);

    const answered = await respond(input);
    expect(answered.outcome).toBe('PLAN_STARTED');
    const plan = (answered as Extract<OfferAnswered, { outcome: 'PLAN_STARTED' }>).plan;
    expect(plan).toMatchObject({ accountId, offerId: offer.offerId, kind: 'INSTALMENT_PLAN', status: 'ACTIVE', total: 285_000, paid: 0, bucketAtStart: '61-90' });
    expect(plan.instalments.map((i) => i.amount)).toEqual([40_714, 40_714, 40_714, 40_714, 40_714, 40_714, 40_716]);
    expect(plan.nextDue).toMatchObject({ instalmentNo: 1, dueDate: isoDateFrom(NOW, 14) });
    expect(await respond(input)).toEqual(answered);

    const adjustments = await bed.pool.query('SELECT kind, component, amount, approved_by, applied FROM account_adjustments WHERE plan_id = $1', [plan.planId]);
    expect(adjustments.rows).toEqual([{ kind: 'WAIVER', component: 'PENALTY_FEES', amount: 15_000, approved_by: supervisor, applied: true }]);
    const again = await failureOf(respond(answer(accountId, accept(offer.offerId, 'SETTLEMENT'))));
    expect(again.message).toBe(`offer ${offer.offerId} is accepted: it takes no answer`);
  });

  test('payments from the start go to the obligations oldest-due first: the contract installment due in 10 days, then the plan', async () => {
    const accountId = await overdueAccount('LOW');
    const offer = await makeOffer(offerInput(accountId));
    const started = await respond(answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN')));
    if (started.outcome !== 'PLAN_STARTED') throw new Error(started.outcome);
    // 2850.00 in 14: 203.57 × 13 and 203.59; the first on day 14, the second a month later (after the contract's day 40)
    expect(started.plan.instalments[0]).toMatchObject({ amount: 20_357, dueDate: isoDateFrom(NOW, 14), paid: 0 });

    await pay(bed.pool, accountId, 125_000, today);

    // 100000 to the contract's installment due on day 10, 20357 to the plan's first, the 4643 left to the contract's day 40
    const plan = await loadPlan(accountId);
    expect(plan?.instalments.slice(0, 2).map((i) => i.paid)).toEqual([20_357, 0]);
    expect(plan).toMatchObject({ paid: 20_357, nextDue: { instalmentNo: 2 } });
    const { rows } = await bed.pool.query(`SELECT source, ref, paid, outstanding FROM plan_obligations WHERE plan_id = $1 AND due_date <= $2::date ORDER BY due_date, source DESC`, [plan!.planId, isoDateFrom(NOW, 40)]);
    expect(rows).toEqual([
      { source: 'CONTRACT', ref: 4, paid: 100_000, outstanding: 0 },
      { source: 'PLAN', ref: 1, paid: 20_357, outstanding: 0 },
      { source: 'CONTRACT', ref: 5, paid: 4_643, outstanding: 95_357 },
    ]);
  });

  test("the plan's scope starts with its offer: an installment falling due while the offer waits, paid on its day, is the plan's and so is the payment", async () => {
    // Offered 10 days ago: 80 and 50 days past due then; the installment of 5 days ago was still to come.
    const accountId = await seedAccount(bed.pool, { installments: [-90, -60, -5, 25, 55].map((days) => ({ dueDate: isoDateFrom(NOW, days), amount: 100_000 })) });
    await setRiskTier(bed.pool, accountId, 'LOW');
    const offer = await makeOffer(offerInput(accountId, { at: NOW - 10 * DAY }));
    expect(option(offer, 'INSTALMENT_PLAN').total).toBe(190_000); // 2000.00 overdue then, the fees waived
    // The borrower keeps paying the contract while the offer waits: 1000.00 on the installment's day.
    await bed.pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, received_at) VALUES ($1, $2, 100000, 'CNY', $3, 'BANK_TRANSFER', 'API', $4)`, [
      uniqueId('pay'),
      accountId,
      isoDateFrom(NOW, -5),
      new Date(NOW - 5 * DAY),
    ]);
    const started = await respond(answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN'), NOW));
    if (started.outcome !== 'PLAN_STARTED') throw new Error(started.outcome);

    const { rows } = await bed.pool.query(`SELECT source, ref, due_date::text, paid, outstanding FROM plan_obligations WHERE plan_id = $1 AND due_date <= $2::date ORDER BY due_date, source DESC`, [
      started.plan.planId,
      isoDateFrom(NOW, 30),
    ]);
    expect(rows).toEqual([
      { source: 'CONTRACT', ref: 3, due_date: isoDateFrom(NOW, -5), paid: 100_000, outstanding: 0 },
      { source: 'PLAN', ref: 1, due_date: started.plan.instalments[0]!.dueDate, paid: 0, outstanding: started.plan.instalments[0]!.amount },
      { source: 'CONTRACT', ref: 4, due_date: isoDateFrom(NOW, 25), paid: 0, outstanding: 100_000 },
    ]);
    // Kept so far: nothing overdue on the plan.
    const standing = await bed.pool.query('SELECT amount_overdue FROM plan_standing($1::date) WHERE plan_id = $2', [today, started.plan.planId]);
    expect(standing.rows).toEqual([{ amount_overdue: 0 }]);
  });

  test('declined; countered with a stated income: the surplus for the next offer', async () => {
    const { accountId, offer } = await offered('LOW');
    const countered = await respond(
      answer(accountId, { answer: 'COUNTER', offerId: offer.offerId, respondedBy: 'BORROWER', via: 'API', statedMonthlyIncome: '6000.00', statedMonthlyOutgoings: '4500.50' }),
    );
    expect(countered).toEqual({ outcome: 'COUNTERED', offerId: offer.offerId, statedSurplus: 149_950 });
    const next = await makeOffer(offerInput(accountId, { statedSurplus: 149_950 }));
    expect(next.round).toBe(2);
    const declined = await respond(answer(accountId, { answer: 'DECLINE', offerId: next.offerId, respondedBy: 'agent-07', via: 'AGENT' }));
    expect(declined).toEqual({ outcome: 'DECLINED', offerId: next.offerId });
    const { rows } = await bed.pool.query('SELECT status FROM negotiation_offers WHERE account_id = $1 ORDER BY round', [accountId]);
    expect(rows.map((r) => r.status)).toEqual(['COUNTERED', 'DECLINED']);
  });

  test('an expired offer takes no answer: past its validity, and once marked EXPIRED', async () => {
    const { accountId, offer } = await offered('LOW');
    const late = await failureOf(respond(answer(accountId, accept(offer.offerId, 'SETTLEMENT'), NOW + 15 * DAY)));
    expect(late.message).toBe(`offer ${offer.offerId} expired on ${isoDateFrom(NOW, 14)}`);
    expect((await expireOffer({ accountId, offerId: offer.offerId, at: NOW + 15 * DAY })).status).toBe('EXPIRED');
    const after = await failureOf(respond(answer(accountId, accept(offer.offerId, 'SETTLEMENT'))));
    expect(after.message).toBe(`offer ${offer.offerId} is expired: it takes no answer`);
  });
});

describe('a settlement', () => {
  test('accepted, paid, completed: the write-down (fees, then interest) is applied; not completed before it is paid', async () => {
    const { accountId, offer } = await offered('LOW');
    const started = await respond(answer(accountId, accept(offer.offerId, 'SETTLEMENT')));
    if (started.outcome !== 'PLAN_STARTED') throw new Error(started.outcome);
    const { plan } = started;
    // 61-90 days: 10% off 9000.00, within LOW's 15%
    expect(plan).toMatchObject({ kind: 'SETTLEMENT', total: 810_000, instalments: [{ instalmentNo: 1, dueDate: isoDateFrom(NOW, 14), amount: 810_000 }] });

    const early = await failureOf(setPlanStatus({ accountId, planId: plan.planId, status: 'COMPLETED', at: NOW }));
    expect(early.type).toBe(FailureType.PlanNotPaidUp);
    await pay(bed.pool, accountId, 810_000, today);
    const done = await setPlanStatus({ accountId, planId: plan.planId, status: 'COMPLETED', at: NOW + DAY });
    expect(done).toMatchObject({ status: 'COMPLETED', paid: 810_000, nextDue: null });
    expect(await loadPlan(accountId)).toBeNull();
    const { rows } = await bed.pool.query('SELECT component, amount, applied FROM account_adjustments WHERE plan_id = $1 ORDER BY id', [plan.planId]);
    expect(rows).toEqual([
      { component: 'PENALTY_FEES', amount: 45_000, applied: true },
      { component: 'CONTRACT_INTEREST', amount: 45_000, applied: true },
    ]);
  });
});

describe('the figures respect the plan', () => {
  test('an account on a plan that is paid up is not overdue; late on the plan, it is overdue by the plan; broken, by the contract again', async () => {
    const accountId = await overdueAccount('LOW');
    expect(await loadAccountFigures(bed.pool, accountId, today)).toMatchObject({ amountOverdue: 300_000, daysPastDue: 80 });
    const offer = await makeOffer(offerInput(accountId));
    const started = await respond(answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN')));
    if (started.outcome !== 'PLAN_STARTED') throw new Error(started.outcome);

    // nothing of the plan due yet: current, though the contract still shows three installments unpaid
    expect(await loadAccountFigures(bed.pool, accountId, today)).toMatchObject({ amountOverdue: 0, daysPastDue: 0, bucket: 'CURRENT', oldestUnpaidDueDate: null, overdueInstallments: 0 });
    // day 15: the contract's day-10 installment and the plan's day-14 instalment are unpaid
    const day15 = isoDateFrom(NOW, 15);
    expect(await loadAccountFigures(bed.pool, accountId, day15)).toMatchObject({ amountOverdue: 120_357, daysPastDue: 5, oldestUnpaidDueDate: isoDateFrom(NOW, 10), overdueInstallments: 2 });
    await pay(bed.pool, accountId, 120_357, today);
    expect(await loadAccountFigures(bed.pool, accountId, day15)).toMatchObject({ amountOverdue: 0, daysPastDue: 0 });

    await setPlanStatus({ accountId, planId: started.plan.planId, status: 'BROKEN', at: NOW });
    const broken = await loadAccountFigures(bed.pool, accountId, day15);
    expect(broken?.amountOverdue).toBeGreaterThan(0);
  });
});

describe('the messages: the offer and the plan reminder, through the contact policy', () => {
  const contact = (input: ContactStepInput): Promise<ContactStepResult> => runActivity(bed.activitiesWith({ contactPolicies: testPolicies() }).contactBorrower, input);
  const step = (accountId: string, templateId: string, about: Pick<ContactStepInput, 'offerId' | 'planInstalment'>): ContactStepInput => ({
    idempotencyKey: uniqueId('step'),
    accountId,
    workflowId: accountWorkflowId(accountId),
    channel: 'SMS',
    templateId,
    at: NOW,
    ...about,
  });
  const textOf = async (result: ContactStepResult) => {
    if (result.outcome !== 'SENT') throw new Error(result.outcome);
    const { rows } = await bed.pool.query('SELECT rendered_text FROM contact_attempts WHERE id = $1', [result.contactAttemptId]);
    return rows[0].rendered_text as string;
  };

  test('the offer goes out only once OFFERED, with its options and validity', async () => {
    const { accountId, offer } = await offered();
    expect(await contact(step(accountId, 'sms-offer', { offerId: offer.offerId }))).toEqual({ outcome: 'NOT_NEEDED' });
    await lapseWaivers({ accountId, offerId: offer.offerId, at: NOW });

    const text = await textOf(await contact(step(accountId, 'sms-offer', { offerId: offer.offerId })));
    expect(text).toContain('1) the overdue amount in 7 monthly payments of CNY 417.85, the last CNY 417.90, from');
    expect(text).toContain('3) a single payment of CNY 8100.00 by');
    expect(text).toContain(`The offer is open until ${isoDateFrom(NOW, 14)}.`);
  });

  test('a plan reminder goes out though the account is not overdue, and not once its instalment is paid', async () => {
    const accountId = await overdueAccount('LOW');
    const offer = await makeOffer(offerInput(accountId));
    const started = await respond(answer(accountId, accept(offer.offerId, 'INSTALMENT_PLAN')));
    if (started.outcome !== 'PLAN_STARTED') throw new Error(started.outcome);
    const about = { planInstalment: { planId: started.plan.planId, instalmentNo: 1 } };
    expect((await loadAccountFigures(bed.pool, accountId, today))?.amountOverdue).toBe(0);

    // The contract's installment of day 10 falls due before the plan's first: the borrower is asked for both.
    expect(await textOf(await contact(step(accountId, 'sms-plan-reminder', about)))).toContain(
      `is CNY 1203.57 due by ${isoDateFrom(NOW, 14)} (CNY 203.57 for the plan, CNY 1000.00 for the loan's own installment).`,
    );
    await pay(bed.pool, accountId, 120_357, today);
    expect(await contact(step(accountId, 'sms-plan-reminder', about))).toEqual({ outcome: 'NOT_NEEDED' });
    const other = await overdueAccount();
    const f = await failureOf(contact(step(other, 'sms-plan-reminder', about)));
    expect(f.type).toBe(FailureType.UnknownPlan);
  });
});

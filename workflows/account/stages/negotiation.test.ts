/**
 * NEGOTIATION (accountCollection generation 3 with the negotiation-stages patch, issue 16 §2)
 * on the time-skipping server with the real activities on the real Postgres: the offer sized
 * from the visit report, waivers within and beyond the tier's limits (approved, reduced,
 * lapsed at the deadline), answers refused by the validators, an offer left to expire, and
 * the escalation to LEGAL after the last unanswered or declined offer.
 */
import { testPolicies } from '../../../src/contact-policy/test-policies';
import { loadNegotiationConfig } from '../../../src/negotiation/load';
import { loadTreatments } from '../../../src/treatments/load';
import { collectionHarness } from '../../../test/collection-harness';
import { addFieldStaff } from '../../../test/field-collection-seeds';
import { negotiationSteps } from '../../../test/negotiation-harness';
import { eventually } from '../../../test/support';
import { approveWaiverUpdate, offerQuery, overrideStageUpdate, respondToPlanUpdate } from '../contract';

const config = loadNegotiationConfig();
const harness = collectionHarness({ name: 'negotiation', treatments: loadTreatments(), contactPolicies: testPolicies({}) });
let supervisor: string;
const steps = negotiationSteps(harness, () => supervisor);
const { until, sleepUntil, inNegotiation, overriddenToNegotiation, offerOut, optionOf } = steps;

beforeAll(async () => {
  supervisor = await addFieldStaff(harness.pool, 'SUPERVISOR');
  for (let n = 0; n < 3; n++) await addFieldStaff(harness.pool, 'COLLECTOR');
  await addFieldStaff(harness.pool, 'SECURITY');
});

async function stagesOf(accountId: string): Promise<string[]> {
  const { rows } = await harness.pool.query(`SELECT to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map((r) => r.to_stage);
}

async function offerMessages(accountId: string): Promise<string[]> {
  const { rows } = await harness.pool.query(`SELECT template_id FROM contact_attempts WHERE account_id = $1 AND template_id LIKE '%offer%' ORDER BY id`, [accountId]);
  return rows.map((r) => r.template_id);
}

test('an offer sized from the visit report: three options, exact schedules, sent by SMS and e-mail, in the summary and the offer query', async () => {
  const { accountId, handle, offer } = await inNegotiation({ income: '6600.00', outgoings: '6100.00' });
  expect(offer).toMatchObject({ status: 'OFFERED', round: 1, surplus: { monthly: 50_000, source: 'VISIT_REPORT' }, instalmentBudget: 25_000 });
  const plan = optionOf(offer, 'INSTALMENT_PLAN');
  // CNY 3000.00 overdue, the LOW tier's fees (3 × 50.00) waived: 12 × 237.50 within the budget of 250.00.
  expect(plan.schedule).toHaveLength(12);
  expect(plan.total).toBe(285_000);
  expect(plan.schedule.reduce((sum, line) => sum + line.amount, 0)).toBe(plan.total);
  expect(plan.schedule.every((line) => line.amount <= 25_000)).toBe(true);
  expect(offer.options.map((o) => o.kind)).toContain('SETTLEMENT');
  expect(await handle.query(offerQuery)).toEqual(offer);
  expect(await offerMessages(accountId)).toEqual(config.messages.offer.map((m) => m.templateId));
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'VISIT', 'NEGOTIATION']);
  await harness.closeOut(handle);
  const { rows } = await harness.pool.query(`SELECT status FROM negotiation_offers WHERE account_id = $1`, [accountId]);
  expect(rows).toEqual([{ status: 'EXPIRED' }]);
});

test('a waiver within the limits goes out with the offer; answers that do not fit the offer are refused and change nothing', async () => {
  const { handle, offer } = await inNegotiation({ tier: 'LOW' });
  expect(offer.pendingWaivers).toEqual([]);
  const fees = optionOf(offer, 'INSTALMENT_PLAN').waivers.find((w) => w.subject === 'PENALTY_FEES')!;
  expect(fees).toMatchObject({ owed: 15_000, proposed: 15_000, withinLimit: 15_000, needsApproval: 0, granted: 15_000 });

  const respond = (payload: object) => handle.executeUpdate(respondToPlanUpdate, { args: [payload as never] });
  const base = { offerId: offer.offerId, respondedBy: 'BORROWER', via: 'API' };
  expect(await harness.refusal(respond({ ...base, answer: 'ACCEPT', option: 'NOT_AN_OPTION' }))).toMatch(/option/);
  expect(await harness.refusal(respond({ ...base, offerId: offer.offerId + 1000, answer: 'DECLINE' }))).toMatch(/not the open offer/);
  expect(await harness.refusal(respond({ ...base, answer: 'COUNTER', statedMonthlyIncome: 'lots', statedMonthlyOutgoings: '1.00' }))).toMatch(/statedMonthlyIncome/);
  expect(await harness.refusal(handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: 1, supervisorId: supervisor, decision: 'APPROVE', reason: 'nothing to approve' }] }))).toMatch(
    /no offer waiting for a waiver decision/,
  );
  expect((await handle.query(offerQuery))?.status).toBe('OFFERED');
  await harness.closeOut(handle);
});

test('a waiver beyond the limits: approved by a supervisor, the offer goes out with it', async () => {
  const { handle, offer } = await inNegotiation({ tier: 'MEDIUM' });
  expect(offer.status).toBe('AWAITING_APPROVAL');
  const fees = offer.pendingWaivers.find((w) => w.kind === 'INSTALMENT_PLAN' && w.subject === 'PENALTY_FEES')!;
  expect(fees.needsApproval).toBe(7_500);
  // Not yet sent: the borrower cannot answer it.
  expect(await harness.refusal(handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'DECLINE', offerId: offer.offerId, respondedBy: 'BORROWER', via: 'API' }] }))).toMatch(/supervisor/);
  let after = offer;
  for (const w of offer.pendingWaivers) after = await handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: w.waiverId, supervisorId: supervisor, decision: 'APPROVE', reason: 'hardship documented at the visit' }] });
  expect(after.status).toBe('OFFERED');
  const s = await offerOut(handle);
  expect(optionOf(s.offer!, 'INSTALMENT_PLAN').waivers.find((w) => w.subject === 'PENALTY_FEES')).toMatchObject({ granted: 15_000 });
  await harness.closeOut(handle);
});

test('a waiver beyond the limits reduced by a supervisor; an agent may not decide it', async () => {
  const { handle, offer } = await inNegotiation({ tier: 'MEDIUM' });
  const fees = offer.pendingWaivers.find((w) => w.kind === 'INSTALMENT_PLAN' && w.subject === 'PENALTY_FEES')!;
  const agent = await addFieldStaff(harness.pool, 'COLLECTOR');
  expect(await harness.refusal(handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: fees.waiverId, supervisorId: agent, decision: 'APPROVE', reason: 'I think it is fine' }] }))).toMatch(/not an active supervisor/);
  const reduced = await handle.executeUpdate(approveWaiverUpdate, { args: [{ waiverId: fees.waiverId, supervisorId: supervisor, decision: 'REDUCE', approvedAmount: '25.00', reason: 'part of the fees only' }] });
  expect(optionOf(reduced, 'INSTALMENT_PLAN').waivers.find((w) => w.subject === 'PENALTY_FEES')).toMatchObject({ withinLimit: 7_500, granted: 10_000 });
  await harness.closeOut(handle);
});

test('a waiver beyond the limits not decided by the deadline lapses: the offer goes out within the limits', async () => {
  const { accountId, handle, offer } = await inNegotiation({ tier: 'MEDIUM' });
  await sleepUntil(offer.approvalDeadline!);
  const s = await offerOut(handle, (x) => x.offer!.status === 'OFFERED');
  expect(optionOf(s.offer!, 'INSTALMENT_PLAN').waivers.find((w) => w.subject === 'PENALTY_FEES')).toMatchObject({ withinLimit: 7_500, granted: 7_500 });
  const { rows } = await harness.pool.query(`SELECT w.status FROM offer_waivers w JOIN negotiation_offers o ON o.id = w.offer_id WHERE o.account_id = $1`, [accountId]);
  expect(rows.every((r) => r.status === 'LAPSED')).toBe(true);
  await harness.closeOut(handle);
});

test('an offer left unanswered expires; one more offer, declined, and the case goes to LEGAL', async () => {
  // 70 days past due: still in the 61-90 bucket when the second offer is made (its settlement discount within the LOW tier's limit).
  const { accountId, handle, offer } = await inNegotiation({ overdueDays: [70, 45, 20] });
  await sleepUntil(Date.parse(`${offer.validUntil}T00:00:00Z`) + 2 * 86_400_000);
  const second = await offerOut(handle, (s) => s.offer!.offerId !== offer.offerId);
  expect(second.offer!.round).toBe(2);
  // The expired offer takes no answer.
  expect(await harness.refusal(handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'ACCEPT', option: 'SETTLEMENT', offerId: offer.offerId, respondedBy: 'BORROWER', via: 'API' }] }))).toMatch(
    /not the open offer/,
  );
  const declined = await handle.executeUpdate(respondToPlanUpdate, { args: [{ answer: 'DECLINE', offerId: second.offer!.offerId, respondedBy: 'BORROWER', via: 'CLI', note: 'cannot pay' }] });
  expect(declined).toEqual({ offerId: second.offer!.offerId, outcome: 'DECLINED', planId: null });
  await until(handle, (s) => s.stage === 'LEGAL');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'VISIT', 'NEGOTIATION', 'LEGAL']);
  // The LEGAL stage's first steps (decision, referral or placement) are activities: a cure while one is in
  // flight cancels it, which the time-skipping server mishandles (ACTIVITY_UNKNOWN). Wait until the stage waits.
  await until(handle, (s) => s.legal?.next != null);
  const { rows } = await harness.pool.query(`SELECT status FROM negotiation_offers WHERE account_id = $1 ORDER BY id`, [accountId]);
  expect(rows.map((r) => r.status)).toEqual(['EXPIRED', 'DECLINED']);
  await harness.closeOut(handle);
});

test('a counter-offer with a stated income is answered with a new offer sized from it', async () => {
  const { handle, offer } = await inNegotiation();
  const countered = await handle.executeUpdate(respondToPlanUpdate, {
    args: [{ answer: 'COUNTER', offerId: offer.offerId, respondedBy: 'BORROWER', via: 'API', statedMonthlyIncome: '7100.00', statedMonthlyOutgoings: '6100.00' }],
  });
  expect(countered.outcome).toBe('COUNTERED');
  const s = await offerOut(handle, (x) => x.offer!.offerId !== offer.offerId);
  expect(s.offer).toMatchObject({ round: 2, surplus: { monthly: 100_000, source: 'STATED' }, instalmentBudget: 50_000 });
  expect(optionOf(s.offer!, 'INSTALMENT_PLAN').schedule).toHaveLength(6);
  await eventually(() => handle.query(offerQuery), (o) => o?.offerId === s.offer!.offerId);
  await harness.closeOut(handle);
});

test("a supervisor's override from REMINDING to NEGOTIATION: an offer sized from the book, no visit report", async () => {
  const { accountId, handle, moved, offer } = await overriddenToNegotiation({ tier: 'LOW' });
  expect(moved).toEqual({ from: 'REMINDING', to: 'NEGOTIATION' });
  // Nothing known of the borrower's income: the plan runs over the longest term the minimum
  // instalment allows (CNY 2850.00, the fees waived, in 14 instalments of at least 200.00).
  expect(offer).toMatchObject({ status: 'OFFERED', round: 1, surplus: null, instalmentBudget: null });
  const plan = optionOf(offer, 'INSTALMENT_PLAN');
  expect(plan.total).toBe(285_000);
  expect(plan.schedule).toHaveLength(14);
  expect(plan.schedule.reduce((sum, line) => sum + line.amount, 0)).toBe(plan.total);
  expect(plan.affordable).toBeNull();
  expect(optionOf(offer, 'SETTLEMENT').total).toBe(270_000);
  expect(offer.unavailable).toEqual([{ kind: 'TERM_EXTENSION', reason: 'NOTHING_TO_EXTEND' }]);
  expect(await offerMessages(accountId)).toEqual(config.messages.offer.map((m) => m.templateId));
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'NEGOTIATION']);
  const { rows } = await harness.pool.query(`SELECT reason FROM stage_transitions WHERE account_id = $1 AND to_stage = 'NEGOTIATION'`, [accountId]);
  expect(rows).toEqual([{ reason: `override by ${supervisor}: test: the borrower asked for a plan` }]);
  expect(await harness.refusal(handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'NEGOTIATION', supervisorId: supervisor, reason: 'once more, please' }] }))).toMatch(/already in NEGOTIATION/);
  await harness.closeOut(handle);
});

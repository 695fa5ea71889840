/**
 * The offer, computed by hand for one account and checked as a property over generated
 * ones: every schedule sums exactly to its option's total, waivers stay within policy, and
 * the same inputs give the same offer (it runs in workflow code).
 */
import fc from 'fast-check';
import { BUCKETS } from '../domain/buckets';
import { balanceTotal, type Balance, type OfferBasis } from '../domain/negotiation';
import { loadNegotiationConfig } from './load';
import { composeOffer, minimumInstalment, waitingForApproval, waiverKey } from './offer';
import { forTier } from './schema';

const config = loadNegotiationConfig();

/**
 * Three overdue installments of CNY 1000.00 (800 principal, 150 interest, 50 fees) and six
 * to come; the visit report says income 5900.00, outgoings 3000.00: a surplus of 2900.00, of
 * which half (1450.00) may go to instalments, less the contractual 1000.00: 450.00 a month.
 */
const basis: OfferBasis = {
  accountId: 'ACC-1',
  currency: 'CNY',
  product: 'LOAN',
  riskTier: 'MEDIUM',
  bucket: '61-90',
  daysPastDue: 75,
  asOf: '2026-12-01',
  overdue: { principal: 240_000, contractInterest: 45_000, lateInterest: 0, penaltyFees: 15_000 },
  notYetDue: { principal: 480_000, contractInterest: 90_000, lateInterest: 0, penaltyFees: 30_000, instalments: 6, nextInstalment: 100_000 },
  surplus: { monthly: 290_000, source: 'VISIT_REPORT' },
  contractRateBps: null,
};

const option = (terms: ReturnType<typeof composeOffer>, kind: string) => {
  const found = terms.options.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${JSON.stringify(terms.unavailable)}`);
  return found;
};

describe('composeOffer, by hand', () => {
  const terms = composeOffer(basis, config);

  test('the budget: half the surplus less the contractual installment', () => {
    expect(terms.instalmentBudget).toBe(45_000);
    expect(terms.unavailable).toEqual([]);
    expect(terms.options.map((o) => o.kind)).toEqual(['INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT']);
  });

  test('instalment plan: 3000.00 overdue, half the 50.00 fees waived (MEDIUM), 2925.00 in 7 of 417.85, the last 417.90', () => {
    const plan = option(terms, 'INSTALMENT_PLAN');
    expect(plan.waivers).toEqual([
      { subject: 'PENALTY_FEES', owed: 15_000, proposed: 15_000, withinLimit: 7_500, needsApproval: 7_500, granted: 7_500 },
      { subject: 'CONTRACT_INTEREST', owed: 45_000, proposed: 0, withinLimit: 0, needsApproval: 0, granted: 0 },
    ]);
    expect(plan.owed).toBe(300_000);
    expect(plan.total).toBe(292_500);
    expect(plan.schedule.map((l) => l.amount)).toEqual([41_785, 41_785, 41_785, 41_785, 41_785, 41_785, 41_790]);
    expect(plan.schedule.map((l) => l.dueDate)).toEqual(['2026-12-15', '2027-01-15', '2027-02-15', '2027-03-15', '2027-04-15', '2027-05-15', '2027-06-15']);
    expect(plan.affordable).toBe(true);
    expect(plan.writeDown).toEqual({ principal: 0, contractInterest: 0, lateInterest: 0, penaltyFees: 0 });
  });

  test('term extension: all 9000.00 less the waiver over the 6 remaining months plus 12: 18 of 495.83, the last 495.89', () => {
    const ext = option(terms, 'TERM_EXTENSION');
    expect(ext.owed).toBe(900_000);
    expect(ext.total).toBe(892_500);
    expect(ext.schedule).toHaveLength(18);
    expect(ext.schedule.slice(0, 17).every((l) => l.amount === 49_583)).toBe(true);
    expect(ext.schedule[17]).toEqual({ instalmentNo: 18, dueDate: '2028-05-15', amount: 49_589, interest: 0 });
    expect(ext.affordable).toBe(true);
  });

  test('settlement: 61-90 days takes 10% off 9000.00, within the MEDIUM limit: fees 450.00 then interest 450.00, 8100.00 by 15 Dec', () => {
    const s = option(terms, 'SETTLEMENT');
    expect(s.waivers).toEqual([{ subject: 'SETTLEMENT_DISCOUNT', owed: 900_000, proposed: 90_000, withinLimit: 90_000, needsApproval: 0, granted: 90_000 }]);
    expect(s.writeDown).toEqual({ penaltyFees: 45_000, lateInterest: 0, contractInterest: 45_000, principal: 0 });
    expect(s.schedule).toEqual([{ instalmentNo: 1, dueDate: '2026-12-15', amount: 810_000, interest: 0 }]);
    expect(s.total).toBe(810_000);
  });

  test('the waiver beyond the limit waits; approved, the plan is 2850.00 in 7 (406.14 … 406.16)', () => {
    expect(waitingForApproval(terms).map(({ kind, line }) => [kind, line.subject, line.needsApproval])).toEqual([
      ['INSTALMENT_PLAN', 'PENALTY_FEES', 7_500],
      ['TERM_EXTENSION', 'PENALTY_FEES', 7_500],
    ]);
    const approved = composeOffer(basis, config, { [waiverKey('INSTALMENT_PLAN', 'PENALTY_FEES')]: 7_500 });
    const plan = option(approved, 'INSTALMENT_PLAN');
    expect(plan.waivers[0]).toMatchObject({ granted: 15_000, needsApproval: 7_500 });
    expect(plan.total).toBe(285_000);
    expect(plan.schedule.map((l) => l.amount)).toEqual([40_714, 40_714, 40_714, 40_714, 40_714, 40_714, 40_716]);
    // the other option's waiver was not decided: it keeps only what is within the limit
    expect(option(approved, 'TERM_EXTENSION').total).toBe(892_500);
  });

  test('reduced: 30.00 of the 75.00 excess approved; more than the excess is never applied', () => {
    const reduced = composeOffer(basis, config, { [waiverKey('INSTALMENT_PLAN', 'PENALTY_FEES')]: 3_000 });
    expect(option(reduced, 'INSTALMENT_PLAN').total).toBe(289_500);
    const over = composeOffer(basis, config, { [waiverKey('INSTALMENT_PLAN', 'PENALTY_FEES')]: 1_000_000 });
    expect(option(over, 'INSTALMENT_PLAN').total).toBe(285_000);
  });

  test('a HIGH tier: only 5% of the settlement without approval, the other 5% waits; at most 6 months of plan', () => {
    const high = composeOffer({ ...basis, riskTier: 'HIGH' }, config);
    expect(option(high, 'SETTLEMENT').waivers[0]).toMatchObject({ proposed: 90_000, withinLimit: 45_000, needsApproval: 45_000, granted: 45_000 });
    expect(option(high, 'SETTLEMENT').total).toBe(855_000);
    // 7 months would be needed at 450.00 a month: more than HIGH's 6
    expect(high.unavailable).toEqual([{ kind: 'INSTALMENT_PLAN', reason: 'SURPLUS_TOO_SMALL' }]);
  });

  test('no surplus known: the plan runs over the longest term (12 months for a MEDIUM loan)', () => {
    const unknown = composeOffer({ ...basis, surplus: null }, config);
    const plan = option(unknown, 'INSTALMENT_PLAN');
    expect(unknown.instalmentBudget).toBeNull();
    expect(plan.schedule).toHaveLength(12);
    expect(plan.affordable).toBeNull();
  });

  test('a surplus that does not cover the contractual installment: no plan, but the extension (which replaces it) fits 750.00', () => {
    const tight = composeOffer({ ...basis, surplus: { monthly: 150_000, source: 'STATED' } }, config);
    expect(tight.instalmentBudget).toBe(-25_000);
    expect(tight.unavailable).toEqual([{ kind: 'INSTALMENT_PLAN', reason: 'SURPLUS_TOO_SMALL' }]);
    expect(option(tight, 'TERM_EXTENSION').affordable).toBe(true);
    expect(option(composeOffer({ ...basis, surplus: { monthly: 90_000, source: 'STATED' } }, config), 'TERM_EXTENSION').affordable).toBe(false);
  });

  test('1-30 days: no settlement discount, so no settlement; nothing left to come: no extension', () => {
    const early = composeOffer({ ...basis, bucket: '1-30', notYetDue: { ...basis.notYetDue, principal: 0, contractInterest: 0, penaltyFees: 0, instalments: 0, nextInstalment: 0 } }, config);
    expect(early.unavailable).toEqual([
      { kind: 'TERM_EXTENSION', reason: 'NOTHING_TO_EXTEND' },
      { kind: 'SETTLEMENT', reason: 'NO_DISCOUNT_IN_BUCKET' },
    ]);
  });

  test('a small balance is never split below the minimum instalment (CNY 200.00)', () => {
    const small = composeOffer({ ...basis, overdue: { principal: 45_000, contractInterest: 0, lateInterest: 0, penaltyFees: 0 }, surplus: null }, config);
    expect(minimumInstalment(config, 'CNY')).toBe(20_000);
    expect(option(small, 'INSTALMENT_PLAN').schedule.map((l) => l.amount)).toEqual([22_500, 22_500]);
  });

  test('the contract rate on a plan, when the policy says so: interest on the declining balance, the principal still 2925.00', () => {
    const withRate = composeOffer({ ...basis, contractRateBps: 1200 }, { ...config, plan: { ...config.plan, interest: 'CONTRACT_RATE' } });
    const plan = option(withRate, 'INSTALMENT_PLAN');
    expect(plan.schedule[0]?.interest).toBe(2_925);
    expect(plan.schedule.reduce((s, l) => s + l.amount - l.interest, 0)).toBe(292_500);
    expect(plan.total).toBe(plan.schedule.reduce((s, l) => s + l.amount, 0));
  });
});

describe('composeOffer, as a property over generated accounts', () => {
  const amount = fc.integer({ min: 0, max: 5_000_000 });
  const balance: fc.Arbitrary<Balance> = fc.record({ principal: amount, contractInterest: amount, lateInterest: amount, penaltyFees: amount });
  const arbitraryBasis: fc.Arbitrary<OfferBasis> = fc.record({
    accountId: fc.constant('ACC-P'),
    currency: fc.constantFrom('CNY', 'USD', 'JPY', 'KWD'),
    product: fc.constantFrom('LOAN' as const, 'CREDIT_CARD' as const),
    riskTier: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'UNRATED'),
    bucket: fc.constantFrom(...BUCKETS),
    daysPastDue: fc.integer({ min: 0, max: 400 }),
    asOf: fc.constantFrom('2026-01-31', '2026-12-01', '2028-02-29'),
    overdue: balance,
    notYetDue: fc.record({ principal: amount, contractInterest: amount, lateInterest: amount, penaltyFees: amount, instalments: fc.integer({ min: 0, max: 48 }), nextInstalment: amount }),
    surplus: fc.option(fc.record({ monthly: fc.integer({ min: -1_000_000, max: 3_000_000 }), source: fc.constantFrom('VISIT_REPORT' as const, 'STATED' as const) }), { nil: null }),
    contractRateBps: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
  });
  const anyApproval = fc.dictionary(fc.constantFrom(waiverKey('INSTALMENT_PLAN', 'PENALTY_FEES'), waiverKey('TERM_EXTENSION', 'LATE_INTEREST'), waiverKey('SETTLEMENT', 'SETTLEMENT_DISCOUNT')), fc.integer({ min: 0, max: 10_000_000 }));
  const interest = fc.constantFrom('NONE' as const, 'CONTRACT_RATE' as const);

  test('every schedule sums exactly to its total; without interest the total is what is owed less what is waived', () => {
    fc.assert(
      fc.property(arbitraryBasis, anyApproval, interest, (b, approved, planInterest) => {
        const cfg = { ...config, plan: { ...config.plan, interest: planInterest } };
        const terms = composeOffer(b, cfg, approved);
        for (const o of terms.options) {
          const waived = o.waivers.reduce((s, w) => s + w.granted, 0);
          const interestCharged = o.schedule.reduce((s, l) => s + l.interest, 0);
          expect(o.schedule.reduce((s, l) => s + l.amount, 0)).toBe(o.total);
          expect(o.total).toBe(o.owed - waived + interestCharged);
          expect(o.schedule.filter((l) => !Number.isSafeInteger(l.amount) || l.amount < 1)).toEqual([]);
          for (const w of o.waivers) {
            expect(w.withinLimit + w.needsApproval).toBe(w.proposed);
            expect(w.granted).toBeGreaterThanOrEqual(w.withinLimit);
            expect(w.granted).toBeLessThanOrEqual(w.proposed);
            expect(w.proposed).toBeLessThanOrEqual(w.owed);
          }
          if (o.kind === 'SETTLEMENT') expect(balanceTotal(o.writeDown)).toBe(waived);
          else expect(balanceTotal(o.writeDown)).toBe(0);
          if (o.kind === 'INSTALMENT_PLAN') expect(o.schedule.length).toBeLessThanOrEqual(forTier(cfg.plan.longestTermMonths[b.product], b.riskTier));
          // fewer instalments rather than smaller ones: only a single instalment may be below the minimum
          if (o.schedule.length > 1) expect(o.schedule.slice(0, -1).every((l) => l.amount >= minimumInstalment(cfg, b.currency))).toBe(true);
        }
        expect(terms.options.length + terms.unavailable.length).toBe(3);
      }),
      { numRuns: 500 },
    );
  });

  test('the same inputs give the same offer (it is recomputed on replay)', () => {
    fc.assert(
      fc.property(arbitraryBasis, anyApproval, (b, approved) => {
        expect(composeOffer(b, config, approved)).toEqual(composeOffer(structuredClone(b), config, { ...approved }));
      }),
      { numRuns: 200 },
    );
  });
});

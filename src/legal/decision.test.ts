/**
 * The legal decision: hand-computed examples from the shipped config, and properties over
 * generated accounts (fast-check).
 */
import fc from 'fast-check';
import { addDays } from '../contact-policy/local-time';
import { BUCKETS } from '../domain/buckets';
import type { LegalBasis } from '../domain/legal';
import { agencyFor, chargeOffDue, decideLegalAction, legalCost, LegalDecisionError, recoveryRate } from './decision';
import { loadLegalConfig } from './load';
import { parseLegalConfig } from './schema';

const config = loadLegalConfig();

const basis = (over: Partial<LegalBasis>): LegalBasis => ({
  accountId: 'acc-1',
  jurisdiction: 'CN',
  currency: 'CNY',
  product: 'LOAN',
  riskTier: 'MEDIUM',
  bucket: '91-180',
  daysPastDue: 120,
  claim: 5_000_000,
  assetsSeen: true,
  collateral: false,
  oldestUnpaidDueDate: '2026-06-01',
  asOf: '2026-09-29',
  ...over,
});

describe('hand-computed examples', () => {
  test('CNY 50 000.00, MEDIUM, 91-180, assets seen: court fee 1 050.00 (50 + 2.5 % of 40 000), referred', () => {
    const d = decideLegalAction(config, basis({}));
    // band 10 000-100 000: fixed part plus the share of the 40 000.00 above the floor
    expect(d.cost).toEqual({ courtFee: 105_000, lawyerFee: 540_000, assetPreservation: 60_000, total: 705_000 });
    // 0.30 × 0.75 × 1.6 = 0.36; 18 000.00 expected, discounted a year at 8 %: 16 666.66
    expect(d.recoveryRate).toBeCloseTo(0.36, 10);
    expect(d.expectedRecovery).toBe(1_800_000);
    expect(d.discountedRecovery).toBe(1_666_666);
    expect(d.recoveryToCost).toBe(2.364);
    expect(d.action).toBe('REFER');
    expect(d.reason).toBe('legal action pays off: CNY 16666.66 expected back in 12 months against CNY 7050.00 of legal costs (at least 1.5 times)');
    // CN preset: 360 days after the oldest unpaid installment (2026-06-01)
    expect(d.chargeOff).toEqual({ jurisdiction: 'CN', daysPastDue: 360, dueOn: '2027-05-27', reached: false });
  });

  test('CNY 8 000.00, HIGH, 180+, nothing seen: legal does not pay off, placed with the CN agency', () => {
    const d = decideLegalAction(config, basis({ claim: 800_000, riskTier: 'HIGH', bucket: '180+', assetsSeen: false, daysPastDue: 200 }));
    expect(d.cost).toEqual({ courtFee: 5_000, lawyerFee: 300_000, assetPreservation: 0, total: 305_000 });
    expect(d.expectedRecovery).toBe(66_000); // 0.15 × 0.55 = 0.0825
    expect(d.discountedRecovery).toBe(61_111);
    // 12 % collected, 25 % commission: 720.00 ≥ the CNY 500.00 minimum
    expect(d.agency).toEqual({ agencyId: 'north-star-recoveries', commissionRate: 0.25, placementTermDays: 180, expectedNet: 72_000 });
    expect(d.action).toBe('PLACE_WITH_AGENCY');
  });

  test('a USD 1 000.00 card 185 days past due: write-off recommended, the FFIEC open-end 180 days reached', () => {
    const d = decideLegalAction(config, basis({ jurisdiction: 'US', currency: 'USD', product: 'CREDIT_CARD', claim: 100_000, riskTier: 'HIGH', bucket: '180+', assetsSeen: false, daysPastDue: 185, oldestUnpaidDueDate: '2026-01-01' }));
    expect(d.cost.total).toBe(57_500);
    expect(d.agency?.expectedNet).toBe(8_400); // 12 % × 70 %: below USD 100.00
    expect(d.action).toBe('RECOMMEND_WRITE_OFF');
    expect(d.reason).toMatch(/an agency is expected to collect only USD 84\.00 \(below USD 100\.00\)$/);
    expect(d.chargeOff).toEqual({ jurisdiction: 'US', daysPastDue: 180, dueOn: '2026-06-30', reached: true });
  });

  test('a closed-end US loan charges off at 120 days; nothing unpaid: no due day', () => {
    expect(chargeOffDue(config, { jurisdiction: 'US', product: 'LOAN', daysPastDue: 119, oldestUnpaidDueDate: '2026-03-01' })).toEqual({ jurisdiction: 'US', daysPastDue: 120, dueOn: '2026-06-29', reached: false });
    expect(chargeOffDue(config, { jurisdiction: 'US', product: 'LOAN', daysPastDue: 0, oldestUnpaidDueDate: null })).toEqual({ jurisdiction: 'US', daysPastDue: 120, dueOn: null, reached: false });
  });

  test('WRITE_OFF preferred: never placed; an account in another currency than the costs is refused', () => {
    const writeOff = parseLegalConfig({ ...config, whenLegalDoesNotPay: { prefer: 'WRITE_OFF', why: 'test' } });
    expect(decideLegalAction(writeOff, basis({ claim: 800_000, riskTier: 'HIGH', bucket: '180+', assetsSeen: false })).action).toBe('RECOMMEND_WRITE_OFF');
    expect(() => decideLegalAction(config, basis({ currency: 'USD' }))).toThrow(LegalDecisionError);
  });
});

describe('properties', () => {
  const jurisdictionAndCurrency = fc.constantFrom(['CN', 'CNY'] as const, ['US', 'USD'] as const);
  const anyBasis = fc.record({
    jc: jurisdictionAndCurrency,
    product: fc.constantFrom('LOAN' as const, 'CREDIT_CARD' as const),
    riskTier: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'UNRATED'),
    bucket: fc.constantFrom(...BUCKETS),
    daysPastDue: fc.integer({ min: 0, max: 1000 }),
    claim: fc.integer({ min: 0, max: 200_000_000 }),
    assetsSeen: fc.boolean(),
    collateral: fc.boolean(),
  });
  type Generated = typeof anyBasis extends fc.Arbitrary<infer T> ? T : never;
  const toBasis = ({ jc, ...b }: Generated): LegalBasis =>
    basis({ ...b, jurisdiction: jc[0], currency: jc[1], oldestUnpaidDueDate: addDays('2026-09-29', -b.daysPastDue) });

  test('legal costs never fall as the claim grows (the bands join up)', () => {
    fc.assert(
      fc.property(jurisdictionAndCurrency, fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.boolean(), ([jurisdiction, currency], claim, more, assetsSeen) => {
        const a = legalCost(config, { jurisdiction, currency, claim, assetsSeen });
        const b = legalCost(config, { jurisdiction, currency, claim: claim + more, assetsSeen });
        expect(b.total).toBeGreaterThanOrEqual(a.total);
        expect(a.total).toBe(a.courtFee + a.lawyerFee + a.assetPreservation);
      }),
    );
  });

  test('a rate within 0 and 1; assets seen or collateral never lower it; the figures agree with the action', () => {
    fc.assert(
      fc.property(anyBasis, (raw) => {
        const b = toBasis(raw);
        const d = decideLegalAction(config, b);
        expect(d.recoveryRate).toBeGreaterThanOrEqual(0);
        expect(d.recoveryRate).toBeLessThanOrEqual(1);
        expect(recoveryRate(config, { ...b, assetsSeen: true })).toBeGreaterThanOrEqual(recoveryRate(config, { ...b, assetsSeen: false }));
        expect(recoveryRate(config, { ...b, collateral: true })).toBeGreaterThanOrEqual(recoveryRate(config, { ...b, collateral: false }));
        expect(d.expectedRecovery).toBeLessThanOrEqual(b.claim);
        expect(d.discountedRecovery).toBeLessThanOrEqual(d.expectedRecovery);
        if (d.action === 'REFER') expect(d.discountedRecovery).toBeGreaterThanOrEqual(d.cost.total * config.recovery.minimumRecoveryToCost);
        else expect(d.discountedRecovery).toBeLessThan(d.cost.total * config.recovery.minimumRecoveryToCost);
        if (d.action === 'PLACE_WITH_AGENCY') expect(d.agency?.agencyId).toBe(agencyFor(config, b.jurisdiction)?.id);
        expect(decideLegalAction(config, b)).toEqual(d);
      }),
    );
  });

  test('the charge-off is reached exactly when the account is on or past its due day', () => {
    fc.assert(
      fc.property(anyBasis, (raw) => {
        const b = toBasis(raw);
        const c = chargeOffDue(config, b);
        expect(c.reached).toBe(c.dueOn !== null && b.asOf >= c.dueOn);
      }),
    );
  });
});

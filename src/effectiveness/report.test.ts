/**
 * Every metric of the effectiveness report on a small history in real Postgres (fixture.ts),
 * against figures worked out by hand. The test database is this file's own: the views
 * read every record.
 */
import { createPool, type Pool } from '../db/pool';
import { ownTestDatabase } from '../../test/own-database';
import { FIXTURE_COSTS, writeEffectivenessFixture } from './fixture';
import { buildEffectivenessReport } from './report';
import type { EffectivenessReport, ReportGroup } from './report-schema';

let pool: Pool;
const QUARTER = { from: '2026-01-01', to: '2026-03-31' };

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('effectiveness'), 3);
  await writeEffectivenessFixture(pool);
});
afterAll(async () => pool?.end());

const groupOf = (report: EffectivenessReport, key: string): ReportGroup => {
  const group = report.groups.find((g) => g.key === key);
  if (!group) throw new Error(`no group ${key} in ${report.groups.map((g) => g.key).join(', ')}`);
  return group;
};

describe('effectiveness report by treatment, first quarter 2026, cure within 30 days', () => {
  let report: EffectivenessReport;
  beforeAll(async () => {
    report = await buildEffectivenessReport(pool, { ...QUARTER, by: 'treatment', cureWithinDays: 30 }, FIXTURE_COSTS);
  });

  it('cure rate: entries cured within N days / entries (A1 in 10 days counts, A3 in 48 does not)', () => {
    expect(report.groups.map((g) => g.key)).toEqual(['fast', 'gentle']);
    expect(groupOf(report, 'gentle').cureRate).toEqual({ hits: 1, of: 3, rate: 1 / 3 });
    expect(groupOf(report, 'fast').cureRate).toEqual({ hits: 1, of: 2, rate: 0.5 });
    expect(report.total.cureRate).toEqual({ hits: 2, of: 5, rate: 0.4 });
  });

  it('amount recovered and liquidation rate: payments within an episode, neither reversed nor before the entry', () => {
    expect(groupOf(report, 'gentle')).toMatchObject({ balanceEntering: 4500, collectedOnEntries: 1800, liquidationRate: 0.4, amountRecovered: 1800 });
    expect(groupOf(report, 'fast')).toMatchObject({ balanceEntering: 7000, collectedOnEntries: 7000, liquidationRate: 1, amountRecovered: 7000 });
    expect(report.total).toMatchObject({ balanceEntering: 11500, collectedOnEntries: 8800, amountRecovered: 8800 });
    expect(report.recoveredByMonth).toEqual([
      { month: '2026-02', key: 'gentle', amount: 1300 },
      { month: '2026-03', key: 'fast', amount: 7000 },
      { month: '2026-03', key: 'gentle', amount: 500 },
    ]);
  });

  it('promise-kept rate: kept / promises due and settled (a pending promise is not counted)', () => {
    expect(groupOf(report, 'gentle').promiseKeptRate).toEqual({ hits: 1, of: 3, rate: 1 / 3 });
    expect(groupOf(report, 'fast').promiseKeptRate).toEqual({ hits: 1, of: 1, rate: 1 });
    expect(report.total.promiseKeptRate).toEqual({ hits: 2, of: 4, rate: 0.5 });
  });

  it('right-party-contact rate: calls reaching the borrower / calls connected (unanswered calls are not connected)', () => {
    expect(groupOf(report, 'gentle').rightPartyContactRate).toEqual({ hits: 1, of: 2, rate: 0.5 });
    expect(groupOf(report, 'fast').rightPartyContactRate).toEqual({ hits: 0, of: 1, rate: 0 });
  });

  it('appointment and visit success: confirmed / proposed; visits followed by a payment within 30 days / visits', () => {
    expect(groupOf(report, 'gentle').appointmentConfirmedRate).toEqual({ hits: 0, of: 1, rate: 0 });
    expect(groupOf(report, 'fast').appointmentConfirmedRate).toEqual({ hits: 1, of: 1, rate: 1 });
    expect(groupOf(report, 'gentle').visitSuccessRate).toEqual({ hits: 0, of: 0, rate: null });
    expect(groupOf(report, 'fast').visitSuccessRate).toEqual({ hits: 1, of: 1, rate: 1 });
    expect(report.planCompletionRate).toBeNull();
  });

  it('share of contacts blocked by policy, by rule: refused / asked for (made, failed or refused)', () => {
    expect(groupOf(report, 'gentle').contactsBlockedShare).toEqual({ hits: 1, of: 6, rate: 1 / 6 });
    expect(groupOf(report, 'fast').contactsBlockedShare).toEqual({ hits: 1, of: 4, rate: 0.25 });
    expect(report.blockedByRule).toEqual([
      { rule: 'CONTACT_HOURS', blocked: 1, share: 0.1 },
      { rule: 'OPT_OUT', blocked: 1, share: 0.1 },
    ]);
  });

  it('cost per unit recovered: units priced by the cost config / amount recovered', () => {
    // gentle: 2 SMS × 5 + 2 connected calls × 4 min × 80 + 1 unanswered × 0.5 min × 80 = 690
    // fast: 1 connected call 320 + 1 e-mail 1 + 1 visit 12000 = 12321 (the failed SMS costs nothing)
    expect(groupOf(report, 'gentle')).toMatchObject({ collectionCost: 690, costPerUnitRecovered: 690 / 1800 });
    expect(groupOf(report, 'fast')).toMatchObject({ collectionCost: 12321, costPerUnitRecovered: 12321 / 7000 });
    expect(report.total.costPerUnitRecovered).toBe(13011 / 8800);
    expect(report.costByUnit).toEqual([
      { unit: 'SMS', count: 2, cost: 10 },
      { unit: 'EMAIL', count: 1, cost: 1 },
      { unit: 'CALL_CONNECTED', count: 3, cost: 960 },
      { unit: 'CALL_UNANSWERED', count: 1, cost: 40 },
      { unit: 'VISIT', count: 1, cost: 12000 },
    ]);
  });

  it('cure curves: share of the entries cured by day d', () => {
    const at = (key: string, day: number) => report.cureCurves.find((c) => c.key === key && c.day === day)?.curedShare;
    expect([at('gentle', 7), at('gentle', 14), at('gentle', 180)]).toEqual([0, 1 / 3, 1 / 3]);
    expect([at('fast', 0), at('fast', 3), at('fast', 45), at('fast', 60)]).toEqual([0, 0.5, 0.5, 1]);
  });
});

it('roll rates: last screening of January to last of February, absent = CURRENT, CURRENT from the run count', async () => {
  const report = await buildEffectivenessReport(pool, { from: '2026-01-01', to: '2026-02-28' }, FIXTURE_COSTS);
  expect(report.rollRateMonths).toBe(1);
  expect(report.rollRates).toEqual([
    { fromBucket: 'CURRENT', toBucket: 'CURRENT', accounts: 9, fromAccounts: 10, rate: 0.9 },
    { fromBucket: 'CURRENT', toBucket: '1-30', accounts: 1, fromAccounts: 10, rate: 0.1 },
    { fromBucket: '1-30', toBucket: 'CURRENT', accounts: 1, fromAccounts: 2, rate: 0.5 },
    { fromBucket: '1-30', toBucket: '31-60', accounts: 1, fromAccounts: 2, rate: 0.5 },
    { fromBucket: '31-60', toBucket: '61-90', accounts: 1, fromAccounts: 1, rate: 1 },
  ]);
});

it('groups by bucket at entry and by experiment arm, and compares champion and challenger', async () => {
  const byBucket = await buildEffectivenessReport(pool, { ...QUARTER, by: 'bucket' }, FIXTURE_COSTS);
  expect(byBucket.groups.map((g) => [g.key, g.cureRate.hits, g.cureRate.of])).toEqual([
    ['1-30', 2, 4],
    ['31-60', 0, 1],
  ]);
  const byArm = await buildEffectivenessReport(pool, { ...QUARTER, by: 'experiment' }, FIXTURE_COSTS);
  expect(byArm.groups.map((g) => [g.key, g.cureRate.hits, g.cureRate.of, g.amountRecovered])).toEqual([
    ['none', 1, 3, 1800],
    ['trial:challenger', 1, 1, 4000],
    ['trial:champion', 0, 1, 3000],
  ]);
  // one run per arm: 0/1 against 1/1, pooled ½: z = 1/√(½·½·2) = 1.414, p = 0.157
  expect(byArm.experiments).toHaveLength(1);
  expect(byArm.experiments[0]).toMatchObject({ experiment: 'trial', champion: { key: 'trial:champion' }, challenger: { key: 'trial:challenger' }, cureRateDifference: { difference: 1, significant: false } });
  expect(byArm.experiments[0]!.cureRateDifference.pValue).toBeCloseTo(0.1573, 3);
  expect(byArm.experiments[0]!.verdict).toContain('not yet significant');
  expect(byBucket.experiments).toEqual([]);
});

it('refuses a period that ends before it starts, and a bad dimension, before reading anything', async () => {
  await expect(buildEffectivenessReport(pool, { from: '2026-03-01', to: '2026-02-01' }, FIXTURE_COSTS)).rejects.toThrow('starts (2026-03-01) after it ends');
  await expect(buildEffectivenessReport(pool, { by: 'agent' as never }, FIXTURE_COSTS)).rejects.toThrow();
});

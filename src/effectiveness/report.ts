/**
 * Builds the effectiveness report (SPEC §6) for a period, grouped by bucket, treatment or
 * experiment arm: the rates of the effectiveness views, amounts recovered, liquidation,
 * cost per unit recovered, blocked contacts by rule, the roll-rate matrix, cure curves and
 * recovery by month. Totals are the groups' numerators and denominators summed.
 */
import { BUCKETS } from '../domain/buckets';
import { isoDateOf } from '../domain/dates';
import type { Queryable } from '../db/pool';
import { compareProportions, verdictOf } from './compare-arms';
import { COST_UNITS, costOf, type CollectionCosts, type CostUnit } from './costs';
import { costUnits, daysToCure, entryCounts, factCounts, recoveredByMonth, rollRateMatrix, type Period } from './queries';
import { DEFINITIONS, reportRequestSchema, type EffectivenessReport, type Rate, type ReportGroup, type ReportRequest } from './report-schema';

/** The days the cure curves are drawn at. */
const CURVE_DAYS = [0, 3, 7, 14, 21, 30, 45, 60, 90, 120, 180];

const rate = (hits: number, of: number): Rate => ({ hits, of, rate: of === 0 ? null : hits / of });
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** The period: `to` defaults to today (UTC), `from` to a year before it. */
export function periodOf(request: { from?: string; to?: string }, today: Date = new Date()): Period {
  const to = request.to ?? isoDateOf(today);
  const yearBefore = new Date(`${to}T00:00:00Z`);
  yearBefore.setUTCFullYear(yearBefore.getUTCFullYear() - 1);
  const from = request.from ?? isoDateOf(yearBefore);
  if (from > to) throw new RangeError(`the period starts (${from}) after it ends (${to})`);
  return { from, to };
}

interface Tally {
  entries: number;
  cured: number;
  balanceEntering: number;
  collected: number;
  recovered: number;
  cost: number;
  facts: Map<string, { hits: number; of: number }>;
}

const emptyTally = (): Tally => ({ entries: 0, cured: 0, balanceEntering: 0, collected: 0, recovered: 0, cost: 0, facts: new Map() });

function groupOf(key: string, t: Tally): ReportGroup {
  const fact = (metric: string) => {
    const f = t.facts.get(metric);
    return rate(f?.hits ?? 0, f?.of ?? 0);
  };
  return {
    key,
    cureRate: rate(t.cured, t.entries),
    promiseKeptRate: fact('PROMISE_KEPT'),
    rightPartyContactRate: fact('RIGHT_PARTY_CONTACT'),
    appointmentConfirmedRate: fact('APPOINTMENT_CONFIRMED'),
    visitSuccessRate: fact('VISIT_SUCCESS'),
    contactsBlockedShare: fact('CONTACT_BLOCKED'),
    balanceEntering: t.balanceEntering,
    collectedOnEntries: t.collected,
    liquidationRate: ratio(t.collected, t.balanceEntering),
    amountRecovered: t.recovered,
    collectionCost: t.cost,
    costPerUnitRecovered: ratio(t.cost, t.recovered),
  };
}

/** by=experiment: the groups `<experiment>:champion` and `<experiment>:challenger`, compared. */
function experimentComparisons(groups: ReportGroup[]): EffectivenessReport['experiments'] {
  const arm = (id: string, which: string) => groups.find((g) => g.key === `${id}:${which}`);
  const ids = [...new Set(groups.map((g) => g.key.split(':')).filter((parts) => parts.length === 2).map(([id]) => id!))].sort();
  return ids.flatMap((experiment) => {
    const champion = arm(experiment, 'champion');
    const challenger = arm(experiment, 'challenger');
    if (!champion || !challenger) return [];
    const cureRateDifference = compareProportions(champion.cureRate, challenger.cureRate);
    return [{ experiment, champion, challenger, cureRateDifference, verdict: verdictOf(cureRateDifference) }];
  });
}

/** Orders the groups: buckets in their order, anything else by name. */
function groupOrder(keys: string[]): string[] {
  const rank = (k: string) => {
    const i = (BUCKETS as readonly string[]).indexOf(k);
    return i === -1 ? BUCKETS.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export async function buildEffectivenessReport(db: Queryable, request: ReportRequest, costs: CollectionCosts, today: Date = new Date()): Promise<EffectivenessReport> {
  const { by, cureWithinDays, ...dates } = reportRequestSchema.parse(request);
  const period = periodOf(dates, today);
  const [entries, curves, recovered, facts, units, roll] = await Promise.all([
    entryCounts(db, period, by, cureWithinDays),
    daysToCure(db, period, by),
    recoveredByMonth(db, period, by),
    factCounts(db, period, by),
    costUnits(db, period, by),
    rollRateMatrix(db, period),
  ]);

  const tallies = new Map<string, Tally>();
  const tally = (key: string) => {
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = emptyTally()));
    return t;
  };
  const total = emptyTally();
  const both = (key: string, add: (t: Tally) => void) => {
    add(tally(key));
    add(total);
  };
  for (const e of entries) {
    both(e.key, (t) => {
      t.entries += e.entries;
      t.cured += e.cured;
      t.balanceEntering += e.balance_entering;
      t.collected += e.collected;
    });
  }
  for (const r of recovered) both(r.key, (t) => (t.recovered += r.amount));
  const blocked = new Map<string, number>();
  for (const f of facts) {
    if (f.rule !== null) {
      blocked.set(f.rule, (blocked.get(f.rule) ?? 0) + f.hits);
      continue;
    }
    both(f.key, (t) => {
      const sum = t.facts.get(f.metric) ?? { hits: 0, of: 0 };
      t.facts.set(f.metric, { hits: sum.hits + f.hits, of: sum.of + f.of });
    });
  }
  const unitCounts = new Map<CostUnit, number>();
  for (const u of units) {
    const unit = u.unit as CostUnit;
    unitCounts.set(unit, (unitCounts.get(unit) ?? 0) + u.units);
    both(u.key, (t) => (t.cost += costOf(unit, u.units, costs)));
  }

  const fromCounts = new Map<string, number>();
  for (const r of roll) fromCounts.set(r.from_bucket, (fromCounts.get(r.from_bucket) ?? 0) + r.accounts);
  const bucketRank = (b: string) => (BUCKETS as readonly string[]).indexOf(b);
  const rollRates = roll
    .map((r) => ({ fromBucket: r.from_bucket, toBucket: r.to_bucket, accounts: r.accounts, fromAccounts: fromCounts.get(r.from_bucket) ?? 0, rate: ratio(r.accounts, fromCounts.get(r.from_bucket) ?? 0) }))
    .sort((a, b) => bucketRank(a.fromBucket) - bucketRank(b.fromBucket) || bucketRank(a.toBucket) - bucketRank(b.toBucket));

  const entered = new Map<string, number>();
  for (const c of curves) entered.set(c.key, (entered.get(c.key) ?? 0) + c.entries);
  const cureCurves = groupOrder([...entered.keys()]).flatMap((key) =>
    CURVE_DAYS.map((day) => {
      const cured = curves.filter((c) => c.key === key && c.days_to_cure !== null && c.days_to_cure <= day).reduce((n, c) => n + c.entries, 0);
      return { key, day, curedShare: cured / (entered.get(key) ?? 1) };
    }),
  );

  const groups = groupOrder([...tallies.keys()]).map((key) => groupOf(key, tallies.get(key)!));
  const totalFacts = total.facts.get('CONTACT_BLOCKED')?.of ?? 0;
  return {
    ...period,
    by,
    cureWithinDays,
    currency: costs.currency,
    costConfigVersion: costs.version,
    definitions: DEFINITIONS,
    groups,
    total: groupOf('all', total),
    blockedByRule: [...blocked.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, n]) => ({ rule, blocked: n, share: ratio(n, totalFacts) })),
    costByUnit: COST_UNITS.filter((u) => unitCounts.has(u)).map((unit) => ({ unit, count: unitCounts.get(unit)!, cost: costOf(unit, unitCounts.get(unit)!, costs) })),
    rollRates,
    rollRateMonths: roll.reduce((n, r) => Math.max(n, r.months), 0),
    cureCurves,
    recoveredByMonth: recovered.map((r) => ({ month: r.month, key: r.key, amount: r.amount })),
    experiments: by === 'experiment' ? experimentComparisons(groups) : [],
    planCompletionRate: null,
  };
}

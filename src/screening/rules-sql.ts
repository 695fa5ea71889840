/**
 * The screening rules as SQL expressions over a row of account_figures (alias `f`),
 * so that the whole book is judged inside the one set-based pass. Every number and
 * name from the config travels as a bind parameter, never as SQL text.
 */
import { BUCKETS, bucketFor, type Bucket } from '../domain/buckets';
import type { RiskTierRule, ScreeningConfig } from './config';

/** Collects bind parameters and hands out their placeholders ($1, $2, …). */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/**
 * The bucket of a days-past-due expression. The bounds are read off bucketFor (the
 * domain's one definition) rather than written twice: walking the days upwards, every
 * change of label is a bound.
 */
export function bucketSql(dpd: string): string {
  const bounds: { upTo: number; bucket: Bucket }[] = [];
  const LONGEST_BOUND_LOOKED_FOR = 10_000;
  for (let day = 0; day <= LONGEST_BOUND_LOOKED_FOR; day++) {
    if (bucketFor(day + 1) !== bucketFor(day)) bounds.push({ upTo: day, bucket: bucketFor(day) });
  }
  const last = bucketFor(LONGEST_BOUND_LOOKED_FOR + 1);
  for (const b of [...bounds.map((x) => x.bucket), last]) {
    if (!BUCKETS.includes(b) || !/^[A-Z0-9+-]+$/.test(b)) throw new Error(`unexpected bucket label ${b}`);
  }
  const whens = bounds.map(({ upTo, bucket }) => `WHEN ${dpd} <= ${upTo} THEN '${bucket}'`).join(' ');
  return `CASE ${whens} ELSE '${last}' END`;
}

function conditionsSql(rule: RiskTierRule, params: SqlParams): string {
  const { daysPastDueAtLeast, onTimeRatioBelow, shareRepaidBelow, longestLatenessDaysAtLeast } = rule.anyOf;
  const any: string[] = [];
  if (daysPastDueAtLeast !== undefined) any.push(`f.days_past_due >= ${params.add(daysPastDueAtLeast, 'integer')}`);
  // a ratio is NULL while nothing has fallen due: no evidence, so the condition is not met
  if (onTimeRatioBelow !== undefined) any.push(`f.on_time_ratio < ${params.add(onTimeRatioBelow, 'float8')}`);
  if (shareRepaidBelow !== undefined) any.push(`f.share_repaid < ${params.add(shareRepaidBelow, 'float8')}`);
  if (longestLatenessDaysAtLeast !== undefined) any.push(`f.longest_lateness_days >= ${params.add(longestLatenessDaysAtLeast, 'integer')}`);
  return any.join(' OR ');
}

/** The risk tier: the first rule with a condition met, else the default tier. */
export function riskTierSql(config: ScreeningConfig, params: SqlParams): string {
  const whens = config.riskTiers.map((rule) => `WHEN ${conditionsSql(rule, params)} THEN ${params.add(rule.tier, 'text')}`);
  // no rules at all (the schema allows it): every account gets the default tier (a CASE needs a WHEN)
  if (whens.length === 0) return params.add(config.defaultTier, 'text');
  return `CASE ${whens.join(' ')} ELSE ${params.add(config.defaultTier, 'text')} END`;
}

/** The risk tier from a score: the first cut-off the score is under (lower = riskier), else the default tier. */
export function scoreTierSql(tiers: readonly { tier: string; scoreBelow: number }[], defaultTier: string, score: string, params: SqlParams): string {
  const whens = tiers.map((t) => `WHEN ${score} < ${params.add(t.scoreBelow, 'integer')} THEN ${params.add(t.tier, 'text')}`);
  return `CASE ${whens.join(' ')} ELSE ${params.add(defaultTier, 'text')} END`;
}

/**
 * The priority of an overdue account (see config.ts for the formula), rounded to 6
 * decimals so that ranks are reproducible.
 */
export function prioritySql(config: ScreeningConfig, params: SqlParams, columns: { amount: string; dpd: string; tier: string }): string {
  const { amountWeight, daysPastDueWeight, daysPastDueCap, tierWeights } = config.priority;
  const tierWeight = `CASE ${columns.tier} ${Object.entries(tierWeights)
    .map(([tier, weight]) => `WHEN ${params.add(tier, 'text')} THEN ${params.add(weight, 'float8')}`)
    .join(' ')} ELSE 0 END`;
  const cap = params.add(daysPastDueCap, 'float8');
  return `round((${params.add(amountWeight, 'float8')} * log(1 + ${columns.amount}::float8)
    + ${params.add(daysPastDueWeight, 'float8')} * least(${columns.dpd}::float8, ${cap}) / ${cap}
    + ${tierWeight})::numeric, 6)`;
}

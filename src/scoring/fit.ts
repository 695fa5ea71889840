/**
 * `arrears score fit`: a binned logistic scorecard fitted on the book's own history.
 *
 * Features are read as of `asOf` (payments value-dated through it), the outcome from the
 * same book at `outcomeAt`. An account's state at a date is its bucket: the one the core
 * reported on its latest statement cut by then, where the book carries that status
 * (cycles past due n stands for n × 30 days, as in uci-agreement.ts), else the one
 * screening the book gives (days past due). An account is bad when its state at
 * `outcomeAt`, from a statement cut after `asOf` or from the screening then, is 31-60 or
 * worse (a second cycle missed) or worse than its state at `asOf`. Nothing outside the
 * book is read: no dataset labels.
 *
 * A fixed share of the accounts (by a hash of the account id: the same accounts each
 * time) is held out; the bins, their weights of evidence and the logistic fit see only
 * the rest, and the report (AUC, KS, Gini, bad rate per score band, and the tier rules'
 * AUC for comparison) is measured on the holdout, scored by the same SQL the screening
 * runs.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import { isoDateSchema } from '../domain/dates';
import { issueLines } from '../domain/input-problems';
import type { ScreeningConfig } from '../screening/config';
import { riskTierSql, SqlParams } from '../screening/rules-sql';
import { binFeature, binOf, informationValue, type Bin } from './binning';
import { bucketIndexSql, FEATURES, featuresSql, type Feature } from './features-sql';
import { fitLogistic } from './logistic';
import { kolmogorovSmirnov, rocAuc, scoreBands, type Scored } from './metrics';
import { scaledPoints, type FitReport, type ScoreModel } from './model';
import { scoreSql } from './score-sql';

export const OUTCOME = 'the state at the outcome date (the core\'s reported status of a statement cut since the as-of date, else the screening\'s bucket) is 31-60 or worse, or worse than at the as-of date';

export const fitOptionsSchema = z
  .strictObject({
    asOf: isoDateSchema,
    outcomeAt: isoDateSchema,
    holdoutShare: z.number().gt(0).lt(1).default(0.3),
    maxBins: z.number().int().min(2).max(20).default(10),
    minBinShare: z.number().gt(0).lt(0.5).default(0.02),
    maxCorrelation: z.number().gt(0).max(1).default(0.8),
    // 1: the one pair of dates; n: also the n - 1 pairs a month, two months … earlier
    periods: z.number().int().min(1).max(24).default(1),
    minInformationValue: z.number().min(0).default(0.02),
  })
  .refine((o) => o.outcomeAt > o.asOf, { path: ['outcomeAt'], message: 'the outcome date comes after the as-of date' });
export type FitOptions = z.input<typeof fitOptionsSchema>;

type Row = { account_id: string; bad: boolean; rule_tier: string } & Record<Feature, number | null>;

const rowSchema = z.object({ account_id: z.string(), bad: z.boolean(), rule_tier: z.string(), state_now: z.number().int(), state_later: z.number().int(), ...Object.fromEntries(FEATURES.map((f) => [f, z.number().nullable()])) });

/** Whether an account is in the holdout: a hash of its id, so the same accounts every time. */
export function inHoldout(accountId: string, share: number): boolean {
  return createHash('sha256').update(accountId).digest().readUInt32BE(0) / 2 ** 32 < share;
}

/** The rules' tiers as a ranking: the first tier of the config is the riskiest. */
function ruleRank(config: ScreeningConfig): (tier: string) => number {
  const order = [...config.riskTiers.map((r) => r.tier), config.defaultTier];
  return (tier) => order.indexOf(tier);
}

async function readTrainingBook(db: Queryable, asOf: string, outcomeAt: string, config: ScreeningConfig): Promise<Row[]> {
  const params = new SqlParams();
  const at = params.add(asOf, 'date');
  const later = params.add(outcomeAt, 'date');
  const tier = riskTierSql(config, params);
  const reported = (cycles: string) => bucketIndexSql(`greatest(${cycles}, 0) * 30`);
  const { rows } = await db.query(
    `SELECT s.*, (s.state_later >= 2 OR s.state_later > s.state_now) AS bad
     FROM (
       SELECT f.account_id, ${FEATURES.map((c) => `f.${c}::float8 AS ${c}`).join(', ')}, ${tier} AS rule_tier,
              CASE WHEN f.reported_status IS NULL THEN f.bucket ELSE ${reported('f.reported_status')} END AS state_now,
              CASE WHEN later.cycles IS NULL THEN ${bucketIndexSql('o.days_past_due')} ELSE ${reported('later.cycles')} END AS state_later
       FROM (${featuresSql(`account_figures(${at}, ${at})`, at, at)}) f
       JOIN account_figures(${later}, ${later}) o ON o.account_id = f.account_id
       LEFT JOIN LATERAL (
         SELECT i.reported_cycles_past_due AS cycles FROM installments i
         WHERE i.account_id = f.account_id AND i.statement_date >= ${at} AND i.statement_date < ${later} AND i.reported_cycles_past_due IS NOT NULL
         ORDER BY i.statement_date DESC LIMIT 1
       ) later ON true
       WHERE f.status = 'OPEN'
     ) s`,
    params.values,
  );
  return rows.map((r) => rowSchema.parse(r) as unknown as Row);
}

/** Every open account's score as of a date under a model (the screening's expression). */
export async function scoreBook(db: Queryable, model: Pick<ScoreModel, 'basePoints' | 'cards'>, asOf: string, paymentsThrough: string | null): Promise<Map<string, number>> {
  const params = new SqlParams();
  const at = params.add(asOf, 'date');
  const through = params.add(paymentsThrough, 'date');
  const score = scoreSql(model, params);
  const { rows } = await db.query(
    `SELECT f.account_id, ${score} AS score FROM (${featuresSql(`account_figures(${at}, ${through})`, at, through)}) f WHERE f.status = 'OPEN'`,
    params.values,
  );
  return new Map(rows.map((r) => [z.string().parse(r.account_id), z.number().int().parse(r.score)]));
}

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

function correlation(a: number[], b: number[]): number {
  const n = a.length;
  const meanA = a.reduce((s, v) => s + v, 0) / n;
  const meanB = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < n; k++) {
    const da = (a[k] ?? 0) - meanA;
    const db = (b[k] ?? 0) - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

const rowsOf = (kept: { column: number[] }[], n: number) => Array.from({ length: n }, (_, k) => kept.map((c) => c.column[k] ?? 0));

/** The feature whose coefficient is the most positive (WoE is ln(good/bad): a bad's log-odds must fall with it); -1: none. */
function wrongSign(coefficients: number[]): number {
  let worst = -1;
  coefficients.forEach((c, j) => {
    if (c > 0 && (worst < 0 || c > (coefficients[worst] ?? 0))) worst = j;
  });
  return worst;
}

export async function fitScoreModel(db: Queryable, options: FitOptions, config: ScreeningConfig): Promise<ScoreModel> {
  const parsedOptions = fitOptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw new Error(`cannot fit: ${issueLines(parsedOptions.error).join('; ')}`);
  const opts = parsedOptions.data;
  const book = await readTrainingBook(db, opts.asOf, opts.outcomeAt, config);
  // Earlier periods train too (the same book a month, two … earlier), never their holdout
  // accounts: the report stays on the holdout of the dates asked for.
  const earlier: Row[] = [];
  for (let back = 1; back < opts.periods; back++) earlier.push(...(await readTrainingBook(db, monthsBefore(opts.asOf, back), monthsBefore(opts.outcomeAt, back), config)));
  const train = [...book, ...earlier].filter((r) => !inHoldout(r.account_id, opts.holdoutShare));
  const holdout = book.filter((r) => inHoldout(r.account_id, opts.holdoutShare));
  const trainBad = train.map((r) => r.bad);
  if (!trainBad.includes(true) || !trainBad.includes(false)) throw new Error(`the book as of ${opts.asOf} has ${trainBad.includes(true) ? 'no good' : 'no bad'} accounts at ${opts.outcomeAt} to fit on`);

  const binned: { feature: Feature; bins: Bin[]; informationValue: number }[] = FEATURES.map((feature) => {
    const bins = binFeature(train.map((r) => r[feature]), trainBad, { maxBins: opts.maxBins, minShare: opts.minBinShare });
    return { feature, bins, informationValue: informationValue(bins) };
  });
  const informative = binned.filter((b) => b.bins.length > 1 && b.informationValue >= opts.minInformationValue).sort((a, b) => b.informationValue - a.informationValue);
  const woeColumn = (k: (typeof binned)[number]) => train.map((r) => binOf(k.bins, r[k.feature])?.weightOfEvidence ?? 0);
  // Strongest first; a feature telling what a stronger one already tells (its evidence
  // correlated beyond maxCorrelation) is left out: twins would share their weight in
  // unstable, opposite-signed points.
  let kept: { bin: (typeof binned)[number]; column: number[] }[] = [];
  for (const candidate of informative) {
    const column = woeColumn(candidate);
    if (kept.every((k) => Math.abs(correlation(k.column, column)) <= opts.maxCorrelation)) kept.push({ bin: candidate, column });
  }
  // Every kept feature must point the way its evidence does (more evidence of good, less
  // risk): one whose coefficient comes out the other way is left out and the fit redone.
  let fit = fitLogistic(rowsOf(kept, train.length), trainBad);
  for (let worst = wrongSign(fit.coefficients); worst >= 0 && kept.length > 1; worst = wrongSign(fit.coefficients)) {
    kept = kept.filter((_, j) => j !== worst);
    fit = fitLogistic(rowsOf(kept, train.length), trainBad);
  }
  const dropped = binned.filter((b) => !kept.some((k) => k.bin === b)).map((b) => ({ feature: b.feature, informationValue: b.informationValue }));
  const scaled = scaledPoints(
    fit.intercept,
    kept.map((k, j) => ({ feature: k.bin.feature, coefficient: fit.coefficients[j] ?? 0, bins: k.bin.bins })),
  );

  const scores = await scoreBook(db, scaled, opts.asOf, opts.asOf);
  const rank = ruleRank(config);
  const scored: Scored[] = holdout.map((r) => ({ score: scores.get(r.account_id) ?? Number.NaN, bad: r.bad }));
  const byRules: Scored[] = holdout.map((r) => ({ score: rank(r.rule_tier), bad: r.bad }));
  const auc = rocAuc(scored);
  const report: FitReport = {
    outcome: OUTCOME,
    trainAccounts: train.length,
    trainBads: trainBad.filter(Boolean).length,
    holdoutAccounts: holdout.length,
    holdoutBads: holdout.filter((r) => r.bad).length,
    auc,
    gini: 2 * auc - 1,
    ks: kolmogorovSmirnov(scored),
    rulesAuc: rocAuc(byRules),
    bands: scoreBands(scored, 5),
    features: kept.map((k, j) => ({ feature: k.bin.feature, informationValue: k.bin.informationValue, coefficient: fit.coefficients[j] ?? 0 })),
    dropped,
    iterations: fit.iterations,
    converged: fit.converged,
  };
  const digest = createHash('sha256').update(JSON.stringify(scaled)).digest('hex').slice(0, 8);
  return { version: `score-${opts.asOf}-${opts.outcomeAt}-${digest}`, asOf: opts.asOf, outcomeAt: opts.outcomeAt, outcome: OUTCOME, ...scaled, report };
}

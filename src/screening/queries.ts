/**
 * The screening's SQL: one set-based pass over the book into a transaction-local
 * table, then the run's counts, its collection list and the changed risk tiers, each
 * one statement. Rows are parsed with zod at this edge.
 */
import { z } from 'zod';
import { BUCKETS } from '../domain/buckets';
import type { IsoDate } from '../domain/dates';
import type { Queryable } from '../db/pool';
import { featuresSql } from '../scoring/features-sql';
import type { ScoreModel } from '../scoring/model';
import { scoreSql } from '../scoring/score-sql';
import type { ScreeningConfig } from './config';
import { bucketSql, prioritySql, riskTierSql, scoreTierSql, SqlParams } from './rules-sql';

/**
 * How a run read the book: every open account (FULL), only those whose figures can have
 * changed since the last run (INCREMENTAL), or as the book stood on an earlier date or
 * with the payments through a date (HISTORICAL: the full pass, and no results kept).
 */
export const SCREENING_PASSES = ['FULL', 'INCREMENTAL', 'HISTORICAL'] as const;
export type ScreeningPass = (typeof SCREENING_PASSES)[number];

export interface ScanInput {
  asOf: IsoDate;
  paymentsThrough: IsoDate | null;
  config: ScreeningConfig;
  /** with a model, the tier comes from its score (config.score.tiers); without, from the rules */
  scoreModel?: ScoreModel;
  /** only these accounts (the incremental run's pass); absent: every account */
  onlyAccounts?: readonly string[];
  /** also the columns each account's last result keeps (results.ts): its figures and when to read it again */
  keepResults?: boolean;
}

/**
 * The rows a run's counts, list and tiers are written from: a relation with the columns
 * of the scan (account_id, previous_tier, the amounts, days_past_due, bucket, score,
 * risk_tier), as SQL text whose parameters go into `params`.
 */
export type ScreenedRows = (params: SqlParams) => string;

/** The pass of this transaction (scanBook). */
export const SCREENED: ScreenedRows = () => 'screened';

/**
 * Where the scan reads its figures, decided here and only here. Every known payment
 * counting (the live daily run): account_figures_live, which reads each account's
 * repayment rollup and only the overdue installments. A payments-through date (a
 * historical screening): account_figures' full pass over the installments, which can
 * leave out the payments after that date. Both give the same figures (figures-live.test.ts).
 */
export function figuresSource(asOf: IsoDate, paymentsThrough: IsoDate | null, params: SqlParams, onlyAccounts?: string): string {
  const asOfParam = params.add(asOf, 'date');
  // some accounts (the placeholder of their ids): the full pass's function on their own
  // installments, an index range each
  if (onlyAccounts) return `account_figures(${asOfParam}, ${params.add(paymentsThrough, 'date')}, ${onlyAccounts})`;
  if (paymentsThrough === null) return `account_figures_live(${asOfParam})`;
  return `account_figures(${asOfParam}, ${params.add(paymentsThrough, 'date')})`;
}

/**
 * What an account's last result keeps beyond the scan's columns (results.ts): the figures
 * the date alone cannot change, and rescreen_on, the first date from which they can: the
 * day after its next installment falls due, or the next day while a payment value-dated
 * after the date settles an installment (the rollup's settled_last_on).
 */
function resultColumnsSql(asOf: string, onlyAccounts: string | undefined): { columns: string; joins: string } {
  const only = onlyAccounts ? `AND i.account_id = ANY (${onlyAccounts})` : '';
  return {
    columns: `, f.oldest_unpaid_due_date, f.on_time_ratio, f.share_repaid, f.longest_lateness_days,
            least(n.next_due_date + 1, CASE WHEN rs.settled_last_on > ${asOf} THEN ${asOf} + 1 END) AS rescreen_on`,
    joins: `LEFT JOIN (SELECT i.account_id, min(i.due_date) AS next_due_date FROM installments i
                       WHERE i.due_date >= ${asOf} ${only} GROUP BY i.account_id) n ON n.account_id = f.account_id
     LEFT JOIN account_repayment_state rs ON rs.account_id = f.account_id`,
  };
}

/**
 * The one pass: every open account judged as of the date (bucket, score and tier
 * included). With a score model the figures are joined with the behaviour features and
 * scored in the same statement; without one, neither is read.
 */
export function scanQuery({ asOf, paymentsThrough, config, scoreModel, onlyAccounts, keepResults = false }: ScanInput): { text: string; values: unknown[] } {
  const params = new SqlParams();
  const only = onlyAccounts ? params.add(onlyAccounts, 'text[]') : undefined;
  let source: string;
  let score: string;
  let tier: string;
  if (scoreModel && config.score) {
    const asOfParam = params.add(asOf, 'date');
    const throughParam = params.add(paymentsThrough, 'date');
    const figures = figuresSource(asOf, paymentsThrough, params, only);
    source = `(SELECT f.*, ${scoreSql(scoreModel, params)} AS score FROM (${featuresSql(figures, asOfParam, throughParam)}) f WHERE f.status = 'OPEN')`;
    score = 'f.score';
    tier = scoreTierSql(config.score.tiers, config.defaultTier, 'f.score', params);
  } else {
    source = figuresSource(asOf, paymentsThrough, params, only);
    score = 'NULL::integer';
    tier = riskTierSql(config, params);
  }
  const kept = keepResults ? resultColumnsSql(params.add(asOf, 'date'), only) : { columns: '', joins: '' };
  const text = `SELECT f.account_id, f.risk_tier AS previous_tier,
            f.amount_overdue, f.overdue_principal, f.overdue_interest, f.overdue_fees, f.days_past_due,
            ${bucketSql('f.days_past_due')} AS bucket,
            ${score} AS score,
            ${tier} AS risk_tier${kept.columns}
     FROM ${source} f
     ${kept.joins}
     WHERE f.status = 'OPEN'`;
  return { text, values: params.values };
}

/**
 * Memory for the scan's hash aggregate (one entry per account): without it a large
 * book spills to disk in batches. Local to the caller's transaction.
 */
export async function tuneScanTransaction(db: Queryable): Promise<void> {
  await db.query(`SET LOCAL work_mem = '256MB'`);
}

/**
 * The pass, kept for the rest of the transaction. CREATE TABLE AS (unlike
 * INSERT … SELECT) lets the scan run as a parallel plan.
 */
export async function scanBook(db: Queryable, input: ScanInput, table = 'screened'): Promise<void> {
  const { text, values } = scanQuery(input);
  await db.query(`CREATE TEMP TABLE ${table} ON COMMIT DROP AS ${text}`, values);
}

const countRow = z.object({ kind: z.enum(['bucket', 'tier']), label: z.string(), n: z.number().int() });

export interface ScreenedCounts {
  accountsScanned: number;
  overdueAccounts: number;
  countsByBucket: Record<string, number>;
  countsByTier: Record<string, number>;
}

/**
 * Counts per bucket and per tier; every bucket and every configured tier appears, zeros
 * included. `currentByTier`: accounts with nothing overdue counted already, not in the rows.
 */
export async function countScreened(db: Queryable, config: ScreeningConfig, currentByTier: Record<string, number> = {}): Promise<ScreenedCounts> {
  const { rows } = await db.query(
    `SELECT CASE WHEN GROUPING(bucket) = 0 THEN 'bucket' ELSE 'tier' END AS kind,
            coalesce(bucket, risk_tier) AS label, count(*)::int AS n
     FROM screened s GROUP BY GROUPING SETS ((bucket), (risk_tier))`,
  );
  const countsByBucket: Record<string, number> = Object.fromEntries(BUCKETS.map((b) => [b, 0]));
  const countsByTier: Record<string, number> = Object.fromEntries([...config.riskTiers.map((r) => r.tier), config.defaultTier].map((t) => [t, 0]));
  for (const row of rows) {
    const { kind, label, n } = countRow.parse(row);
    if (kind === 'bucket') countsByBucket[label] = n;
    else countsByTier[label] = n;
  }
  for (const [tier, n] of Object.entries(currentByTier)) {
    countsByBucket.CURRENT = (countsByBucket.CURRENT ?? 0) + n;
    countsByTier[tier] = (countsByTier[tier] ?? 0) + n;
  }
  const accountsScanned = Object.values(countsByBucket).reduce((a, b) => a + b, 0);
  return { accountsScanned, overdueAccounts: accountsScanned - (countsByBucket.CURRENT ?? 0), countsByBucket, countsByTier };
}

/** The ranked list: only accounts with something overdue; rank 1 = the highest priority. */
export async function writeCollectionList(db: Queryable, screeningRunId: number, config: ScreeningConfig): Promise<number> {
  const params = new SqlParams();
  const runParam = params.add(screeningRunId, 'bigint');
  const priority = prioritySql(config, params, { amount: 's.amount_overdue', dpd: 's.days_past_due', tier: 's.risk_tier' });
  const { rowCount } = await db.query(
    `INSERT INTO collection_list (screening_run_id, rank, account_id, amount_overdue, overdue_principal, overdue_interest,
                                  overdue_fees, days_past_due, bucket, risk_tier, priority, score)
     SELECT ${runParam}, row_number() OVER (ORDER BY p.priority DESC, p.days_past_due DESC, p.amount_overdue DESC, p.account_id),
            p.account_id, p.amount_overdue, p.overdue_principal, p.overdue_interest, p.overdue_fees,
            p.days_past_due, p.bucket, p.risk_tier, p.priority, p.score
     FROM (SELECT s.*, ${priority} AS priority FROM screened s WHERE s.amount_overdue > 0) p`,
    params.values,
  );
  return rowCount ?? 0;
}

/**
 * Writes the tier to the accounts whose tier changed (the tier the workflows show). Only
 * rows whose tier differs from their previous_tier are candidates, so that a pass of 1M
 * accounts joins only those. Flagged, so that the change capture does not take the
 * screening's own write for a change of the account.
 */
export async function recordRiskTiers(db: Queryable, screened: ScreenedRows = SCREENED): Promise<number> {
  const params = new SqlParams();
  // The candidates first, counted (ANALYZE): usually a few, whose accounts are best probed
  // by key, where an estimate made through the tier rules' CASE would scan all accounts.
  await db.query(
    `CREATE TEMP TABLE tier_changes ON COMMIT DROP AS
     SELECT s.account_id, s.risk_tier FROM ${screened(params)} s WHERE s.risk_tier IS DISTINCT FROM s.previous_tier`,
    params.values,
  );
  await db.query('ANALYZE tier_changes');
  await db.query(`SELECT set_config('arrears.screening_writes_tiers', 'on', true)`);
  const { rowCount } = await db.query(
    `UPDATE accounts a SET risk_tier = t.risk_tier
     FROM tier_changes t
     WHERE t.account_id = a.id AND a.risk_tier IS DISTINCT FROM t.risk_tier`,
  );
  await db.query(`SELECT set_config('arrears.screening_writes_tiers', 'off', true)`);
  await db.query('DROP TABLE tier_changes');
  return rowCount ?? 0;
}

/** Is there a finished run for a later date? Then this one is history and must not overwrite today's tiers. */
export async function laterRunExists(db: Queryable, asOf: IsoDate): Promise<boolean> {
  const { rows } = await db.query('SELECT EXISTS (SELECT 1 FROM screening_runs WHERE as_of > $1::date AND finished_at IS NOT NULL) AS later', [asOf]);
  return z.object({ later: z.boolean() }).parse(rows[0]).later;
}

const runRow = z.object({
  id: z.number().int(),
  as_of: z.string(),
  payments_through: z.string().nullable(),
  config_version: z.string(),
  score_model_version: z.string().nullable(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
  accounts_scanned: z.number().int().nullable(),
  overdue_accounts: z.number().int().nullable(),
  counts_by_bucket: z.record(z.string(), z.number().int()).nullable(),
  counts_by_tier: z.record(z.string(), z.number().int()).nullable(),
  pass: z.enum(SCREENING_PASSES).nullable(),
  accounts_read: z.number().int().nullable(),
});
export type ScreeningRunRow = z.infer<typeof runRow>;

export async function findRunByKey(db: Queryable, idempotencyKey: string): Promise<ScreeningRunRow | undefined> {
  const { rows } = await db.query('SELECT * FROM screening_runs WHERE idempotency_key = $1', [idempotencyKey]);
  return rows[0] ? runRow.parse(rows[0]) : undefined;
}

export async function insertRun(
  db: Queryable,
  run: { idempotencyKey: string; asOf: IsoDate; paymentsThrough: IsoDate | null; configVersion: string; scoreModelVersion: string | null; startedAt: Date; pass: ScreeningPass },
): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO screening_runs (idempotency_key, as_of, payments_through, config_version, score_model_version, started_at, pass)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [run.idempotencyKey, run.asOf, run.paymentsThrough, run.configVersion, run.scoreModelVersion, run.startedAt, run.pass],
  );
  return z.object({ id: z.number().int() }).parse(rows[0]).id;
}

export async function finishRun(db: Queryable, screeningRunId: number, counts: ScreenedCounts, accountsRead: number): Promise<ScreeningRunRow> {
  const { rows } = await db.query(
    `UPDATE screening_runs
     SET finished_at = clock_timestamp(), accounts_scanned = $2, overdue_accounts = $3, counts_by_bucket = $4, counts_by_tier = $5, accounts_read = $6
     WHERE id = $1 RETURNING *`,
    [screeningRunId, counts.accountsScanned, counts.overdueAccounts, JSON.stringify(counts.countsByBucket), JSON.stringify(counts.countsByTier), accountsRead],
  );
  return runRow.parse(rows[0]);
}

const listRow = z.object({
  rank: z.number().int(),
  account_id: z.string(),
  currency: z.string().nullable(),
  amount_overdue: z.number().int(),
  overdue_principal: z.number().int(),
  overdue_interest: z.number().int(),
  overdue_fees: z.number().int(),
  days_past_due: z.number().int(),
  bucket: z.enum(BUCKETS),
  risk_tier: z.string(),
  priority: z.coerce.number(),
  score: z.number().int().nullable(),
});
export type CollectionListRow = z.infer<typeof listRow>;

/** A page of a run's list in rank order, after `afterRank`. */
export async function readListPage(db: Queryable, screeningRunId: number, afterRank: number, limit: number): Promise<CollectionListRow[]> {
  const { rows } = await db.query(
    `SELECT c.rank, c.account_id, a.currency, c.amount_overdue, c.overdue_principal, c.overdue_interest, c.overdue_fees,
            c.days_past_due, c.bucket, c.risk_tier, c.priority, c.score
     FROM collection_list c LEFT JOIN accounts a ON a.id = c.account_id
     WHERE c.screening_run_id = $1 AND c.rank > $2
     ORDER BY c.rank LIMIT $3`,
    [screeningRunId, afterRank, limit],
  );
  return rows.map((row) => listRow.parse(row));
}

/**
 * The incremental daily run's memory (migration …85_incremental-screening.sql): each open
 * account's last result, the state that says what those results are (as of which date,
 * under which rules), and the change capture the triggers keep (screening_dirty_accounts).
 *
 * A run claims the captured changes first, reads only the claimed accounts and those whose
 * next installment has fallen due since (rescreen_on), keeps their new results, and judges
 * every other account from its last result as of the run's date: days past due grow by
 * the days elapsed, and the bucket, the longest lateness and the tier follow. At the end
 * it releases the claims it read, unless a writer has changed the account since.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import type { Queryable } from '../db/pool';
import type { ScreeningConfig } from './config';
import type { ScreenedRows } from './queries';
import { bucketSql, riskTierSql, SqlParams } from './rules-sql';

const tierCounts = z.record(z.string(), z.number().int());
const stateRow = z.object({
  as_of: z.string(),
  config_version: z.string(),
  config_fingerprint: z.string(),
  screening_run_id: z.number().int(),
  current_by_tier: tierCounts,
});

/** Accounts per tier. */
export type TierCounts = Record<string, number>;

export interface ResultsState {
  asOf: IsoDate;
  configVersion: string;
  configFingerprint: string;
  screeningRunId: number;
  /** the accounts with nothing overdue, per tier */
  currentByTier: TierCounts;
}

/**
 * The rules' content, not only their version: results judged under other rules (a new
 * version, or a file edited without one) are not carried forward.
 */
export function configFingerprint(config: ScreeningConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * Live runs take turns on the results (the schedule already skips an overlapping run; a
 * person's `arrears screen` may not). Held to the end of the caller's transaction.
 */
export async function lockResults(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('screening-results', 0))`);
}

export async function readResultsState(db: Queryable): Promise<ResultsState | undefined> {
  const { rows } = await db.query('SELECT as_of, config_version, config_fingerprint, screening_run_id, current_by_tier FROM screening_results_state');
  if (!rows[0]) return undefined;
  const s = stateRow.parse(rows[0]);
  return { asOf: s.as_of, configVersion: s.config_version, configFingerprint: s.config_fingerprint, screeningRunId: s.screening_run_id, currentByTier: s.current_by_tier };
}

export async function saveResultsState(db: Queryable, state: ResultsState): Promise<void> {
  await db.query(
    `INSERT INTO screening_results_state (as_of, config_version, config_fingerprint, screening_run_id, current_by_tier) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (singleton) DO UPDATE
       SET as_of = excluded.as_of, config_version = excluded.config_version, config_fingerprint = excluded.config_fingerprint,
           screening_run_id = excluded.screening_run_id, current_by_tier = excluded.current_by_tier`,
    [state.asOf, state.configVersion, state.configFingerprint, state.screeningRunId, JSON.stringify(state.currentByTier)],
  );
}

/**
 * The accounts with nothing overdue, per tier: in a pass's table (`screened`, `passed`), or
 * among the results of some accounts (`accountIds`: before the run replaces them).
 */
export async function countCurrentByTier(db: Queryable, from: { table: 'screened' | 'passed' } | { accountIds: readonly string[] }): Promise<TierCounts> {
  const { rows } =
    'table' in from
      ? await db.query(`SELECT risk_tier, count(*)::int AS n FROM ${from.table} WHERE amount_overdue = 0 GROUP BY risk_tier`)
      : await db.query('SELECT risk_tier, count(*)::int AS n FROM screening_account_results WHERE account_id = ANY ($1::text[]) AND amount_overdue = 0 GROUP BY risk_tier', [
          from.accountIds,
        ]);
  return Object.fromEntries(rows.map((r) => z.object({ risk_tier: z.string(), n: z.number().int() }).parse(r)).map((r) => [r.risk_tier, r.n]));
}

/** `counts` less `gone` plus `came`, tier by tier (tiers at zero dropped). */
export function movedTierCounts(counts: TierCounts, gone: TierCounts, came: TierCounts): TierCounts {
  const moved: TierCounts = { ...counts };
  for (const [tier, n] of Object.entries(gone)) moved[tier] = (moved[tier] ?? 0) - n;
  for (const [tier, n] of Object.entries(came)) moved[tier] = (moved[tier] ?? 0) + n;
  return Object.fromEntries(Object.entries(moved).filter(([, n]) => n !== 0));
}

/** No results to carry: the next live run is a full pass (a score model is in force). */
export async function forgetResults(db: Queryable): Promise<void> {
  await db.query('DELETE FROM screening_results_state');
  await db.query('TRUNCATE screening_account_results');
}

/**
 * The changes captured so far, read before the pass: a change committed before this
 * statement is in the pass's figures (a later statement of a READ COMMITTED transaction),
 * one committed after it keeps its row for the next run. Reads without locking: writers
 * never wait for a run.
 */
export async function claimChanges(db: Queryable): Promise<void> {
  await db.query('CREATE TEMP TABLE claimed_changes ON COMMIT DROP AS SELECT account_id, change_no FROM screening_dirty_accounts');
}

/**
 * Removes the claimed rows that no writer has changed since they were read (same
 * change_no). A row a writer holds right now is skipped, not waited for: it will carry
 * that writer's change to the next run, and the run never waits on a writer that may be
 * waiting on the run's own account rows.
 */
export async function releaseClaims(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM screening_dirty_accounts d
     WHERE (d.account_id, d.change_no) IN (
       SELECT x.account_id, x.change_no FROM screening_dirty_accounts x
       JOIN claimed_changes c ON c.account_id = x.account_id AND c.change_no = x.change_no
       FOR UPDATE OF x SKIP LOCKED)`,
  );
}

/**
 * The accounts the incremental run reads as of `asOf`: those changed (claimed), and those
 * whose last result stops being enough on or before it (an installment fell due since, a
 * payment value-dated after its date). In id order (the index's order).
 */
export async function accountsToRead(db: Queryable, asOf: IsoDate): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT coalesce(array_agg(account_id ORDER BY account_id), '{}') AS ids FROM (
       SELECT account_id FROM claimed_changes
       UNION
       SELECT account_id FROM screening_account_results WHERE rescreen_on <= $1::date
     ) u`,
    [asOf],
  );
  return z.object({ ids: z.array(z.string()) }).parse(rows[0]).ids;
}

const RESULT_COLUMNS = `account_id, figured_as_of, amount_overdue, overdue_principal, overdue_interest, overdue_fees,
  oldest_unpaid_due_date, on_time_ratio, share_repaid, longest_lateness_days, risk_tier, rescreen_on`;
const resultValues = (table: string) => `SELECT account_id, $1::date, amount_overdue, overdue_principal, overdue_interest, overdue_fees,
  oldest_unpaid_due_date, on_time_ratio, share_repaid, longest_lateness_days, risk_tier, rescreen_on FROM ${table}`;

/**
 * The incremental run reads a few accounts of many, by their keys: on the planner's
 * default cost of a random read (4, a spinning disk's) it would rather hash-join whole
 * tables of 1M rows (accounts, the rollup) than probe their primary keys. Local to the
 * run's transaction.
 */
export async function tuneIncrementalTransaction(db: Queryable): Promise<void> {
  await db.query(`SET LOCAL random_page_cost = 1.1`);
}

/** After a full pass (the temp table `screened`, with the kept columns): every open account's result, as of its date. */
export async function replaceResults(db: Queryable, asOf: IsoDate): Promise<void> {
  await db.query('TRUNCATE screening_account_results');
  await db.query(`INSERT INTO screening_account_results (${RESULT_COLUMNS}) ${resultValues('screened')}`, [asOf]);
}

/**
 * After an incremental pass (the temp table `passed`): the results of the accounts read.
 * An account read but not in the pass (closed, written off, deleted) loses its result.
 */
export async function updateResults(db: Queryable, asOf: IsoDate, accountIds: readonly string[]): Promise<void> {
  await db.query('DELETE FROM screening_account_results WHERE account_id = ANY ($1::text[])', [accountIds]);
  await db.query(`INSERT INTO screening_account_results (${RESULT_COLUMNS}) ${resultValues('passed')}`, [asOf]);
}

/**
 * The accounts with something overdue as of `asOf`, from the last results, kept for the rest
 * of the transaction as `screened` (the scan's columns): the run's list and the overdue part
 * of its counts come from it.
 */
export async function judgeOverdueAsOf(db: Queryable, asOf: IsoDate, config: ScreeningConfig): Promise<void> {
  const params = new SqlParams();
  await db.query(`CREATE TEMP TABLE screened ON COMMIT DROP AS SELECT * FROM ${resultsAsOf(asOf, config, { overdueOnly: true })(params)} s`, params.values);
}

/**
 * Every open account as of `asOf`, from the last results (the scan's columns): what an
 * overdue account owes and since when are its last figures, its days past due count to
 * `asOf`, and so does its longest lateness (the oldest unpaid installment is the latest of
 * all); bucket and tier follow by the same rules as the pass. previous_tier is the tier
 * of its last figures: the tier changed by the date alone is where the two differ.
 * `overdueOnly`: only the accounts with something overdue (the only ones the date moves).
 */
export function resultsAsOf(asOf: IsoDate, config: ScreeningConfig, { overdueOnly = false } = {}): ScreenedRows {
  return (params: SqlParams) => {
    const day = params.add(asOf, 'date');
    return `(SELECT r.account_id, r.risk_tier AS previous_tier,
              r.amount_overdue, r.overdue_principal, r.overdue_interest, r.overdue_fees, f.days_past_due,
              -- nothing overdue: nothing the date moves (no days past due, the lateness of settled
              -- installments only), so the bucket is CURRENT and the tier the one kept
              CASE WHEN r.amount_overdue = 0 THEN 'CURRENT' ELSE ${bucketSql('f.days_past_due')} END AS bucket,
              NULL::integer AS score,
              CASE WHEN r.amount_overdue = 0 THEN r.risk_tier ELSE ${riskTierSql(config, params)} END AS risk_tier
       FROM screening_account_results r
       CROSS JOIN LATERAL (
         SELECT coalesce(${day} - r.oldest_unpaid_due_date, 0) AS days_past_due,
                greatest(r.longest_lateness_days, coalesce(${day} - r.oldest_unpaid_due_date, 0)) AS longest_lateness_days,
                r.on_time_ratio, r.share_repaid
       ) f
       ${overdueOnly ? 'WHERE r.amount_overdue > 0' : ''})`;
  };
}

/** The incremental pass's own rows (the temp table `passed`), for their tiers. */
export const PASSED: ScreenedRows = () => 'passed';

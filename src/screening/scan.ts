/**
 * The daily screening (SPEC §2.1): one set-based pass over the loan book as of a date
 * (days past due, overdue principal/interest/fees, bucket, repayment behaviour, risk
 * tier: see account_figures in the screening migration and config.ts for the rules),
 * written as a screening run with its counts and its ranked collection list, in one
 * transaction. Idempotent by key: a retried activity gets the run already written.
 *
 * The signatures are a contract with the loan-book import and the screening workflow.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BUCKETS, type Bucket } from '../domain/buckets';
import { isoDateSchema, type IsoDate } from '../domain/dates';
import { inTransaction, type Pool, type Queryable } from '../db/pool';
import { logger as defaultLogger } from '../logger';
import type { ScoreModel } from '../scoring/model';
import { readScoreModel } from '../scoring/store';
import { loadScreeningConfig, type ScreeningConfig } from './config';
import { countScreened, finishRun, findRunByKey, insertRun, laterRunExists, readListPage, recordRiskTiers, scanBook, tuneScanTransaction, writeCollectionList, type ScreeningRunRow } from './queries';

export interface ScreeningRunSummary {
  screeningRunId: number;
  asOf: IsoDate;
  paymentsThrough: IsoDate | null;
  configVersion: string;
  /** the score model the tiers came from; null: the tier rules (no model, or no score in the config) */
  scoreModelVersion: string | null;
  accountsScanned: number;
  overdueAccounts: number;
  countsByBucket: Record<string, number>;
  countsByTier: Record<string, number>;
  /** how long the scan and its writes took (for a reused run: how long it took then) */
  durationMs: number;
  /** true when the idempotency key named a run already written: nothing was scanned */
  reused: boolean;
}

export interface RunScreeningOptions {
  asOf: IsoDate;
  /** the same key again returns the run already written; default: a new key, a new run */
  idempotencyKey?: string;
  /** only payments value-dated on or before it count; null/absent: every known payment */
  paymentsThrough?: IsoDate | null;
  /** default: config/screening.json */
  config?: ScreeningConfig;
  log?: Logger;
}

export interface CollectionListEntry {
  rank: number;
  accountId: string;
  /** the account's currency (null if the account has been deleted since) */
  currency: string | null;
  amountOverdue: number;
  overduePrincipal: number;
  overdueInterest: number;
  overdueFees: number;
  daysPastDue: number;
  bucket: Bucket;
  riskTier: string;
  priority: number;
  /** the behaviour score (null: the run scored with no model) */
  score: number | null;
}

const optionsSchema = z.object({
  asOf: isoDateSchema,
  idempotencyKey: z.string().min(1).max(200).optional(),
  paymentsThrough: isoDateSchema.nullable().optional(),
});

/** jsonb keeps no key order: buckets in their order, tiers in the config's (others after). */
function ordered(counts: Record<string, number> | null, order: readonly string[]): Record<string, number> {
  const entries = Object.entries(counts ?? {});
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

function summaryOf(run: ScreeningRunRow, reused: boolean, config: ScreeningConfig): ScreeningRunSummary {
  return {
    screeningRunId: run.id,
    asOf: run.as_of,
    paymentsThrough: run.payments_through,
    configVersion: run.config_version,
    scoreModelVersion: run.score_model_version,
    accountsScanned: run.accounts_scanned ?? 0,
    overdueAccounts: run.overdue_accounts ?? 0,
    countsByBucket: ordered(run.counts_by_bucket, BUCKETS),
    countsByTier: ordered(run.counts_by_tier, [...config.riskTiers.map((r) => r.tier), config.defaultTier]),
    durationMs: run.finished_at ? run.finished_at.getTime() - run.started_at.getTime() : 0,
    reused,
  };
}

/** The model the config names; none while `latest` finds no model yet (the rules give the tier). */
async function scoreModelFor(db: Queryable, config: ScreeningConfig, log: Logger): Promise<ScoreModel | undefined> {
  if (!config.score) return undefined;
  const model = await readScoreModel(db, config.score.model);
  if (!model && config.score.model !== 'latest') throw new Error(`the screening config names the score model ${config.score.model}, which is not in the database`);
  if (!model) log.info('no score model fitted yet: the tier rules give the risk tier');
  return model;
}

export async function runScreening(pool: Pool, opts: RunScreeningOptions): Promise<ScreeningRunSummary> {
  const { asOf, idempotencyKey = `screening:${opts.asOf}:${randomUUID()}`, paymentsThrough = null } = optionsSchema.parse(opts);
  const config = opts.config ?? loadScreeningConfig();
  const log = (opts.log ?? defaultLogger).child({ asOf, paymentsThrough, idempotencyKey });
  const startedAt = new Date();

  const summary = await inTransaction(pool, async (db) => {
    // Two callers with one key (a retried activity racing the first attempt) take turns;
    // the second finds the run the first wrote.
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`screening-run:${idempotencyKey}`]);
    const existing = await findRunByKey(db, idempotencyKey);
    if (existing) return summaryOf(existing, true, config);

    await tuneScanTransaction(db);
    const scoreModel = await scoreModelFor(db, config, log);
    const screeningRunId = await insertRun(db, { idempotencyKey, asOf, paymentsThrough, configVersion: config.version, scoreModelVersion: scoreModel?.version ?? null, startedAt });
    await scanBook(db, { asOf, paymentsThrough, config, scoreModel });
    const counts = await countScreened(db, config);
    const listed = await writeCollectionList(db, screeningRunId, config);
    // A historical run (an earlier date than one already screened) leaves the tiers the
    // workflows show alone. Written last: the account rows stay locked the shortest.
    const tiersChanged = (await laterRunExists(db, asOf)) ? 0 : await recordRiskTiers(db);
    const run = await finishRun(db, screeningRunId, counts);
    log.info({ screeningRunId, accountsScanned: counts.accountsScanned, listed, tiersChanged }, 'screening run written');
    return summaryOf(run, false, config);
  });
  if (summary.reused) log.info({ screeningRunId: summary.screeningRunId }, 'screening run already written under this key');
  return summary;
}

/** A page of a run's collection list in rank order (rank 1 first), after `afterRank`. */
export async function readCollectionList(db: Queryable, screeningRunId: number, page: { afterRank: number; limit: number }): Promise<CollectionListEntry[]> {
  const rows = await readListPage(db, screeningRunId, page.afterRank, page.limit);
  return rows.map((r) => ({
    rank: r.rank,
    accountId: r.account_id,
    currency: r.currency,
    amountOverdue: r.amount_overdue,
    overduePrincipal: r.overdue_principal,
    overdueInterest: r.overdue_interest,
    overdueFees: r.overdue_fees,
    daysPastDue: r.days_past_due,
    bucket: r.bucket,
    riskTier: r.risk_tier,
    priority: r.priority,
    score: r.score,
  }));
}

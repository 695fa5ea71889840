/**
 * The daily screening (SPEC §2.1): the loan book judged as of a date (days past due,
 * overdue principal/interest/fees, bucket, repayment behaviour, risk tier: see
 * account_figures in the screening migration and config.ts for the rules), written as a
 * screening run with its counts and its ranked collection list, in one transaction.
 * Idempotent by key: a retried activity gets the run already written.
 *
 * The daily run reads only the accounts that changed or crossed a due date since the last
 * run and carries every other account's last result forward (results.ts); the full pass
 * over every account is the first run, the check, and the historical path.
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
import {
  countScreened,
  finishRun,
  findRunByKey,
  insertRun,
  laterRunExists,
  readListPage,
  recordRiskTiers,
  scanBook,
  SCREENED,
  tuneScanTransaction,
  writeCollectionList,
  type ScreenedCounts,
  type ScreenedRows,
  type ScreeningPass,
  type ScreeningRunRow,
} from './queries';
import {
  accountsToRead,
  claimChanges,
  configFingerprint,
  countCurrentByTier,
  forgetResults,
  judgeOverdueAsOf,
  lockResults,
  movedTierCounts,
  PASSED,
  readResultsState,
  releaseClaims,
  replaceResults,
  saveResultsState,
  tuneIncrementalTransaction,
  updateResults,
  type ResultsState,
  type TierCounts,
} from './results';

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
  /** how the run read the book (null: a run written before runs recorded it) */
  pass: ScreeningPass | null;
  /** the accounts whose installments the run read: all of them, but for an incremental run */
  accountsRead: number | null;
}

export interface RunScreeningOptions {
  asOf: IsoDate;
  /** the same key again returns the run already written; default: a new key, a new run */
  idempotencyKey?: string;
  /** only payments value-dated on or before it count; null/absent: every known payment */
  paymentsThrough?: IsoDate | null;
  /** default: config/screening.json */
  config?: ScreeningConfig;
  /**
   * `full`: read every open account even where the last results would do (the check of
   * the incremental run, a book bulk-loaded with its triggers off). Default `auto`.
   */
  pass?: 'auto' | 'full';
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
  pass: z.enum(['auto', 'full']).optional(),
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
    pass: run.pass,
    accountsRead: run.accounts_read,
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

/**
 * How this run reads the book. A payments-through date, or a date before the results'
 * own: the book as it stood then, the full pass, and the results stay as they are. No
 * results yet, other rules than theirs, a score model in force (its features move with the
 * date for every account: see docs/screening.md), or `pass: 'full'`: the full pass, which
 * keeps every account's result. Otherwise only what changed.
 */
async function choosePass(
  db: Queryable,
  asOf: IsoDate,
  paymentsThrough: IsoDate | null,
  config: ScreeningConfig,
  scoreModel: ScoreModel | undefined,
  forceFull: boolean,
): Promise<{ pass: ScreeningPass; state?: ResultsState }> {
  if (paymentsThrough !== null) return { pass: 'HISTORICAL' };
  await lockResults(db);
  const state = await readResultsState(db);
  if (state && asOf < state.asOf) return { pass: 'HISTORICAL' };
  if (forceFull || !state || scoreModel || state.configFingerprint !== configFingerprint(config)) return { pass: 'FULL' };
  return { pass: 'INCREMENTAL', state };
}

interface PassOutcome {
  counts: ScreenedCounts;
  listed: number;
  tiersChanged: number;
  accountsRead: number;
}

/** Times each step of a run, for its log line: where a run's time goes. */
function stopwatch(): { step: <T>(name: string, work: () => Promise<T>) => Promise<T>; ms: Record<string, number> } {
  const ms: Record<string, number> = {};
  return {
    ms,
    async step(name, work) {
      const began = performance.now();
      try {
        return await work();
      } finally {
        ms[name] = Math.round((ms[name] ?? 0) + performance.now() - began);
      }
    },
  };
}
type Step = ReturnType<typeof stopwatch>['step'];

/**
 * The counts, the list and the changed tiers, from the rows the pass left in `screened`
 * (and the current accounts counted apart, for an incremental run), the tiers also from
 * `tierRows` (the accounts an incremental run read).
 */
async function writeOutputs(
  db: Queryable,
  run: { screeningRunId: number; asOf: IsoDate; config: ScreeningConfig; step: Step },
  currentByTier: TierCounts,
  tierRows: ScreenedRows[],
): Promise<Omit<PassOutcome, 'accountsRead'>> {
  const { step } = run;
  const counts = await step('count', () => countScreened(db, run.config, currentByTier));
  const listed = await step('list', () => writeCollectionList(db, run.screeningRunId, run.config));
  // A historical run (an earlier date than one already screened) leaves the tiers the
  // workflows show alone. Written last: the account rows stay locked the shortest.
  let tiersChanged = 0;
  if (!(await laterRunExists(db, run.asOf))) for (const rows of tierRows) tiersChanged += await step('tiers', () => recordRiskTiers(db, rows));
  return { counts, listed, tiersChanged };
}

export async function runScreening(pool: Pool, opts: RunScreeningOptions): Promise<ScreeningRunSummary> {
  const { asOf, idempotencyKey = `screening:${opts.asOf}:${randomUUID()}`, paymentsThrough = null, pass: requested = 'auto' } = optionsSchema.parse(opts);
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
    const { pass, state } = await choosePass(db, asOf, paymentsThrough, config, scoreModel, requested === 'full');
    const screeningRunId = await insertRun(db, { idempotencyKey, asOf, paymentsThrough, configVersion: config.version, scoreModelVersion: scoreModel?.version ?? null, startedAt, pass });
    const { step, ms: stepsMs } = stopwatch();
    const run = { screeningRunId, asOf, config, step };
    let outcome: PassOutcome;
    const keep = (currentByTier: TierCounts) => saveResultsState(db, { asOf, configVersion: config.version, configFingerprint: configFingerprint(config), screeningRunId, currentByTier });
    if (pass === 'INCREMENTAL' && state) {
      await tuneIncrementalTransaction(db);
      const accountIds = await step('changes', async () => {
        await claimChanges(db);
        return accountsToRead(db, asOf);
      });
      await step('pass', () => scanBook(db, { asOf, paymentsThrough, config, onlyAccounts: accountIds, keepResults: true }, 'passed'));
      const currentByTier = await step('results', async () => {
        const gone = await countCurrentByTier(db, { accountIds });
        await updateResults(db, asOf, accountIds);
        return movedTierCounts(state.currentByTier, gone, await countCurrentByTier(db, { table: 'passed' }));
      });
      await step('judge', () => judgeOverdueAsOf(db, asOf, config));
      // the tiers of the accounts read, then of those whose tier the date alone has changed
      const outputs = await writeOutputs(db, run, currentByTier, [PASSED, SCREENED]);
      await step('changes', () => releaseClaims(db));
      await keep(currentByTier);
      outcome = { ...outputs, accountsRead: accountIds.length };
    } else {
      const keepResults = pass === 'FULL' && !scoreModel;
      if (pass === 'FULL') await step('changes', () => claimChanges(db));
      await step('pass', () => scanBook(db, { asOf, paymentsThrough, config, scoreModel, keepResults }));
      const outputs = await writeOutputs(db, run, {}, [SCREENED]);
      if (pass === 'FULL') {
        await step('results', async () => {
          if (!keepResults) return forgetResults(db);
          await replaceResults(db, asOf);
          await keep(await countCurrentByTier(db, { table: 'screened' }));
        });
        await step('changes', () => releaseClaims(db));
      }
      outcome = { ...outputs, accountsRead: outputs.counts.accountsScanned };
    }
    const written = await finishRun(db, screeningRunId, outcome.counts, outcome.accountsRead);
    log.info(
      { screeningRunId, pass, accountsScanned: outcome.counts.accountsScanned, accountsRead: outcome.accountsRead, listed: outcome.listed, tiersChanged: outcome.tiersChanged, stepsMs },
      'screening run written',
    );
    return summaryOf(written, false, config);
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

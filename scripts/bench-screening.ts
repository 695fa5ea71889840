/**
 * `npm run bench:screening -- [--accounts 1000000] [--installments 12] [--load copy|insert-select]`
 *
 * The daily scan on a synthetic book, in a throw-away embedded Postgres (durable
 * settings) under .data/bench/. By default the book is generated in Node from a seed and
 * streamed in with COPY … FROM STDIN, table by table, 100,000 accounts per transaction;
 * `--load insert-select` generates the same distribution server-side (INSERT … SELECT over
 * generate_series, nothing crosses the wire) for comparison. About 12 monthly
 * installments per account, and these repayment habits:
 *   86 % pay every installment in full on or a few days before its due date;
 *    6 % paid the first 0–11 installments, then stopped;
 *    5 % pay 60 % of every installment on its due date (partial payers);
 *    3 % pay every installment in full, 10–40 days late.
 * The load runs with triggers off (a bulk load), the generator writing the repayment
 * state the triggers keep (cumulative due, allocated, paid-off date); a sample of
 * accounts is then re-derived by the triggers' own function, which must change nothing.
 *
 * Printed: load time (per table, with rows/s), the bare `SELECT count(*) FROM installments` (warm), the scan
 * (runScreening: the first run writes every account's tier, the next one only the
 * changes), rows/s, the ratio to the bare count, the scan's EXPLAIN (ANALYZE, BUFFERS),
 * one account's figures (the workflow's path), and last a behaviour score fitted on the
 * book and the daily run scored with it (the time the score adds). Run it under the shared lock:
 *   flock /tmp/arrears-bench.lock npm run bench:screening
 */
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { createPool, inTransaction, type Pool } from '../src/db/pool';
import { loadAccountFigures } from '../src/db/account-figures';
import { migrateUp } from '../src/db/migrate';
import { loadScreeningConfig } from '../src/screening/config';
import { scanBook, scanQuery, tuneScanTransaction } from '../src/screening/queries';
import { readCollectionList, runScreening, type ScreeningRunSummary } from '../src/screening/scan';
import { fitScoreModel } from '../src/scoring/fit';
import type { ScoreModel } from '../src/scoring/model';
import { writeScoreModel } from '../src/scoring/store';
import { freePort } from '../src/setup/dev-server';
import { startPostgres } from '../src/setup/postgres';
import { createBenchRun, out, runBench } from './bench-support';

const USAGE = `npm run bench:screening -- [--accounts N] [--installments K] [--order account|shuffled] [--load copy|insert-select] [--seed S] [--verify-all]

  --accounts N       accounts in the synthetic book (default 1000000)
  --installments K   monthly installments per account (default 12)
  --order O          how installments lie on disk: account (each schedule together, as an
                     import writes it; the default) or shuffled (spread at random)
  --load L           how the book is loaded: copy (generated in Node, streamed with
                     COPY … FROM STDIN; the default) or insert-select (generated in the
                     server, INSERT … SELECT over generate_series)
  --seed S           the COPY generator's seed, a whole number (default 1); the same seed
                     gives the same book
  --verify-all       re-derive every account's repayment state, not a sample of 10000
`;

/** The screening date: fixed, so that runs compare. Installments fall due every 30 days. */
const AS_OF = '2026-01-01';
const CHUNK = 100_000;
const SAMPLE = 10_000;

/**
 * One row per account g of the chunk: its schedule parameters and its habit, from
 * hashes of g (deterministic). Installment k (1..K) is due opened_on + 30k; `m` is how
 * many are due on or before the screening date.
 */
const ACCOUNTS_OF_CHUNK = `
  SELECT g, 'BENCH-' || lpad(g::text, 8, '0') AS id, 'BB-' || g AS borrower_id, opened_on,
         least($4::int, ($3::date - opened_on) / 30) AS m,
         principal_due, principal_due / 10 AS interest_due, principal_due + principal_due / 10 AS amount_due,
         CASE WHEN habit < 860 THEN 'ON_TIME' WHEN habit < 920 THEN 'STOPPED' WHEN habit < 970 THEN 'PARTIAL' ELSE 'LATE' END AS habit,
         g % 4 AS days_early, 10 + g % 31 AS days_late, h2 % 12 AS stopped_after
  FROM (
    SELECT g, h1, h2, ($3::date - (30 + h1 % 540)::int) AS opened_on, (h1 / 1000) % 1000 AS habit,
           10000::bigint * (10 + h2 % 90) AS principal_due
    FROM (SELECT g, abs(hashint4(g)::bigint) AS h1, abs(hashint4(-g)::bigint) AS h2 FROM generate_series($1::int, $2::int) AS g) h
  ) a`;

/** Installment k of each account, with the payment that settles it (NULL amount: none). */
const INSTALLMENTS_OF_CHUNK = `
  SELECT a.*, k, (a.opened_on + 30 * k) AS due_date,
         CASE a.habit
           WHEN 'ON_TIME' THEN CASE WHEN k <= a.m THEN a.opened_on + 30 * k - a.days_early END
           WHEN 'STOPPED' THEN CASE WHEN k <= least(a.m, a.stopped_after) THEN a.opened_on + 30 * k END
           WHEN 'LATE' THEN CASE WHEN a.opened_on + 30 * k + a.days_late <= $3::date THEN a.opened_on + 30 * k + a.days_late END
           WHEN 'PARTIAL' THEN CASE WHEN k <= a.m THEN a.opened_on + 30 * k END
         END AS paid_on,
         CASE WHEN a.habit = 'PARTIAL' THEN a.amount_due * 6 / 10 ELSE a.amount_due END AS payment_amount
  FROM (${ACCOUNTS_OF_CHUNK}) a, generate_series(1, $4::int) AS k`;

/**
 * How the installments lie on disk: `account`, each account's schedule together (as an
 * import writes it); `shuffled`, spread at random over each chunk of 100,000 accounts.
 */
type PhysicalOrder = 'account' | 'shuffled';

/** How the book is loaded: streamed from Node with COPY (the default), or generated in the server. */
type LoadMethod = 'copy' | 'insert-select';

const TABLES = ['borrowers', 'accounts', 'installments', 'payments'] as const;
type Table = (typeof TABLES)[number];
/** Per table: the time spent loading it, and the rows it received. */
type LoadTally = Record<Table | 'generate', { ms: number; rows: number }>;

const newTally = (): LoadTally => ({
  generate: { ms: 0, rows: 0 },
  borrowers: { ms: 0, rows: 0 },
  accounts: { ms: 0, rows: 0 },
  installments: { ms: 0, rows: 0 },
  payments: { ms: 0, rows: 0 },
});

async function tallied(tally: LoadTally, table: Table, work: () => Promise<number>): Promise<void> {
  const t = performance.now();
  const rows = await work();
  tally[table].ms += performance.now() - t;
  tally[table].rows += rows;
}

export async function loadChunkInsertSelect(pool: Pool, from: number, to: number, installments: number, order: PhysicalOrder, tally: LoadTally): Promise<void> {
  const params = [from, to, AS_OF, installments];
  await inTransaction(pool, async (db) => {
    // A bulk load: triggers (and the foreign-key checks) off; the repayment state is written below.
    await db.query('SET LOCAL session_replication_role = replica');
    const insert = async (table: Table, sql: string) => tallied(tally, table, async () => (await db.query(sql, params)).rowCount ?? 0);
    await insert('borrowers', `INSERT INTO borrowers (id) SELECT borrower_id FROM (${ACCOUNTS_OF_CHUNK}) a`);
    await insert(
      'accounts',
      `INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on)
       SELECT id, borrower_id, 'LOAN', 'CNY', principal_due * $4, opened_on FROM (${ACCOUNTS_OF_CHUNK}) a`,
    );
    // The repayment state in closed form. Full payments settle installment k on the day
    // they are paid. A partial payer pays 6/10 of an installment each time, so the running
    // total first reaches installment k's running due (k whole installments) with
    // payment ceil(5k/3), on that installment's due date.
    await insert(
      'installments',
      `INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due, cumulative_due, allocated_paid, paid_off_on)
       SELECT id, k, due_date, principal_due, interest_due, 0, amount_due * k,
              CASE WHEN habit = 'PARTIAL' THEN greatest(0, least(amount_due, payment_amount * m - amount_due * (k - 1)))
                   WHEN paid_on IS NOT NULL THEN amount_due ELSE 0 END,
              CASE WHEN habit = 'PARTIAL' THEN CASE WHEN (5 * k + 2) / 3 <= m THEN opened_on + 30 * ((5 * k + 2) / 3) END
                   ELSE paid_on END
       FROM (${INSTALLMENTS_OF_CHUNK}) i
       ORDER BY ${order === 'shuffled' ? 'hashint4(g * 128 + k)' : 'g, k'}`,
    );
    await insert(
      'payments',
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
       SELECT 'BP-' || g || '-' || k, id, payment_amount, 'CNY', paid_on, 'BANK_TRANSFER', 'IMPORT'
       FROM (${INSTALLMENTS_OF_CHUNK}) i WHERE paid_on IS NOT NULL`,
    );
  });
}

/** A 32-bit integer hash (murmur3's finalizer) of g under a seed, as a non-negative 31-bit number. */
function hash31(g: number, seed: number): number {
  let h = Math.imul(g ^ seed, 0x9e3779b1) ^ seed;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 1;
}

const DAY_MS = 86_400_000;
const AS_OF_DAY = Date.parse(`${AS_OF}T00:00:00Z`) / DAY_MS;
const isoDays = new Map<number, string>();
/** Day number (days since 1970-01-01) as 'YYYY-MM-DD', cached: a book spans a few thousand days. */
function iso(day: number): string {
  let s = isoDays.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDays.set(day, s);
  }
  return s;
}

/**
 * One table's rows of accounts from..to as COPY text rows: the same schedules and habits
 * as the INSERT … SELECT generator (its hashes of g replaced by a seeded hash of g), and
 * the same closed-form repayment state.
 */
export function generateRows(from: number, to: number, installments: number, order: PhysicalOrder, seed: number, table: Table): string[] {
  const rows: string[] = [];
  const schedules = table === 'installments' || table === 'payments';
  for (let g = from; g <= to; g++) {
    const h1 = hash31(g, seed);
    const h2 = hash31(g, seed ^ 0x5bd1e995);
    const opened = AS_OF_DAY - (30 + (h1 % 540));
    const m = Math.min(installments, Math.floor((AS_OF_DAY - opened) / 30));
    const principalDue = 10000 * (10 + (h2 % 90));
    const interestDue = principalDue / 10;
    const amountDue = principalDue + interestDue;
    const habitDraw = Math.floor(h1 / 1000) % 1000;
    const habit = habitDraw < 860 ? 'ON_TIME' : habitDraw < 920 ? 'STOPPED' : habitDraw < 970 ? 'PARTIAL' : 'LATE';
    const daysEarly = g % 4;
    const daysLate = 10 + (g % 31);
    const stoppedAfter = h2 % 12;
    const paymentAmount = habit === 'PARTIAL' ? Math.floor((amountDue * 6) / 10) : amountDue;
    const id = `BENCH-${String(g).padStart(8, '0')}`;
    const borrower = `BB-${g}`;
    if (table === 'borrowers') rows.push(`${borrower}\n`);
    if (table === 'accounts') rows.push(`${id}\t${borrower}\tLOAN\tCNY\t${principalDue * installments}\t${iso(opened)}\n`);
    for (let k = 1; schedules && k <= installments; k++) {
      const due = opened + 30 * k;
      let paidOn: number | null;
      if (habit === 'ON_TIME') paidOn = k <= m ? due - daysEarly : null;
      else if (habit === 'STOPPED') paidOn = k <= Math.min(m, stoppedAfter) ? due : null;
      else if (habit === 'LATE') paidOn = due + daysLate <= AS_OF_DAY ? due + daysLate : null;
      else paidOn = k <= m ? due : null;
      let allocated: number;
      let paidOff: number | null;
      if (habit === 'PARTIAL') {
        allocated = Math.max(0, Math.min(amountDue, paymentAmount * m - amountDue * (k - 1)));
        const settling = Math.floor((5 * k + 2) / 3);
        paidOff = settling <= m ? opened + 30 * settling : null;
      } else {
        allocated = paidOn === null ? 0 : amountDue;
        paidOff = paidOn;
      }
      if (table === 'installments') {
        rows.push(`${id}\t${k}\t${iso(due)}\t${principalDue}\t${interestDue}\t0\t${amountDue * k}\t${allocated}\t${paidOff === null ? '\\N' : iso(paidOff)}\n`);
      }
      if (table === 'payments' && paidOn !== null) rows.push(`BP-${g}-${k}\t${id}\t${paymentAmount}\tCNY\t${iso(paidOn)}\tBANK_TRANSFER\tIMPORT\n`);
    }
  }
  if (table === 'installments' && order === 'shuffled') {
    // Fisher–Yates, seeded by the chunk: the same book lies the same way on every run.
    for (let i = rows.length - 1; i > 0; i--) {
      const j = hash31(from * 16 + i, seed) % (i + 1);
      const t = rows[i] as string;
      rows[i] = rows[j] as string;
      rows[j] = t;
    }
  }
  return rows;
}

const COPY_COLUMNS: Record<Table, string> = {
  borrowers: 'borrowers (id)',
  accounts: 'accounts (id, borrower_id, product, currency, principal, opened_on)',
  installments: 'installments (account_id, seq, due_date, principal_due, interest_due, fees_due, cumulative_due, allocated_paid, paid_off_on)',
  payments: 'payments (event_id, account_id, amount, currency, value_date, method, source)',
};

/** Accounts per generated slice: Node generates the next slice while Postgres parses this one. */
const SLICE = 2_000;

/**
 * One table's text for accounts from..to, slice by slice, generated as the COPY stream asks
 * for it. A shuffled order needs the whole chunk at once, so it is generated in one go.
 */
function* copyText(from: number, to: number, installments: number, order: PhysicalOrder, seed: number, table: Table, tally: LoadTally): Generator<string> {
  const generate = (a: number, b: number) => {
    const t = performance.now();
    const rows = generateRows(a, b, installments, order, seed, table);
    tally.generate.ms += performance.now() - t;
    return rows;
  };
  if (table === 'installments' && order === 'shuffled') {
    const rows = generate(from, to);
    for (let i = 0; i < rows.length; i += SLICE * installments) yield rows.slice(i, i + SLICE * installments).join('');
    return;
  }
  for (let a = from; a <= to; a += SLICE) yield generate(a, Math.min(to, a + SLICE - 1)).join('');
}

export async function loadChunkCopy(pool: Pool, from: number, to: number, installments: number, order: PhysicalOrder, seed: number, tally: LoadTally): Promise<void> {
  await inTransaction(pool, async (db) => {
    // A bulk load: triggers (and the foreign-key checks) off, COPY included; the generator wrote the repayment state.
    await db.query('SET LOCAL session_replication_role = replica');
    for (const table of TABLES) {
      await tallied(tally, table, async () => {
        const stream = db.query(copyFrom(`COPY ${COPY_COLUMNS[table]} FROM STDIN`));
        await pipeline(Readable.from(copyText(from, to, installments, order, seed, table, tally)), stream);
        return stream.rowCount;
      });
    }
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const thousands = (n: number) => n.toLocaleString('en-US');

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t };
}

/** The ISO date `days` after `date`. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * One payment of 1.00 to `percent` % of the accounts (spread over the book by a hash of the
 * day), value-dated that day, with the triggers on (the change capture included), in
 * statements of 10,000 accounts. Returns how many payments were written.
 */
async function changeAccounts(pool: Pool, accounts: number, percent: number, day: string): Promise<number> {
  let written = 0;
  for (let from = 1; percent > 0 && from <= accounts; from += CHUNK / 10) {
    const { rowCount } = await pool.query(
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
       SELECT 'BENCH-CHG-' || $3 || '-' || g, 'BENCH-' || lpad(g::text, 8, '0'), 100, 'CNY', $3::date, 'BANK_TRANSFER', 'IMPORT'
       FROM generate_series($1::int, $2::int) AS g
       WHERE abs(hashint4(g + 7919 * extract(doy FROM $3::date)::int)) % 100 < $4`,
      [from, Math.min(accounts, from + CHUNK / 10 - 1), day, percent],
    );
    written += rowCount ?? 0;
  }
  return written;
}

/** A logger that keeps the step timings of the run it is given (runScreening's last log line). */
function stepsLog(): { log: pino.Logger; steps: () => Record<string, number> } {
  let steps: Record<string, number> = {};
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { stepsMs?: Record<string, number> };
        if (entry.stepsMs) steps = entry.stepsMs;
      }
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), steps: () => steps };
}

/** The two runs wrote the same counts and the same ranked list, row for row. */
async function sameOutputs(pool: Pool, a: ScreeningRunSummary, b: ScreeningRunSummary): Promise<boolean> {
  const { rows } = await pool.query(
    `WITH x AS (SELECT rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority, score
               FROM collection_list WHERE screening_run_id = $1),
          y AS (SELECT rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority, score
               FROM collection_list WHERE screening_run_id = $2)
     SELECT (SELECT count(*) FROM (TABLE x EXCEPT TABLE y) d)::int + (SELECT count(*) FROM (TABLE y EXCEPT TABLE x) d)::int AS differences`,
    [a.screeningRunId, b.screeningRunId],
  );
  const counts = (r: ScreeningRunSummary) => JSON.stringify([r.accountsScanned, r.overdueAccounts, r.countsByBucket, r.countsByTier]);
  return (rows[0] as { differences: number }).differences === 0 && counts(a) === counts(b);
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      accounts: { type: 'string', default: '1000000' },
      installments: { type: 'string', default: '12' },
      order: { type: 'string', default: 'account' },
      load: { type: 'string', default: 'copy' },
      seed: { type: 'string', default: '1' },
      'verify-all': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const accounts = Number(flags.accounts);
  const installments = Number(flags.installments);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 50_000_000) throw new Error('--accounts takes a whole number from 1 to 50000000');
  if (!Number.isInteger(installments) || installments < 1 || installments > 120) throw new Error('--installments takes a whole number from 1 to 120');
  if (flags.order !== 'account' && flags.order !== 'shuffled') throw new Error('--order is account or shuffled');
  const order: PhysicalOrder = flags.order;
  if (flags.load !== 'copy' && flags.load !== 'insert-select') throw new Error('--load is copy or insert-select');
  const method: LoadMethod = flags.load;
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0x7fffffff) throw new Error('--seed takes a whole number from 0 to 2147483647');

  const run = createBenchRun('screening');
  try {
    const postgres = await startPostgres({ clusterDir: path.join(run.runDir, 'postgres'), port: await freePort(), database: 'arrears_bench', log: run.log, unsafeFast: false });
    run.onCleanup('postgres', () => postgres.stop());
    await migrateUp(postgres.url, run.log);
    const pool = createPool(postgres.url, 4);
    run.onCleanup('pool', () => pool.end());
    out(`setup: embedded Postgres up in ${seconds(Date.now() - run.began)}; book of ${thousands(accounts)} accounts x ${installments} installments (${order} order on disk, loaded by ${method === 'copy' ? `COPY, seed ${seed}` : 'INSERT … SELECT'}), screened as of ${AS_OF}`);

    // 1. the book
    const tally = newTally();
    const load = await timed(async () => {
      for (let from = 1; from <= accounts; from += CHUNK) {
        const to = Math.min(accounts, from + CHUNK - 1);
        if (method === 'copy') await loadChunkCopy(pool, from, to, installments, order, seed, tally);
        else await loadChunkInsertSelect(pool, from, to, installments, order, tally);
        process.stderr.write(`\r  loaded ${thousands(Math.min(accounts, from + CHUNK - 1))} accounts`);
      }
      process.stderr.write('\n');
    });
    // the per-account rollup the live scan reads, by the triggers' own function, chunk by chunk
    const rollup = await timed(async () => {
      for (let from = 1; from <= accounts; from += CHUNK) {
        await pool.query(
          `SELECT refresh_account_repayment_state(array_agg('BENCH-' || lpad(g::text, 8, '0'))) FROM generate_series($1::int, $2::int) AS g`,
          [from, Math.min(accounts, from + CHUNK - 1)],
        );
      }
    });
    const vacuum = await timed(() => pool.query('VACUUM ANALYZE'));
    const { rows: sizes } = await pool.query(
      `SELECT (SELECT count(*) FROM installments)::bigint AS installments, (SELECT count(*) FROM payments)::bigint AS payments,
              pg_size_pretty(pg_table_size('installments')) AS installments_size, pg_size_pretty(pg_table_size('payments')) AS payments_size`,
    );
    const book = sizes[0] as { installments: number; payments: number; installments_size: string; payments_size: string };
    const how = method === 'copy' ? 'COPY … FROM STDIN, generated in Node' : 'INSERT … SELECT generate_series';
    out(`load: ${seconds(load.ms)} (${how}, triggers off), account rollup ${seconds(rollup.ms)}, VACUUM ANALYZE ${seconds(vacuum.ms)}`);
    if (method === 'copy') out(`      of which generating the rows in Node, while Postgres takes the previous slice: ${seconds(tally.generate.ms)}`);
    for (const table of TABLES) {
      const { ms, rows } = tally[table];
      out(`      ${table.padEnd(12)} ${seconds(ms).padStart(9)}  ${thousands(rows).padStart(11)} rows  ${thousands(Math.round(rows / (ms / 1000))).padStart(10)} rows/s`);
    }
    out(`      ${thousands(book.installments)} installments (${book.installments_size}), ${thousands(book.payments)} payments (${book.payments_size})`);

    // 2. the generator's repayment state, re-derived by the triggers' function: no change expected
    const verify = await timed(async () => {
      const step = flags['verify-all'] ? 1 : Math.max(1, Math.floor(accounts / SAMPLE));
      const { rows } = await pool.query(
        `SELECT refresh_repayment_state(array_agg('BENCH-' || lpad(g::text, 8, '0'))) AS changed, count(*)::int AS n
         FROM generate_series(1, $1::int, $2::int) AS g`,
        [accounts, step],
      );
      return rows[0] as { changed: number; n: number };
    });
    out(`check: refresh_repayment_state over ${thousands(verify.value.n)} accounts changed ${verify.value.changed} installment rows (expected 0) in ${seconds(verify.ms)}`);
    if (verify.value.changed !== 0) throw new Error('the generated repayment state disagrees with the trigger function');

    // 3. the bare scan, warm: the best of three after one to warm the cache
    await pool.query('SELECT count(*) FROM installments');
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) counts.push((await timed(() => pool.query('SELECT count(*) FROM installments'))).ms);
    const bare = Math.min(...counts);
    out(`bare: SELECT count(*) FROM installments: ${seconds(bare)} (best of ${counts.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`);
    // what any per-account pass pays at least: one hash-aggregate group per account
    const grouped = await inTransaction(pool, async (db) => {
      await tuneScanTransaction(db);
      return (await timed(() => db.query('SELECT count(*) FROM (SELECT account_id, count(*) FROM installments GROUP BY account_id) g'))).ms;
    });
    out(`      SELECT account_id, count(*) FROM installments GROUP BY account_id: ${seconds(grouped)} (${(grouped / bare).toFixed(1)}x the bare count)`);

    // 4. the screening: the first run gives every account its tier; the next one (the daily case) writes only changes
    const config = loadScreeningConfig();
    const screen = (key: string) => timed(() => runScreening(pool, { asOf: AS_OF, idempotencyKey: key, config, log: run.log }));
    const first = await screen('bench-first');
    const again = await screen('bench-again');
    const report = (label: string, r: { value: ScreeningRunSummary; ms: number }) =>
      out(
        `scan: ${label} ${seconds(r.ms)}  ${thousands(Math.round(book.installments / (r.ms / 1000)))} installments/s, ${thousands(Math.round(accounts / (r.ms / 1000)))} accounts/s, ${(r.ms / bare).toFixed(1)}x the bare count`,
      );
    report(`first run (every tier written, ${first.value.pass})`, first);
    report(`next run, same day (${again.value.pass}, ${thousands(again.value.accountsRead ?? 0)} read)`, again);
    const s = again.value;
    out(`      ${thousands(s.accountsScanned)} scanned, ${thousands(s.overdueAccounts)} overdue (${((100 * s.overdueAccounts) / s.accountsScanned).toFixed(1)} %)`);
    out(`      buckets ${JSON.stringify(s.countsByBucket)}`);
    out(`      tiers   ${JSON.stringify(s.countsByTier)}`);

    // 5. the plan of the pass itself, and the same pass in one process for comparison
    const explain = (workers?: number, setting?: string) =>
      inTransaction(pool, async (db) => {
        await tuneScanTransaction(db);
        if (workers !== undefined) await db.query(`SET LOCAL max_parallel_workers_per_gather = ${workers}`);
        if (setting !== undefined) await db.query(`SET LOCAL ${setting}`);
        const { text, values } = scanQuery({ asOf: AS_OF, paymentsThrough: null, config });
        const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
        return rows.map((r: Record<string, string>) => r['QUERY PLAN'] ?? '');
      });
    const plan = await explain();
    out('plan: EXPLAIN (ANALYZE, BUFFERS) of the pass (work_mem 256MB, as in runScreening):');
    for (const line of plan) out(`      ${line}`);
    const serial = (await explain(0)).find((l) => l.startsWith('Execution Time'));
    out(`      the same pass without parallel workers: ${serial}`);
    const merged = (await explain(undefined, 'enable_hashjoin = off')).find((l) => l.startsWith('Execution Time'));
    out(`      the same pass with enable_hashjoin = off (merge joins in key order): ${merged}`);

    // 5b. the historical path (payments through the as-of date): account_figures' full pass
    const historical = await timed(() => runScreening(pool, { asOf: AS_OF, paymentsThrough: AS_OF, idempotencyKey: 'bench-historical', config, log: run.log }));
    out(`      historical run (payments through ${AS_OF}, the full pass): ${seconds(historical.ms)}, ${(historical.ms / bare).toFixed(1)}x the bare count`);

    // 5c. the cost on write: one payment's refresh of one account, split into its two steps
    const writeCost = await inTransaction(pool, async (db) => {
      const ids = Array.from({ length: 1000 }, (_, i) => `BENCH-${String(1 + ((i * 7919) % accounts)).padStart(8, '0')}`);
      const each = async (fn: string) =>
        (await timed(async () => {
          for (const id of ids) await db.query(`SELECT ${fn}(ARRAY[$1::text])`, [id]);
        })).ms / ids.length;
      return { installments: await each('refresh_installment_repayment_state'), rollup: await each('refresh_account_repayment_state'), both: await each('refresh_repayment_state') };
    });
    out(
      `write: one account's refresh (round trip, average of 1000): installments' state ${writeCost.installments.toFixed(3)} ms, account rollup ${writeCost.rollup.toFixed(3)} ms, both ${writeCost.both.toFixed(3)} ms`,
    );
    const payments = await timed(async () => {
      for (let i = 0; i < 500; i++) {
        const id = `BENCH-${String(1 + ((i * 104729) % accounts)).padStart(8, '0')}`;
        await pool.query(
          `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 100, 'CNY', $3, 'BANK_TRANSFER', 'IMPORT')`,
          [`BENCH-WRITE-${i}`, id, AS_OF],
        );
      }
    });
    out(`       a payment INSERT (its own transaction, triggers on): ${(payments.ms / 500).toFixed(3)} ms on average over 500`);

    // 6. one account, the workflow's path: the filter is pushed into the function
    const [top] = await readCollectionList(pool, s.screeningRunId, { afterRank: 0, limit: 1 });
    if (top) {
      const { rows } = await pool.query(`EXPLAIN (ANALYZE) SELECT * FROM account_figures($2::date) WHERE account_id = $1`, [top.accountId, AS_OF]);
      const execution = rows.map((r: Record<string, string>) => r['QUERY PLAN']).find((l) => l?.startsWith('Execution Time'));
      const calls = 1000;
      const many = await timed(async () => {
        for (let i = 0; i < calls; i++) await loadAccountFigures(pool, top.accountId, AS_OF);
      });
      out(`one account (${top.accountId}, rank 1): ${execution}; loadAccountFigures round trip ${(many.ms / calls).toFixed(3)} ms on average over ${calls}`);
    }
    // 6b. the incremental daily run (issue 20 §3): the next days, with nothing, 1 % and 10 %
    // of the accounts changed since the last run, each beside the full pass of the same day,
    // and both runs' lists and counts compared
    const changedPerDay = [0, 1, 10];
    for (const [n, percent] of changedPerDay.entries()) {
      const day = addDays(AS_OF, n + 1);
      const changed = await timed(() => changeAccounts(pool, accounts, percent, day));
      const dailySteps = stepsLog();
      const daily = await timed(() => runScreening(pool, { asOf: day, idempotencyKey: `bench-daily-${day}`, config, log: dailySteps.log }));
      const fullSteps = stepsLog();
      const fullPass = await timed(() => runScreening(pool, { asOf: day, idempotencyKey: `bench-full-${day}`, config, pass: 'full', log: fullSteps.log }));
      const same = await sameOutputs(pool, daily.value, fullPass.value);
      out(
        `daily: ${day}, ${percent} % of the accounts changed (${thousands(changed.value)} payments, ${seconds(changed.ms)} with triggers on): ` +
          `${daily.value.pass} ${seconds(daily.ms)}, ${(daily.ms / bare).toFixed(1)}x the bare count, ${thousands(daily.value.accountsRead ?? 0)} accounts read; ` +
          `full pass ${seconds(fullPass.ms)}, ${(fullPass.ms / bare).toFixed(1)}x; outputs ${same ? 'identical' : 'DIFFER'}`,
      );
      out(`       where the time went (ms): daily ${JSON.stringify(dailySteps.steps())}; full ${JSON.stringify(fullSteps.steps())}`);
      if (!same) throw new Error(`the incremental run of ${day} differs from the full pass`);
    }

    // 7. the behaviour score (issue 21): a scorecard fitted on the book's own history (features
    // 30 days before the date, outcome on it), then the daily run scored with it: the time the
    // features and the points add to the scan. Last, so that the figures above stay the rules'.
    const fitFrom = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
    const fitted = await timed(() => fitScoreModel(pool, { asOf: fitFrom, outcomeAt: AS_OF }, config));
    await writeScoreModel(pool, fitted.value);
    const r = fitted.value.report;
    out(`score: fit (features as of ${fitFrom}, outcome at ${AS_OF}) ${seconds(fitted.ms)}: ${fitted.value.cards.length} features, holdout AUC ${r.auc.toFixed(3)} (tier rules ${r.rulesAuc.toFixed(3)})`);
    const scoredFirst = await screen('bench-score-first');
    const scoredAgain = await screen('bench-score-again');
    report('scored, first run (tiers change)', scoredFirst);
    report('scored, next run (tiers unchanged)', scoredAgain);
    out(`      tiers ${JSON.stringify(scoredAgain.value.countsByTier)}`);
    // the pass alone (the scan into its table, as runScreening does), with and without the
    // score, in turns, best of three each: what the features and points add
    const pass = (scoreModel?: ScoreModel) =>
      inTransaction(pool, async (db) => {
        await tuneScanTransaction(db);
        return (await timed(() => scanBook(db, { asOf: AS_OF, paymentsThrough: null, config, ...(scoreModel ? { scoreModel } : {}) }))).ms;
      });
    const rulesPass: number[] = [];
    const scoredPass: number[] = [];
    for (let i = 0; i < 3; i++) {
      rulesPass.push(await pass());
      scoredPass.push(await pass(fitted.value));
    }
    const bestRules = Math.min(...rulesPass);
    const bestScored = Math.min(...scoredPass);
    out(`      the pass alone, best of 3: tier rules ${seconds(bestRules)}, scored ${seconds(bestScored)}: the score adds ${seconds(bestScored - bestRules)} (${(bestScored / bestRules).toFixed(2)}x)`);
    out(`total: ${seconds(Date.now() - run.began)}`);
  } finally {
    await run.cleanup();
  }
}

if (require.main === module) runBench('bench:screening', main);

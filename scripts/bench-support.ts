/**
 * What the benches share: a throw-away run folder, an embedded Postgres (durable
 * settings) migrated to the latest schema, the Temporal dev server (SQLite, WAL,
 * headless) on free ports, a loan book of overdue accounts loaded in bulk, and a
 * clean-up that stops everything in reverse order (also on Ctrl-C) and removes the folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { migrateUp } from '../src/db/migrate';
import { inTransaction, type Pool } from '../src/db/pool';
import { daytimeZoneAt } from '../src/domain/time-zones';
import { createLogger } from '../src/logger';
import { DEFAULT_DATA_DIR } from '../src/paths';
import { freePort, startDevServer, type RunningDevServer } from '../src/setup/dev-server';
import { startPostgres, type RunningPostgres } from '../src/setup/postgres';
import { ensureTemporalCli } from '../src/setup/temporal-tools';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { DEMO_SERVICE_CLIENT_ID } from '../src/identity/local-provider-constants';
import { newSecret, newSigningKey } from '../src/identity/local-secrets';
import { startLocalProvider } from '../src/identity/start-local-provider';
import { serviceToken } from '../src/identity/tokens';

export const BENCH_NAMESPACE = 'default';
const DAY_MS = 86_400_000;

export const out = (line: string) => process.stdout.write(`${line}\n`);

export interface BenchRun {
  runDir: string;
  log: Logger;
  began: number;
  /** Registers a clean-up step; steps run last-registered first. */
  onCleanup(name: string, step: () => Promise<unknown> | unknown): void;
  cleanup(): Promise<void>;
}

/** A run folder under .data/bench and the clean-up that removes it; Ctrl-C cleans up too. */
export function createBenchRun(name: string): BenchRun {
  const log = createLogger('error', name);
  installTemporalRuntime(log);
  const runDir = path.join(DEFAULT_DATA_DIR, 'bench', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  fs.chmodSync(runDir, 0o755); // the embedded Postgres may run as a `postgres` user
  const steps: { name: string; step: () => Promise<unknown> | unknown }[] = [{ name: 'run dir', step: () => fs.rmSync(runDir, { recursive: true, force: true }) }];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const { name: what, step } of [...steps].reverse()) {
        try {
          await step();
        } catch (err) {
          process.stderr.write(`cleanup (${what}) failed: ${(err as Error).message}\n`);
        }
      }
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    })());
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { runDir, log, began: Date.now(), onCleanup: (what, step) => steps.push({ name: what, step }), cleanup };
}

export interface BenchServers {
  postgres: RunningPostgres;
  devServer: RunningDevServer;
}

/**
 * Postgres (migrated) and the dev server, both stopped by the run's clean-up. With
 * `temporalAddress`, a Temporal server already running there (its namespace and our search
 * attributes registered) is used instead of a dev server, and left running.
 */
export async function startBenchServers(run: BenchRun, database = 'arrears_bench', temporalAddress?: string): Promise<BenchServers> {
  const { log, runDir } = run;
  const pgPort = await freePort();
  const postgres = await startPostgres({ clusterDir: path.join(runDir, 'postgres'), port: pgPort, database, log, unsafeFast: false });
  run.onCleanup('postgres', () => postgres.stop());
  await migrateUp(postgres.url, log);
  if (temporalAddress) return { postgres, devServer: { address: temporalAddress, stop: async () => undefined } };
  const cli = await ensureTemporalCli({ log });
  const temporalPort = await freePort();
  const devServer = await startDevServer({ cli, port: temporalPort, dbFile: path.join(runDir, 'temporal.sqlite'), namespace: BENCH_NAMESPACE, logFile: path.join(runDir, 'temporal.log'), log });
  run.onCleanup('dev server', () => devServer.stop());
  return { postgres, devServer };
}

export interface BenchIdentity {
  /** OIDC_ISSUER for the API under test */
  issuer: string;
  /** `authorization` header value of the payment service (client-credentials grant) */
  serviceAuthorization(): Promise<string>;
}

/**
 * The local OpenID provider with fresh secrets, stopped by the run's clean-up: every API
 * route wants a token (issue 15), so the benches send the payment service's, as a backend would.
 */
export async function startBenchIdentity(run: BenchRun, databaseUrl: string): Promise<BenchIdentity> {
  const secrets = { signInSecret: newSecret(), serviceSecret: newSecret(), signingKey: await newSigningKey() };
  const provider = await startLocalProvider({ port: await freePort(), databaseUrl, secrets, logFile: path.join(run.runDir, 'oidc-provider.log') });
  run.onCleanup('oidc-provider', () => provider.process.stop());
  let token: { value: string; expiresAt: number } | undefined;
  return {
    issuer: provider.issuer,
    async serviceAuthorization() {
      if (!token || token.expiresAt - Date.now() < 60_000) {
        const issued = await serviceToken(provider.issuer, DEMO_SERVICE_CLIENT_ID, secrets.serviceSecret);
        token = { value: `Bearer ${issued.accessToken}`, expiresAt: issued.expiresAt.getTime() };
      }
      return token.value;
    },
  };
}

/** Polls `count` until it reaches `target`; fails loudly with what it last saw. */
export async function waitForCount(count: () => Promise<number>, target: number, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await count();
    if (seen >= target) return seen;
    await new Promise<void>((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: ${seen} of ${target} after ${timeoutMs} ms`);
}

/** Accounts of a seeded book (ids starting `prefix`) whose first contact step is settled: an attempt or its refusal recorded. */
export const firstStepsSettled = (pool: Pool, prefix: string) => async () =>
  (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT account_id FROM contact_attempts WHERE account_id LIKE $1
         UNION SELECT account_id FROM contact_blocks WHERE account_id LIKE $1) settled`,
      [`${prefix}%`],
    )
  ).rows[0]?.n ?? 0;

export interface OverdueBook {
  count: number;
  /** minor units overdue per account, one installment */
  overdue: number;
  daysPastDue: number;
  /** account ids are `${prefix}${n}`, n zero-padded to six digits from 1 */
  prefix: string;
}

/**
 * N borrowers with one account each and one installment `daysPastDue` days overdue, in one
 * transaction. The borrowers live where it is midday now, so every first reminder goes out
 * at once: none is refused for the night and then falls due in the middle of a load.
 */
export async function seedOverdueAccounts(pool: Pool, book: OverdueBook): Promise<string[]> {
  const ids = Array.from({ length: book.count }, (_, i) => `${book.prefix}${String(i + 1).padStart(6, '0')}`);
  const borrowers = ids.map((id) => `B-${id}`);
  const due = new Date(Date.now() - book.daysPastDue * DAY_MS).toISOString().slice(0, 10);
  const interest = Math.round(book.overdue * 0.15);
  const fees = Math.round(book.overdue * 0.05);
  await inTransaction(pool, async (db) => {
    await db.query('INSERT INTO borrowers (id, time_zone) SELECT b, $2 FROM unnest($1::text[]) AS t(b)', [borrowers, daytimeZoneAt(Date.now())]);
    await db.query(
      `INSERT INTO borrower_personal_data (borrower_id, full_name, mobile_phone) SELECT b, 'Bench Borrower', '+8613800000000' FROM unnest($1::text[]) AS t(b)`,
      [borrowers],
    );
    await db.query(
      `INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on)
       SELECT id, b, 'LOAN', 'CNY', $3, '2024-01-01' FROM unnest($1::text[], $2::text[]) AS t(id, b)`,
      [ids, borrowers, book.overdue],
    );
    await db.query(
      `INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due)
       SELECT id, 1, $2::date, $3, $4, $5 FROM unnest($1::text[]) AS t(id)`,
      [ids, due, book.overdue - interest - fees, interest, fees],
    );
  });
  return ids;
}

/** The pid of the dev server listening on `address` (Linux /proc), to read its CPU time; undefined elsewhere. */
export function devServerPid(address: string): number | undefined {
  const port = address.split(':').at(-1);
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('start-dev') && args[args.indexOf('--port') + 1] === port) return Number(entry);
    }
  } catch {
    // no /proc: the figure is left out
  }
  return undefined;
}

/**
 * A process's parent and CPU times from /proc/<pid>/stat, in ms: its own (utime + stime)
 * and its exited children's (cutime + cstime). Undefined if it is gone or there is no /proc.
 */
function processStat(pid: number): { ppid: number; ownMs: number; exitedChildrenMs: number } | undefined {
  try {
    // after the command name: ppid is field 4; utime, stime, cutime, cstime are 14-17, in clock ticks (100 per second)
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ms = (i: number) => (Number(fields[i]) * 1000) / 100;
    return { ppid: Number(fields[1]), ownMs: ms(11) + ms(12), exitedChildrenMs: ms(13) + ms(14) };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc); undefined if unknown. */
export function processCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : processStat(pid)?.ownMs;
}

/** The postmaster's pid of the embedded Postgres whose cluster is `clusterDir`; undefined if none. */
export function postgresPid(clusterDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/**
 * CPU time in ms of a process and every process under it, the exited ones included
 * (Linux /proc): Postgres does its work in one backend process per connection.
 */
export function processTreeCpuMs(root: number | undefined): number | undefined {
  if (root === undefined || processStat(root) === undefined) return undefined;
  const stats = new Map<number, NonNullable<ReturnType<typeof processStat>>>();
  for (const entry of fs.readdirSync('/proc')) {
    const stat = /^\d+$/.test(entry) ? processStat(Number(entry)) : undefined; // undefined: not a process, or it ended meanwhile
    if (stat) stats.set(Number(entry), stat);
  }
  const inTree = (pid: number): boolean => pid === root || (pid > 1 && stats.has(pid) && inTree(stats.get(pid)!.ppid));
  let ms = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ms += stat.ownMs + stat.exitedChildrenMs;
  return ms;
}

/** Resident and peak resident memory of a process (Linux /proc), in bytes; undefined elsewhere. */
export function processMemory(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(/^\s*(\d+)/.exec(status.split(`${field}:`)[1] ?? '')?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Runs a bench's main and ends the process: 0 when it is done, 1 with the stack when it
 * failed. Exits explicitly, because a client or pool left open must not keep a finished
 * bench waiting (main's own clean-up has stopped the servers by then).
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}


/** A Prometheus text exposition, each series summed over its labels (by name). */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const series = new Map<string, number>();
  try {
    const text = await (await fetch(url)).text();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const le = /le="([^"]+)"/.exec(m[3] ?? '')?.[1];
      const key = le === undefined ? (m[1] as string) : `${m[1]}|${le}`;
      series.set(key, (series.get(key) ?? 0) + Number(m[4]));
    }
  } catch {
    // no metrics: the figures are left out
  }
  return series;
}

/**
 * Histograms and counters of the SDK's worker metrics between two scrapes: for each
 * histogram the count, mean and p50/p99 (upper bounds of the buckets they fall in).
 */
export function metricsDelta(before: Map<string, number>, after: Map<string, number>, pattern: RegExp): string[] {
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const lines: string[] = [];
  const names = [...new Set([...after.keys()].map((k) => k.split('|')[0] as string))].filter((n) => pattern.test(n)).sort();
  for (const name of names) {
    if (name.endsWith('_bucket')) {
      const base = name.slice(0, -'_bucket'.length);
      const count = delta(`${base}_count`);
      if (count <= 0) continue;
      const buckets = [...after.keys()]
        .filter((k) => k.startsWith(`${name}|`))
        .map((k) => ({ le: k.endsWith('|+Inf') ? Infinity : Number(k.split('|')[1]), n: delta(k) }))
        .sort((a, b) => a.le - b.le);
      const q = (p: number) => buckets.find((b) => b.n >= p * count)?.le ?? Infinity;
      lines.push(`${base}: ${count} observed, mean ${(delta(`${base}_sum`) / count).toFixed(3)}, p50 <= ${q(0.5)}, p99 <= ${q(0.99)}`);
    } else if (!name.endsWith('_sum') && !name.endsWith('_count')) {
      const d = delta(name);
      if (d !== 0 || /slots|cache_size/.test(name)) lines.push(`${name}: ${/slots|cache_size/.test(name) ? `${after.get(name)} at the end` : `+${d}`}`);
    }
  }
  return lines;
}

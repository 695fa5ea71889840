/**
 * What every `arrears` command needs: configuration, a logger and the database.
 * With DATABASE_URL unset the CLI uses the embedded Postgres under the data dir:
 * the one `npm start` runs, or, when that is not running, it starts the cluster
 * itself for the length of the command (and migrates it), so no manual step is needed.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { config, type Config } from '../config';
import { migrateUp } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import { createLogger } from '../logger';
import { startPostgres, type RunningPostgres } from '../setup/postgres';

export interface CliContext {
  cfg: Config;
  log: Logger;
  pool: Pool;
  databaseUrl: string;
}

const EMBEDDED_USER_URL = (port: number) => `postgres://arrears:arrears-local@127.0.0.1:${port}/arrears`;

async function canConnect(url: string): Promise<boolean> {
  const pool = createPool(url, 1);
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await pool.end();
  }
}

/** Runs `body` with a migrated database, and releases everything afterwards. */
export async function withCliContext<T>(body: (ctx: CliContext) => Promise<T>): Promise<T> {
  const cfg = config();
  // Commands print their own results on stdout; logs go to stderr, quiet by default.
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'cli', 2);
  let postgres: RunningPostgres | undefined;
  let databaseUrl = cfg.DATABASE_URL;
  if (!databaseUrl) {
    const running = EMBEDDED_USER_URL(cfg.EMBEDDED_PG_PORT);
    if (await canConnect(running)) databaseUrl = running;
    else {
      postgres = await startPostgres({ clusterDir: path.join(cfg.ARREARS_DATA_DIR, 'postgres'), port: cfg.EMBEDDED_PG_PORT, database: 'arrears', log });
      databaseUrl = postgres.url;
    }
  }
  await migrateUp(databaseUrl, log);
  const pool = createPool(databaseUrl);
  try {
    return await body({ cfg, log, pool, databaseUrl });
  } finally {
    await pool.end();
    await postgres?.stop();
  }
}

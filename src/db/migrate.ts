/**
 * Schema migrations with node-pg-migrate: plain SQL files under migrations/,
 * applied in order under an advisory lock, so concurrent starters are safe.
 */
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { MIGRATIONS_DIR } from '../paths';


export async function migrateUp(databaseUrl: string, log: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log: (message: string) => log.debug({ migration: message }, 'migrate'),
  });
  const names = applied.map((m) => m.name);
  log.info({ applied: names.length, names }, 'migrations up to date');
  return names;
}

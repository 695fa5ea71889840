/**
 * Schema migrations with node-pg-migrate: plain SQL files under migrations/,
 * applied in order under an advisory lock. A runner that finds the lock taken waits
 * for it (node-pg-migrate's default is to fail): every CLI command, worker and API
 * migrates on start, and two starting together must both go on.
 */
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { MIGRATIONS_DIR } from '../paths';
import { MIGRATION_LOCK_ID } from './migration-lock';


export async function migrateUp(databaseUrl: string, log: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    lockValue: MIGRATION_LOCK_ID,
    advisoryLockMode: 'wait',
    verbose: false,
    log: (message: string) => log.debug({ migration: message }, 'migrate'),
  });
  const names = applied.map((m) => m.name);
  log.info({ applied: names.length, names }, 'migrations up to date');
  return names;
}

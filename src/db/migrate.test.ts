/**
 * Migrating on start: every CLI command, worker and API runs the migrations first, so
 * two of them starting together meet at the migration lock. The later one must wait
 * for it and go on, not fail (CI once saw a CLI command refused with "Another
 * migration is already running").
 */
import { readdirSync } from 'node:fs';
import { Client } from 'pg';
import { MIGRATIONS_DIR } from '../paths';
import { emptyTestDatabase, migrationRunOn } from '../../test/own-database';
import { MIGRATION_LOCK_ID } from './migration-lock';

const MIGRATION_FILES = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;

async function appliedMigrations(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pgmigrations');
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

test('a runner that finds the migration lock taken waits for it, then migrates', async () => {
  const url = await emptyTestDatabase('migrate_lock_wait');
  const otherRunner = new Client({ connectionString: url });
  await otherRunner.connect();
  try {
    await otherRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const run = migrationRunOn(url);
    // Still running while the lock is held (a failing runner ends in well under this).
    const early = await Promise.race([run, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 4_000))]);
    expect(early).toBe('waiting');
    await otherRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    expect(await run).toEqual({ code: 0, stderr: '' });
  } finally {
    await otherRunner.end();
  }
  expect(await appliedMigrations(url)).toBe(MIGRATION_FILES);
});

test('runners started together all succeed, and each migration is applied once', async () => {
  const url = await emptyTestDatabase('migrate_together');
  const runs = await Promise.all([1, 2, 3].map(() => migrationRunOn(url)));
  expect(runs).toEqual([1, 2, 3].map(() => ({ code: 0, stderr: '' })));
  expect(await appliedMigrations(url)).toBe(MIGRATION_FILES);
});

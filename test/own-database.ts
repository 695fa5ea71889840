/**
 * A freshly migrated database of one test file's own, on the test cluster, for tests
 * whose subject reads the whole loan book (a screening scans every account): other
 * files' accounts must not show up in it, nor get workflows from it.
 *
 * Migrated by the real runner (`npm run migrate`) in a child process: jest cannot load
 * node-pg-migrate, an ESM-only package.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/paths';
import { recreateDatabase } from '../src/setup/postgres';
import { testDatabaseUrl } from './support';

/**
 * Its URL. `name` tells the file's database apart (letters, digits, "_"). It is
 * recreated empty each time; the test cluster goes away with the run.
 */
export async function ownTestDatabase(name: string): Promise<string> {
  const url = await emptyTestDatabase(name);
  const migration = await migrationRunOn(url);
  if (migration.code !== 0) throw new Error(`migrating ${name} failed (exit ${migration.code}): ${migration.stderr}`);
  return url;
}

/** The URL of a database of the file's own, recreated with no tables at all. */
export async function emptyTestDatabase(name: string): Promise<string> {
  if (!/^\w+$/.test(name)) throw new Error(`own test database name: letters, digits and "_" only: ${name}`);
  const shared = new URL(testDatabaseUrl('shared'));
  const database = `${shared.pathname.slice(1)}_${name}`;
  const url = new URL(shared);
  url.pathname = `/${database}`;
  const admin = new URL(shared);
  admin.pathname = '/postgres';
  await recreateDatabase(admin.toString(), database);
  return url.toString();
}

export interface MigrationEnded {
  code: number | null;
  stderr: string;
}

/** Runs `npm run migrate`'s runner on `url`, as every starter does; settles when it ends. */
export function migrationRunOn(url: string): Promise<MigrationEnded> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'db', 'migrate-cli.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
  }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code?: unknown; stderr?: string }) => ({ code: typeof err.code === 'number' ? err.code : 1, stderr: err.stderr ?? String(err) }),
  );
}

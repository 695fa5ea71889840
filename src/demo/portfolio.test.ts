import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { listOverdueAccounts } from '../db/account-figures';
import { createPool, type Pool } from '../db/pool';
import { PROJECT_ROOT } from '../paths';
import { recreateDatabase } from '../setup/postgres';
import { BUCKETS } from '../domain/buckets';
import { generateDemoPortfolio, loadDemoPortfolio } from './portfolio';

const anchor = '2026-11-23';

describe('generateDemoPortfolio', () => {
  it('is deterministic: the same options give the same rows, another seed different ones', () => {
    expect(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 })).toEqual(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 }));
    expect(generateDemoPortfolio({ accounts: 40, anchor, seed: 8 })).not.toEqual(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 }));
  });

  it('lays out schedules with no negative amount whose principal adds up to the account principal', () => {
    const { accounts, installments } = generateDemoPortfolio({ accounts: 300, anchor });
    for (const i of installments) {
      expect(Math.min(i.principalDue, i.interestDue, i.feesDue)).toBeGreaterThanOrEqual(0);
    }
    for (const account of accounts) {
      const scheduled = installments.filter((i) => i.accountId === account.id).reduce((sum, i) => sum + i.principalDue, 0);
      expect({ account: account.id, scheduled }).toEqual({ account: account.id, scheduled: account.principal });
    }
  });
});

// The demo ids are fixed (DEMO-A00001…), so the loading tests get a database of their own.
describe('loadDemoPortfolio', () => {
  const database = `arrears_test_demo_${randomBytes(4).toString('hex')}`;
  const onTestServer = (name: string) => {
    const testUrl = process.env.ARREARS_TEST_DATABASE_URL;
    if (!testUrl) throw new Error('ARREARS_TEST_DATABASE_URL is not set: run the tests through jest');
    return Object.assign(new URL(testUrl), { pathname: `/${name}` }).toString();
  };
  let pool: Pool;
  let firstLoad: number;

  async function rowCounts(): Promise<Record<string, number>> {
    const { rows } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    const counts: Record<string, number> = {};
    for (const { table_name } of rows) {
      const result = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${pg.escapeIdentifier(table_name)}`);
      counts[table_name] = result.rows[0]?.n ?? -1;
    }
    return counts;
  }

  beforeAll(async () => {
    await recreateDatabase(onTestServer('postgres'), database);
    const url = onTestServer(database);
    // node-pg-migrate is ESM-only and Jest's module loader cannot require it, so
    // migrateUp runs the way `npm run migrate` runs it: in its own process.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/db/migrate-cli.ts')], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    pool = createPool(url, 2);
    firstLoad = await loadDemoPortfolio(pool, { accounts: 300, anchor });
  });

  afterAll(async () => {
    await pool?.end();
    const admin = new pg.Client({ connectionString: onTestServer('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`).finally(() => admin.end());
  });

  it('inserts every account on the first load', () => {
    expect(firstLoad).toBe(300);
  });

  it('has between 30 % and 70 % of its accounts overdue', async () => {
    const share = (await listOverdueAccounts(pool, anchor)).length / 300;
    expect(share).toBeGreaterThanOrEqual(0.3);
    expect(share).toBeLessThanOrEqual(0.7);
  });

  // Due days are spread over the month, so the most recent missed installment can be
  // anything from 1 day to a month late.
  it('populates every delinquency bucket', async () => {
    const populated = new Set((await listOverdueAccounts(pool, anchor)).map((a) => a.bucket));
    expect(BUCKETS.filter((b) => b !== 'CURRENT' && !populated.has(b))).toEqual([]);
  });

  // Paid installments are paid to the fen: no account is "overdue" by a rounding remainder.
  it('every overdue account owes at least a real part of an installment', async () => {
    const smallest = Math.min(...(await listOverdueAccounts(pool, anchor)).map((a) => a.amountOverdue));
    expect(smallest).toBeGreaterThan(10_000); // more than 100.00
  });

  it('loading the same portfolio again inserts no account and changes no table', async () => {
    const before = await rowCounts();
    expect(before).toMatchObject({ borrowers: 300, borrower_personal_data: 300, accounts: 300 });
    expect(await loadDemoPortfolio(pool, { accounts: 300, anchor })).toBe(0);
    expect(await rowCounts()).toEqual(before);
  });
});

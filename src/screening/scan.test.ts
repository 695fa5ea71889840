/**
 * runScreening on a small book in a database of this file's own (a screening reads
 * every account): counts, ranks and priorities worked out by hand, the tiers written
 * back, idempotency by key, and a historical run that leaves today's tiers alone.
 */
import { createPool, type Pool } from '../db/pool';
import { ownTestDatabase } from '../../test/own-database';
import { addFixtureAccount } from './book-fixtures';
import type { ScreeningConfig } from './config';
import { readCollectionList, runScreening } from './scan';

const config: ScreeningConfig = {
  version: 'test-1',
  riskTiers: [
    { tier: 'HIGH', anyOf: { daysPastDueAtLeast: 61 } },
    { tier: 'MEDIUM', anyOf: { daysPastDueAtLeast: 1, onTimeRatioBelow: 0.75 } },
  ],
  defaultTier: 'LOW',
  priority: { amountWeight: 1, daysPastDueWeight: 2, daysPastDueCap: 180, tierWeights: { HIGH: 2, MEDIUM: 1, LOW: 0 } },
};
const AS_OF = '2025-06-15';

let pool: Pool;
const ids: Record<string, string> = {};

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('screening_scan'), 4);
  const due = (date: string, amount: number) => ({ due: date, principal: amount });
  // current, paid on its due date: LOW
  ids.current = await addFixtureAccount(pool, { installments: [due('2025-06-01', 1000)], payments: [{ amount: 1000, valueDate: '2025-06-01' }] });
  // 14 days past due (06-01): 1-30, MEDIUM
  ids.late14 = await addFixtureAccount(pool, { installments: [due('2025-06-01', 1000)] });
  // 45 days past due (05-01): 31-60, MEDIUM
  ids.late45 = await addFixtureAccount(pool, { installments: [due('2025-05-01', 500)] });
  // 100 days past due (03-07: 31 + 30 + 31 + 8): 91-180, HIGH
  ids.late100 = await addFixtureAccount(pool, { installments: [due('2025-03-07', 100_000)] });
  // caught up, but two of four installments were paid late (on-time 0.5 < 0.75): CURRENT, MEDIUM
  ids.caughtUp = await addFixtureAccount(pool, {
    installments: [due('2025-02-01', 100), due('2025-03-01', 100), due('2025-04-01', 100), due('2025-05-01', 100)],
    payments: [
      { amount: 200, valueDate: '2025-03-01' }, // #1 late, #2 on time
      { amount: 200, valueDate: '2025-05-01' }, // #3 late, #4 on time
    ],
  });
  // no schedule yet: CURRENT, LOW
  ids.empty = await addFixtureAccount(pool, {});
  // closed: not screened at all
  ids.closed = await addFixtureAccount(pool, { status: 'CLOSED', installments: [due('2025-01-01', 1000)] });
});

afterAll(async () => {
  await pool.end();
});

const tiers = async () => {
  const { rows } = await pool.query('SELECT id, risk_tier, xmin::text AS version FROM accounts');
  return new Map(rows.map((r: { id: string; risk_tier: string | null; version: string }) => [r.id, r]));
};

test('a run counts the open book per bucket and tier, and ranks the overdue accounts', async () => {
  const run = await runScreening(pool, { asOf: AS_OF, idempotencyKey: 'daily-2025-06-15', config });
  expect(run).toMatchObject({
    asOf: AS_OF,
    paymentsThrough: null,
    configVersion: 'test-1',
    accountsScanned: 6,
    overdueAccounts: 3,
    countsByBucket: { CURRENT: 3, '1-30': 1, '31-60': 1, '61-90': 0, '91-180': 1, '180+': 0 },
    countsByTier: { HIGH: 1, MEDIUM: 3, LOW: 2 },
    reused: false,
  });

  // priority = log10(1 + amount) + 2 * min(dpd, 180) / 180 + tier weight
  const list = await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: 10 });
  expect(list.map((e) => [e.rank, e.accountId, e.amountOverdue, e.daysPastDue, e.bucket, e.riskTier])).toEqual([
    [1, ids.late100, 100_000, 100, '91-180', 'HIGH'],
    [2, ids.late45, 500, 45, '31-60', 'MEDIUM'],
    [3, ids.late14, 1000, 14, '1-30', 'MEDIUM'],
  ]);
  expect(list[0]!.priority).toBeCloseTo(Math.log10(100_001) + (2 * 100) / 180 + 2, 5); // 8.111
  expect(list[1]!.priority).toBeCloseTo(Math.log10(501) + (2 * 45) / 180 + 1, 5); // 4.200
  expect(list[2]!.priority).toBeCloseTo(Math.log10(1001) + (2 * 14) / 180 + 1, 5); // 4.156
  expect(list[0]).toMatchObject({ currency: 'CNY', overduePrincipal: 100_000, overdueInterest: 0, overdueFees: 0 });
  expect(await readCollectionList(pool, run.screeningRunId, { afterRank: 1, limit: 1 })).toEqual([list[1]]);

  // the tier the workflows show is now the screening's; the closed account was not screened
  const after = await tiers();
  expect(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, after.get(id)?.risk_tier]))).toEqual({
    current: 'LOW',
    late14: 'MEDIUM',
    late45: 'MEDIUM',
    late100: 'HIGH',
    caughtUp: 'MEDIUM',
    empty: 'LOW',
    closed: null,
  });
});

test('the same key again returns the run already written and scans nothing', async () => {
  const first = await runScreening(pool, { asOf: AS_OF, idempotencyKey: 'retry-me', config });
  const before = await tiers();
  const again = await runScreening(pool, { asOf: AS_OF, idempotencyKey: 'retry-me', config });
  expect(again).toEqual({ ...first, reused: true });
  const { rows } = await pool.query('SELECT count(*)::int AS runs FROM screening_runs WHERE idempotency_key = $1', ['retry-me']);
  expect(rows[0].runs).toBe(1);
  const { rows: listed } = await pool.query('SELECT count(*)::int AS n FROM collection_list WHERE screening_run_id = $1', [first.screeningRunId]);
  expect(listed[0].n).toBe(3);
  // and a new run whose tiers are all unchanged rewrites no account row
  await runScreening(pool, { asOf: AS_OF, config });
  const after = await tiers();
  for (const [id, row] of before) expect(after.get(id)?.version).toBe(row.version);
});

test('a historical run counts only payments through its date and leaves the current tiers alone', async () => {
  // As of 05-20, through 05-20: late14's installment (06-01) is not due, current's is not
  // due either; late45 is 19 days past due; caughtUp had paid 400 of 400 by 05-01.
  const run = await runScreening(pool, { asOf: '2025-05-20', paymentsThrough: '2025-05-20', config });
  expect(run).toMatchObject({
    paymentsThrough: '2025-05-20',
    accountsScanned: 6,
    countsByBucket: { CURRENT: 4, '1-30': 1, '31-60': 0, '61-90': 1, '91-180': 0, '180+': 0 },
  });
  const list = await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: 10 });
  expect(list.map((e) => [e.accountId, e.daysPastDue])).toEqual([
    [ids.late100, 74], // 03-07 to 05-20: 24 + 30 + 20
    [ids.late45, 19],
  ]);
  // late14 was LOW as of 05-20, but the tier the workflows show stays today's
  expect((await tiers()).get(ids.late14!)?.risk_tier).toBe('MEDIUM');
});

test('bad options are refused before anything is written', async () => {
  await expect(runScreening(pool, { asOf: '2025-13-01', config })).rejects.toThrow();
  await expect(runScreening(pool, { asOf: AS_OF, paymentsThrough: 'yesterday', config })).rejects.toThrow();
});

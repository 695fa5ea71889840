/**
 * The agreement table on a small hand-made screening run: five holders with their
 * dataset labels, two of them on the run's collection list.
 */
import { randomInt } from 'node:crypto';
import type { Pool } from '../db/pool';
import { seedAccount, testPool, uniqueId } from '../../test/support';
import { bucketOfRepaymentStatus, formatAgreement, uciAgreement } from './uci-agreement';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

test('PAY_0 stands for the bucket of its months of delay; -2, -1 and 0 for CURRENT', () => {
  expect([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(bucketOfRepaymentStatus)).toEqual([
    'CURRENT',
    'CURRENT',
    'CURRENT',
    '1-30',
    '31-60',
    '61-90',
    '91-180',
    '91-180',
    '91-180',
    '180+',
    '180+',
    '180+',
  ]);
});

test('cross-tab of PAY_0 by the run\'s bucket, an account absent from the list being CURRENT, with the agreement per row', async () => {
  // [PAY_0, the bucket the run gave (undefined: not on the collection list)]
  const holders: [number, string | undefined][] = [
    [-1, undefined], // agrees
    [0, '1-30'], // disagrees: the run found it overdue
    [2, undefined], // disagrees: the run found nothing overdue
    [2, '31-60'], // agrees
    [2, '61-90'], // disagrees
  ];
  const accountIds: string[] = [];
  const { rows: runs } = await pool.query(
    `INSERT INTO screening_runs (idempotency_key, as_of, payments_through, config_version, finished_at, accounts_scanned, overdue_accounts)
     VALUES ($1, '2005-10-01', '2005-09-30', 'test', now(), 5, 3) RETURNING id`,
    [uniqueId('agreement')],
  );
  const runId = Number(runs[0].id);
  let rank = 0;
  for (const [pay0, bucket] of holders) {
    const accountId = await seedAccount(pool, { installments: [{ dueDate: '2005-09-15', amount: 10_000 }] });
    accountIds.push(accountId);
    await pool.query(
      `INSERT INTO uci_credit_card_reference (holder_id, account_id, pay_0, pay_2, pay_3, pay_4, pay_5, pay_6, default_payment)
       VALUES ($1, $2, $3, 0, 0, 0, 0, 0, false)`,
      [randomInt(100_000_000, 999_999_999), accountId, pay0],
    );
    if (bucket) {
      await pool.query(
        `INSERT INTO collection_list (screening_run_id, rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority)
         VALUES ($1, $2, $3, 10000, 10000, 0, 0, 16, $4, 'LOW', 1)`,
        [runId, ++rank, accountId, bucket],
      );
    }
  }

  const table = await uciAgreement(pool, runId, { accountIds });
  const zero = { CURRENT: 0, '1-30': 0, '31-60': 0, '61-90': 0, '91-180': 0, '180+': 0 };
  expect(table).toEqual({
    screeningRunId: runId,
    rows: [
      { pay0: -1, byBucket: { ...zero, CURRENT: 1 }, holders: 1, expected: 'CURRENT', agreeing: 1 },
      { pay0: 0, byBucket: { ...zero, '1-30': 1 }, holders: 1, expected: 'CURRENT', agreeing: 0 },
      { pay0: 2, byBucket: { ...zero, CURRENT: 1, '31-60': 1, '61-90': 1 }, holders: 3, expected: '31-60', agreeing: 1 },
    ],
    holders: 5,
    agreeing: 2,
  });
  expect(formatAgreement(table)).toEqual([
    `Agreement with the dataset's PAY_0 (September status), screening run ${runId}:`,
    ' PAY_0  CURRENT     1-30    31-60    61-90   91-180     180+  holders expected     agree',
    '    -1        1        0        0        0        0        0        1  CURRENT   100.0 %',
    '     0        0        1        0        0        0        0        1  CURRENT     0.0 %',
    '     2        1        0        1        1        0        0        3    31-60    33.3 %',
    '   all                                                              5             40.0 %',
  ]);
  await expect(uciAgreement(pool, runId + 1_000_000)).rejects.toThrow(/no screening run/);
});

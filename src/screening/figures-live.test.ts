/**
 * The live daily scan reads account_figures_live (the per-account rollup kept on write,
 * plus the overdue installments); it must give exactly the figures of account_figures'
 * full pass with every known payment counting. Checked on the edge cases that the
 * rollup handles apart (paid ahead of the as-of date, a payment value-dated after it,
 * nothing to pay, reversals), on several dates, and after writes that change the state.
 */
import type { Pool } from '../db/pool';
import { testPool } from '../../test/support';
import { addFixtureAccount, type FixtureAccount } from './book-fixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool('shared');
});
afterAll(async () => {
  await pool.end();
});

const COLUMNS = `account_id, currency, status, risk_tier, amount_overdue, overdue_principal, overdue_interest, overdue_fees,
  oldest_unpaid_due_date, overdue_installments, days_past_due, installments_due, installments_paid_on_time,
  amount_due_to_date, amount_repaid, longest_lateness_days, on_time_ratio, share_repaid`;

async function both(ids: string[], asOf: string): Promise<{ live: unknown[]; full: unknown[] }> {
  const read = async (source: string) =>
    (await pool.query(`SELECT ${COLUMNS} FROM ${source} WHERE account_id = ANY ($2::text[]) ORDER BY account_id`, [asOf, ids])).rows;
  return { live: await read('account_figures_live($1::date)'), full: await read('account_figures($1::date)') };
}

const inst = (due: string, fees = 100) => ({ due, principal: 700, interest: 200, fees });

const BOOK: FixtureAccount[] = [
  {},
  // paid ahead: #2 (due 03-01) settled on 02-20
  { installments: [inst('2025-02-01'), inst('2025-03-01'), inst('2025-04-01')], payments: [{ amount: 1000, valueDate: '2025-02-01' }, { amount: 1000, valueDate: '2025-02-20' }] },
  // far ahead: everything paid on day one
  { installments: [inst('2025-02-01'), inst('2025-03-01'), inst('2025-04-01')], payments: [{ amount: 3000, valueDate: '2025-01-05' }] },
  // late, partial and a payment value-dated after some of the as-of dates below
  {
    installments: [inst('2025-01-10'), inst('2025-02-10'), inst('2025-03-10'), inst('2025-04-10')],
    payments: [{ amount: 600, valueDate: '2025-01-20' }, { amount: 1900, valueDate: '2025-03-25' }, { amount: 500, valueDate: '2025-05-01', reversed: true }],
  },
  // a payment value-dated in the future settling an installment that is long due
  { installments: [inst('2025-01-01'), inst('2025-02-01')], payments: [{ amount: 1000, valueDate: '2025-12-31' }] },
  // nothing to pay on one installment (no principal, interest or fees), and a reversed payment
  {
    installments: [inst('2025-01-01'), { due: '2025-02-01', principal: 0 }, inst('2025-03-01')],
    payments: [{ amount: 1000, valueDate: '2025-01-01' }, { amount: 1000, valueDate: '2025-03-05', reversed: true }],
  },
  // stopped paying
  { status: 'CLOSED', installments: [inst('2025-01-01'), inst('2025-02-01'), inst('2025-03-01')], payments: [{ amount: 1000, valueDate: '2024-12-30' }] },
];
const DATES = ['2024-12-31', '2025-01-01', '2025-02-01', '2025-02-15', '2025-02-20', '2025-03-01', '2025-03-20', '2025-04-15', '2026-01-01'];

let ids: string[];
beforeAll(async () => {
  ids = [];
  for (const account of BOOK) ids.push(await addFixtureAccount(pool, account));
});

test.each(DATES)('as of %s the rollup gives the full pass its figures, account by account', async (asOf) => {
  const { live, full } = await both(ids, asOf);
  expect(live).toHaveLength(BOOK.length);
  expect(live).toEqual(full);
});

test('paid ahead, by hand: the installment paid ahead is not yet due and not yet counted', async () => {
  // As of 02-15: #1 (due 02-01) paid on its due date; #2 (due 03-01) paid 02-20 is ahead.
  // Due so far: one installment of 1,000, on time, repaid in full.
  const { rows } = await pool.query(
    `SELECT installments_due, installments_paid_on_time, amount_due_to_date, amount_repaid, longest_lateness_days
     FROM account_figures_live('2025-02-25') WHERE account_id = $1`,
    [ids[1]],
  );
  expect(rows).toEqual([{ installments_due: 1, installments_paid_on_time: 1, amount_due_to_date: 1000, amount_repaid: 1000, longest_lateness_days: 0 }]);
});

test('the rollup follows writes: a new payment, a reversal, a changed schedule', async () => {
  const id = await addFixtureAccount(pool, { installments: [inst('2025-01-01'), inst('2025-02-01')], payments: [{ amount: 500, valueDate: '2025-01-10' }] });
  const check = async () => {
    for (const asOf of ['2025-01-15', '2025-03-01']) {
      const { live, full } = await both([id], asOf);
      expect(live).toEqual(full);
    }
  };
  await check();
  await pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 1500, 'CNY', '2025-02-05', 'BANK_TRANSFER', 'IMPORT')`, [`${id}-late`, id]);
  await check();
  await pool.query(`UPDATE payments SET reversed_at = now() WHERE event_id = $1`, [`${id}-late`]);
  await check();
  await pool.query(`UPDATE installments SET principal_due = 100 WHERE account_id = $1 AND seq = 1`, [id]);
  await check();
  await pool.query(`DELETE FROM installments WHERE account_id = $1`, [id]);
  await check();
  // and the rollup the writes left equals one recomputed from scratch
  const { rows } = await pool.query('SELECT refresh_account_repayment_state($1::text[]) AS changed', [[id, ...ids]]);
  expect(rows).toEqual([{ changed: 0 }]);
});

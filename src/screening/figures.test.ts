/**
 * The oldest-due-first rule (account_figures, the one implementation) on the edge cases
 * of a real book, on the real Postgres. Every expectation is worked out by hand in the
 * comment above it. Amounts are minor units.
 */
import type { Pool } from '../db/pool';
import { listOverdueAccounts, loadAccountFigures } from '../db/account-figures';
import { testPool } from '../../test/support';
import { addFixtureAccount, fixtureId, type FixtureAccount } from './book-fixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool('shared');
});
afterAll(async () => {
  await pool.end();
});

interface Figures {
  amount_overdue: number;
  overdue_principal: number;
  overdue_interest: number;
  overdue_fees: number;
  oldest_unpaid_due_date: string | null;
  overdue_installments: number;
  days_past_due: number;
  installments_due: number;
  installments_paid_on_time: number;
  amount_due_to_date: number;
  amount_repaid: number;
  longest_lateness_days: number;
  on_time_ratio: number | null;
  share_repaid: number | null;
}

async function figures(accountId: string, asOf: string, paymentsThrough: string | null = null): Promise<Figures> {
  const { rows } = await pool.query(
    `SELECT amount_overdue, overdue_principal, overdue_interest, overdue_fees, oldest_unpaid_due_date, overdue_installments,
            days_past_due, installments_due, installments_paid_on_time, amount_due_to_date, amount_repaid,
            longest_lateness_days, on_time_ratio, share_repaid
     FROM account_figures($2::date, $3::date) WHERE account_id = $1`,
    [accountId, asOf, paymentsThrough],
  );
  expect(rows).toHaveLength(1);
  return rows[0] as Figures;
}

const account = (a: FixtureAccount) => addFixtureAccount(pool, a);
const nothingOverdue = { amount_overdue: 0, overdue_principal: 0, overdue_interest: 0, overdue_fees: 0, oldest_unpaid_due_date: null, overdue_installments: 0, days_past_due: 0 };
/** 1,000.00 split 700 / 200 / 100 */
const inst = (due: string) => ({ due, principal: 700, interest: 200, fees: 100 });

test('an account with no installments owes nothing and has no ratios yet', async () => {
  const id = await account({});
  expect(await figures(id, '2025-06-15')).toEqual({
    ...nothingOverdue,
    installments_due: 0,
    installments_paid_on_time: 0,
    amount_due_to_date: 0,
    amount_repaid: 0,
    longest_lateness_days: 0,
    on_time_ratio: null,
    share_repaid: null,
  });
});

test('all paid on their due dates: nothing overdue, every installment on time', async () => {
  const id = await account({
    installments: [inst('2025-02-01'), inst('2025-03-01'), inst('2025-04-01')],
    payments: [
      { amount: 1000, valueDate: '2025-02-01' },
      { amount: 1000, valueDate: '2025-03-01' },
      { amount: 1000, valueDate: '2025-04-01' },
    ],
  });
  expect(await figures(id, '2025-06-15')).toEqual({
    ...nothingOverdue,
    installments_due: 3,
    installments_paid_on_time: 3,
    amount_due_to_date: 3000,
    amount_repaid: 3000,
    longest_lateness_days: 0,
    on_time_ratio: 1,
    share_repaid: 1,
  });
});

test('paid late, then caught up: current again, the lateness stays in the behaviour', async () => {
  // 2,000 on 02-20 settles #1 (due 01-10: 41 days late) and #2 (due 02-10: 10 days late);
  // 1,000 on 03-05 settles #3 (due 03-10) early.
  const id = await account({
    installments: [inst('2025-01-10'), inst('2025-02-10'), inst('2025-03-10')],
    payments: [
      { amount: 2000, valueDate: '2025-02-20' },
      { amount: 1000, valueDate: '2025-03-05' },
    ],
  });
  const f = await figures(id, '2025-06-15');
  expect(f).toMatchObject({ ...nothingOverdue, installments_due: 3, installments_paid_on_time: 1, longest_lateness_days: 41, amount_repaid: 3000 });
  expect(f.on_time_ratio).toBeCloseTo(1 / 3, 12);
  // As of 02-15 (payments through that day) #1 was 36 days past due and #2 five days.
  expect(await figures(id, '2025-02-15', '2025-02-15')).toMatchObject({
    amount_overdue: 2000,
    oldest_unpaid_due_date: '2025-01-10',
    overdue_installments: 2,
    days_past_due: 36,
    installments_paid_on_time: 0,
    longest_lateness_days: 36,
    share_repaid: 0,
  });
});

test('partial payments spread over several installments: oldest first, fees then interest then principal', async () => {
  // Due 1,000 on 01-01, 02-01, 03-01, 04-01; paid 600 (01-15), 600 (02-15), 500 (03-20) = 1,700.
  // #1 is completed by the second payment (running 1,200 >= 1,000) on 02-15: 45 days late.
  // #2 gets 700: fees 100 and interest 200 in full, principal 400 of 700 -> 300 principal open.
  // #3 and #4 are open in full (700/200/100 each).
  // Overdue 300 + 1,000 + 1,000 = 2,300 = principal 1,700, interest 400, fees 200.
  // Oldest unpaid: #2, due 02-01; as of 04-15 that is 28 + 31 + 14 = 73 days past due.
  // Longest lateness: #2 still open, 73 days. Repaid 1,700 of 4,000 due.
  const id = await account({
    installments: [inst('2025-01-01'), inst('2025-02-01'), inst('2025-03-01'), inst('2025-04-01')],
    payments: [
      { amount: 600, valueDate: '2025-01-15' },
      { amount: 600, valueDate: '2025-02-15' },
      { amount: 500, valueDate: '2025-03-20' },
    ],
  });
  expect(await figures(id, '2025-04-15')).toEqual({
    amount_overdue: 2300,
    overdue_principal: 1700,
    overdue_interest: 400,
    overdue_fees: 200,
    oldest_unpaid_due_date: '2025-02-01',
    overdue_installments: 3,
    days_past_due: 73,
    installments_due: 4,
    installments_paid_on_time: 0,
    amount_due_to_date: 4000,
    amount_repaid: 1700,
    longest_lateness_days: 73,
    on_time_ratio: 0,
    share_repaid: 0.425,
  });
  const { rows } = await pool.query('SELECT seq, cumulative_due, allocated_paid, paid_off_on FROM installments WHERE account_id = $1 ORDER BY seq', [id]);
  expect(rows).toEqual([
    { seq: 1, cumulative_due: 1000, allocated_paid: 1000, paid_off_on: '2025-02-15' },
    { seq: 2, cumulative_due: 2000, allocated_paid: 700, paid_off_on: null },
    { seq: 3, cumulative_due: 3000, allocated_paid: 0, paid_off_on: null },
    { seq: 4, cumulative_due: 4000, allocated_paid: 0, paid_off_on: null },
  ]);
});

test('the split inside one installment: what is paid settles fees, then interest, then principal', async () => {
  const paid = async (amount: number) => {
    const id = await account({ installments: [inst('2025-03-01')], payments: [{ amount, valueDate: '2025-03-01' }] });
    const f = await figures(id, '2025-03-31');
    return [f.overdue_principal, f.overdue_interest, f.overdue_fees];
  };
  expect(await paid(50)).toEqual([700, 200, 50]); // half the fees
  expect(await paid(250)).toEqual([700, 50, 0]); // fees, then 150 of the interest
  expect(await paid(400)).toEqual([600, 0, 0]); // fees, interest, then 100 of the principal
  expect(await paid(999)).toEqual([1, 0, 0]);
});

test('a payment before the due date counts on time; nothing is overdue before the due date', async () => {
  const id = await account({ installments: [inst('2025-03-01')], payments: [{ amount: 1000, valueDate: '2025-02-20' }] });
  expect(await figures(id, '2025-03-15')).toMatchObject({ ...nothingOverdue, installments_due: 1, installments_paid_on_time: 1, longest_lateness_days: 0 });
  // An installment due on the as-of date is not overdue yet: day 1 past due is the day after.
  const unpaid = await account({ installments: [inst('2025-03-01')] });
  expect(await figures(unpaid, '2025-03-01')).toMatchObject({ ...nothingOverdue, installments_due: 0 });
  expect(await figures(unpaid, '2025-03-02')).toMatchObject({ amount_overdue: 1000, days_past_due: 1, longest_lateness_days: 1 });
});

test('future installments are not due; a prepayment goes to them and leaves the overdue one alone', async () => {
  // #1 (01-01) is unpaid; 1,500 is paid, so 1,000 settles #1 late (on 06-01) and 500 goes to #2.
  const id = await account({
    installments: [inst('2025-01-01'), inst('2025-07-01'), inst('2025-08-01')],
    payments: [{ amount: 1500, valueDate: '2025-06-01' }],
  });
  expect(await figures(id, '2025-06-15')).toMatchObject({
    ...nothingOverdue,
    installments_due: 1,
    installments_paid_on_time: 0,
    amount_due_to_date: 1000,
    longest_lateness_days: 151, // 01-01 to 06-01
  });
  const none = await account({ installments: [inst('2025-07-01')] });
  expect(await figures(none, '2025-06-15')).toMatchObject({ ...nothingOverdue, installments_due: 0, amount_due_to_date: 0 });
});

test('a credit-card schedule: monthly statements whose installment is the minimum due', async () => {
  // Statement 1: minimum 500 (interest 300, principal 200) due 08-15, paid 300 that day;
  // statement 2: minimum 800 (interest 350, late fee 250, principal 200) due 09-15, unpaid.
  // The 300 settles statement 1's interest; its 200 principal stays open.
  // Overdue 200 + 800 = 1,000 = principal 400, interest 350, fees 250; DPD 10-01 - 08-15 = 47.
  const id = await account({
    product: 'CREDIT_CARD',
    installments: [
      { due: '2005-08-15', principal: 200, interest: 300 },
      { due: '2005-09-15', principal: 200, interest: 350, fees: 250 },
    ],
    payments: [{ amount: 300, valueDate: '2005-08-15' }],
  });
  expect(await figures(id, '2005-10-01', '2005-10-01')).toMatchObject({
    amount_overdue: 1000,
    overdue_principal: 400,
    overdue_interest: 350,
    overdue_fees: 250,
    oldest_unpaid_due_date: '2005-08-15',
    overdue_installments: 2,
    days_past_due: 47,
    installments_paid_on_time: 0,
    share_repaid: 300 / 1300,
  });
  // a statement with nothing to pay (minimum 0) is on time by itself
  const quiet = await account({ product: 'CREDIT_CARD', installments: [{ due: '2005-08-15', principal: 0 }] });
  expect(await figures(quiet, '2005-10-01')).toMatchObject({ ...nothingOverdue, installments_due: 1, installments_paid_on_time: 1, on_time_ratio: 1 });
});

test("several accounts of one borrower: one account's payment never pays another", async () => {
  const borrowerId = fixtureId('B');
  await pool.query('INSERT INTO borrowers (id) VALUES ($1)', [borrowerId]);
  const paidOne = await account({ borrowerId, installments: [inst('2025-03-01')], payments: [{ amount: 1000, valueDate: '2025-03-01' }] });
  const other = await account({ borrowerId, installments: [inst('2025-03-01')] });
  expect(await figures(paidOne, '2025-03-31')).toMatchObject(nothingOverdue);
  expect(await figures(other, '2025-03-31')).toMatchObject({ amount_overdue: 1000, days_past_due: 30 });
});

test('a reversed payment does not count, as soon as it is reversed', async () => {
  const id = await account({
    installments: [inst('2025-03-01')],
    payments: [
      { amount: 400, valueDate: '2025-03-01', reversed: true },
      { amount: 1000, valueDate: '2025-03-01' },
    ],
  });
  expect(await figures(id, '2025-03-31')).toMatchObject(nothingOverdue);
  await pool.query('UPDATE payments SET reversed_at = now() WHERE event_id = $1', [`${id}-pay-2`]);
  expect(await figures(id, '2025-03-31')).toMatchObject({ amount_overdue: 1000, days_past_due: 30, installments_paid_on_time: 0 });
});

test('payments value-dated after payments_through do not count; without it every known payment does', async () => {
  // 600 on 03-10 and 400 on 04-10 against 1,000 due 03-01.
  const id = await account({
    installments: [inst('2025-03-01')],
    payments: [
      { amount: 600, valueDate: '2025-03-10' },
      { amount: 400, valueDate: '2025-04-10' },
    ],
  });
  expect(await figures(id, '2025-03-31', '2025-03-31')).toMatchObject({ amount_overdue: 400, overdue_principal: 400, days_past_due: 30 });
  // live (no payments_through): the payment value-dated later already counts, as a
  // payment value-dated "tomorrow" in another time zone must cure today
  expect(await figures(id, '2025-03-31')).toMatchObject(nothingOverdue);
  expect(await figures(id, '2025-03-31', '2025-03-09')).toMatchObject({ amount_overdue: 1000 });
});

test('a back-dated payment arriving later re-applies oldest first', async () => {
  const id = await account({ installments: [inst('2025-01-01'), inst('2025-02-01')], payments: [{ amount: 1000, valueDate: '2025-02-10' }] });
  expect((await figures(id, '2025-03-01')).installments_paid_on_time).toBe(0);
  await pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 1000, 'CNY', '2024-12-31', 'CASH', 'API')`, [`${id}-late-news`, id]);
  // now #1 was paid on 12-31 (on time) and #2 on 02-10 (9 days late)
  expect(await figures(id, '2025-03-01')).toMatchObject({ ...nothingOverdue, installments_paid_on_time: 1, longest_lateness_days: 9 });
});

test('two payments committed at the same moment by two transactions both count', async () => {
  const id = await account({ installments: [inst('2025-03-01'), inst('2025-04-01')] });
  const [a, b] = [await pool.connect(), await pool.connect()];
  try {
    const pay = (client: typeof a, n: number) =>
      client.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 1000, 'CNY', '2025-03-01', 'CASH', 'API')`, [`${id}-race-${n}`, id]);
    await a.query('BEGIN');
    await b.query('BEGIN');
    await pay(a, 1);
    const second = pay(b, 2); // waits for the account lock the first holds
    await a.query('COMMIT');
    await second;
    await b.query('COMMIT');
  } finally {
    a.release();
    b.release();
  }
  expect(await figures(id, '2025-05-01')).toMatchObject(nothingOverdue);
});

test('the single-account path (workflow, relay, launcher) reads the same figures as the full scan', async () => {
  const ids = [
    await account({ installments: [inst('2025-01-01'), inst('2025-02-01')], payments: [{ amount: 1300, valueDate: '2025-02-15' }] }),
    await account({ installments: [inst('2025-05-01')], payments: [{ amount: 1000, valueDate: '2025-04-30' }] }),
    await account({}),
  ];
  const asOf = '2025-06-15';
  const { rows } = await pool.query('SELECT account_id, amount_overdue, days_past_due, oldest_unpaid_due_date, overdue_installments FROM account_figures($1::date)', [asOf]);
  const fullScan = new Map((rows as (Figures & { account_id: string })[]).map((r) => [r.account_id, r]));
  for (const id of ids) {
    const single = await loadAccountFigures(pool, id, asOf);
    const row = fullScan.get(id)!;
    expect(single).toMatchObject({ amountOverdue: row.amount_overdue, daysPastDue: row.days_past_due, oldestUnpaidDueDate: row.oldest_unpaid_due_date, overdueInstallments: row.overdue_installments });
  }
  // 1,300 settles #1 and 300 of #2: 700 overdue, 134 days (02-01 to 06-15: 28+31+30+31+14), bucket 91-180
  expect(await loadAccountFigures(pool, ids[0]!, asOf)).toMatchObject({ amountOverdue: 700, daysPastDue: 134, bucket: '91-180', riskTier: 'UNRATED' });
  const overdue = (await listOverdueAccounts(pool, asOf)).filter((f) => ids.includes(f.accountId));
  expect(overdue.map((f) => f.accountId)).toEqual([ids[0]]);
});

test('one account is filtered inside the function: its installments are read by account, not the whole book', async () => {
  const id = await account({ installments: [inst('2025-01-01'), inst('2025-02-01')], payments: [{ amount: 100, valueDate: '2025-01-01' }] });
  const { rows } = await pool.query(`EXPLAIN (FORMAT JSON) SELECT * FROM account_figures($2::date) WHERE account_id = $1`, [id, '2025-06-15']);
  // As the shared test database grows, the planner may read by bitmap: the account's condition is then the heap scan's Recheck Cond.
  type PlanNode = { 'Relation Name'?: string; 'Index Cond'?: string; 'Recheck Cond'?: string; Filter?: string; Plans?: PlanNode[] };
  const nodes: PlanNode[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(walk);
  };
  walk((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan);
  const installmentScans = nodes.filter((n) => n['Relation Name'] === 'installments');
  expect(installmentScans).toHaveLength(1);
  const scan = installmentScans[0]!;
  expect(`${scan['Index Cond'] ?? ''} ${scan['Recheck Cond'] ?? ''} ${scan.Filter ?? ''}`).toContain(`account_id = '${id}'`);
});

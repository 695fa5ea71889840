/** The overdue statement against the real Postgres: lines, running total, partial payments. */
import { OutboxSmsProvider } from './providers/sms-provider';
import type { Pool } from '../src/db/pool';
import { pay } from '../test/early-collection-seeds';
import { seedAccount, testPool, uniqueId } from '../test/support';
import { createStatementActivities } from './statement';

let pool: Pool;
let loadAccountStatement: ReturnType<typeof createStatementActivities>['loadAccountStatement'];

beforeAll(() => {
  pool = testPool('shared');
  ({ loadAccountStatement } = createStatementActivities({ pool, smsProvider: new OutboxSmsProvider(pool), businessTimeZone: 'Asia/Shanghai' }));
});
afterAll(async () => {
  await pool.end();
});

// 10:00 on 10 June 2026 in Shanghai: the business day is 2026-06-10.
const AT = Date.parse('2026-06-10T02:00:00Z');

/** Four installments of CNY 100.00 (principal 80.00, interest 15.00, fees 5.00): three overdue, one due today, one later. */
async function accountWithThreeOverdue(): Promise<string> {
  return seedAccount(pool, {
    installments: ['2026-03-15', '2026-04-15', '2026-05-15', '2026-06-10', '2026-07-15'].map((dueDate) => ({ dueDate, amount: 10_000 })),
  });
}

const line = (installmentNo: number, dueDate: string, daysPastDue: number, fees: number, interest: number, principal: number, runningTotal: number) => ({
  installmentNo,
  dueDate,
  amountDue: 10_000,
  outstandingFees: fees,
  outstandingInterest: interest,
  outstandingPrincipal: principal,
  outstanding: fees + interest + principal,
  runningTotal,
  daysPastDue,
});

/** account_figures' own overdue split, to hold the statement's lines against. */
async function figuresSplit(accountId: string) {
  const { rows } = await pool.query('SELECT overdue_principal, overdue_interest, overdue_fees FROM account_figures($2::date) WHERE account_id = $1', [accountId, '2026-06-10']);
  return rows[0] as { overdue_principal: number; overdue_interest: number; overdue_fees: number };
}

function splitOf(lines: { outstandingPrincipal: number; outstandingInterest: number; outstandingFees: number }[]) {
  const sum = (pick: (l: (typeof lines)[number]) => number) => lines.reduce((total, l) => total + pick(l), 0);
  return { overdue_principal: sum((l) => l.outstandingPrincipal), overdue_interest: sum((l) => l.outstandingInterest), overdue_fees: sum((l) => l.outstandingFees) };
}

test('every overdue installment, oldest first, with the running total; the one due today is not overdue yet', async () => {
  const accountId = await accountWithThreeOverdue();
  const { figures, statement } = await loadAccountStatement({ accountId, at: AT });

  expect(statement).toEqual({
    accountId,
    asOf: '2026-06-10',
    currency: 'CNY',
    lines: [line(1, '2026-03-15', 87, 500, 1500, 8000, 10_000), line(2, '2026-04-15', 56, 500, 1500, 8000, 20_000), line(3, '2026-05-15', 26, 500, 1500, 8000, 30_000)],
    totalOverdue: 30_000,
  });
  expect(figures).toMatchObject({ accountId, asOf: '2026-06-10', amountOverdue: 30_000, daysPastDue: 87, overdueInstallments: 3, bucket: '61-90' });
  expect(statement.totalOverdue).toBe(figures.amountOverdue);
  expect(splitOf(statement.lines)).toEqual(await figuresSplit(accountId));
});

test('partial payments: oldest installment first, and within one fees, then interest, then principal', async () => {
  const accountId = await accountWithThreeOverdue();
  // 123.00 clears installment 1 and pays 23.00 of installment 2: its fees 5.00, interest 15.00, principal 3.00.
  await pay(pool, accountId, 12_300, '2026-06-01');
  let { figures, statement } = await loadAccountStatement({ accountId, at: AT });
  expect(statement.lines).toEqual([line(2, '2026-04-15', 56, 0, 0, 7700, 7700), line(3, '2026-05-15', 26, 500, 1500, 8000, 17_700)]);
  expect(statement.totalOverdue).toBe(17_700);
  expect(figures).toMatchObject({ amountOverdue: 17_700, daysPastDue: 56, overdueInstallments: 2 });
  expect(splitOf(statement.lines)).toEqual(await figuresSplit(accountId));

  // 80.00 more: 77.00 clears installment 2, 3.00 pays part of installment 3's fees.
  await pay(pool, accountId, 8000, '2026-06-05');
  ({ figures, statement } = await loadAccountStatement({ accountId, at: AT }));
  expect(statement.lines).toEqual([line(3, '2026-05-15', 26, 200, 1500, 8000, 9700)]);
  expect(statement.totalOverdue).toBe(figures.amountOverdue);
  expect(figures.amountOverdue).toBe(9700);
  expect(splitOf(statement.lines)).toEqual(await figuresSplit(accountId));
});

test('nothing overdue: no lines and a total of zero, like the figures', async () => {
  const accountId = await accountWithThreeOverdue();
  await pay(pool, accountId, 30_000, '2026-06-09');
  const { figures, statement } = await loadAccountStatement({ accountId, at: AT });
  expect(statement).toMatchObject({ lines: [], totalOverdue: 0 });
  expect(figures.amountOverdue).toBe(0);
});

test('the business day is the bank zone’s: at 23:30 UTC on 9 June it is already 10 June in Shanghai', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: '2026-06-09', amount: 10_000 }] });
  const { statement } = await loadAccountStatement({ accountId, at: Date.parse('2026-06-09T23:30:00Z') });
  expect(statement.asOf).toBe('2026-06-10');
  expect(statement.lines.map((l) => [l.dueDate, l.daysPastDue])).toEqual([['2026-06-09', 1]]);
});

test('an unknown account is a non-retryable failure', async () => {
  await expect(loadAccountStatement({ accountId: uniqueId('NOPE'), at: AT })).rejects.toMatchObject({ type: 'AccountNotFound', nonRetryable: true });
});

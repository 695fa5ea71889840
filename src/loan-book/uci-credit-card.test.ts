/**
 * The UCI credit-card mapping, end to end into the real Postgres, on three holders of
 * the dataset (lines 2, 4 and 9 of the file, under fresh IDs so that test runs do not
 * meet), with their statements and payments computed by hand.
 */
import { randomInt } from 'node:crypto';
import type { Pool } from '../db/pool';
import { testPool } from '../../test/support';
import { importLoanBook } from './import-loan-book';
import { formatIssue } from './records';
import { uciAccountId, uciBorrowerId, uciMinimumDue, uciOpeningArrearsDueDates } from './uci-credit-card';

const HEADER =
  '"ID","LIMIT_BAL","SEX","EDUCATION","MARRIAGE","AGE","PAY_0","PAY_2","PAY_3","PAY_4","PAY_5","PAY_6",' +
  '"BILL_AMT1","BILL_AMT2","BILL_AMT3","BILL_AMT4","BILL_AMT5","BILL_AMT6","PAY_AMT1","PAY_AMT2","PAY_AMT3","PAY_AMT4","PAY_AMT5","PAY_AMT6","default_payment"';
/** Holders 1, 3 and 8 of the dataset, as the file has them (holder 8's limit is written 1e+05). */
const HOLDERS = [
  ',20000,2,2,1,24,2,2,-1,-1,-2,-2,3913,3102,689,0,0,0,0,689,0,0,0,0,1',
  ',90000,2,2,2,34,0,0,0,0,0,0,29239,14027,13559,14331,14948,15549,1518,1500,1000,1000,1000,5000,0',
  ',1e+05,2,2,2,23,0,-1,-1,0,0,-1,11876,380,601,221,-159,567,380,601,0,581,1687,1542,0',
];

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;

test('the minimum due: 2 % of the statement balance rounded up to a whole NT$, at most the balance, 0 without a debit balance', () => {
  expect([689, 3102, 3913, 15549, 100, 101, 49, 1, 0, -159].map((balance) => uciMinimumDue(balance, 20_000))).toEqual([14, 63, 79, 311, 2, 3, 1, 1, 0, 0]);
});

test('over the credit limit, the part over it is due in full on top of the 2 %', () => {
  // 21,000 on a 20,000 limit: 420 + 1,000; 20,000 exactly: 400; a balance far over: at most the balance
  expect([uciMinimumDue(21_000, 20_000), uciMinimumDue(20_000, 20_000), uciMinimumDue(5_000, 0)]).toEqual([1_420, 400, 5_000]);
});

test('a first statement reported n cycles past due owes minimums due on its month\'s 15th and the n - 1 months before', () => {
  expect(uciOpeningArrearsDueDates(0)).toEqual([]);
  expect(uciOpeningArrearsDueDates(3)).toEqual(['2005-04-15', '2005-03-15', '2005-02-15']);
});

test('a holder opening two cycles late: two earlier minimums owed, and each statement carries the status the core reported', async () => {
  // holder 2 of the dataset: PAY_6 = 2 in April, balance 3,261 then
  const id = randomInt(1_000_000, 9_999_999);
  const line = `${id},120000,2,2,2,26,-1,2,0,0,0,2,2682,1725,2682,3272,3455,3261,0,1000,1000,1000,0,2000,1`;
  const outcome = await importLoanBook(pool, { format: 'uci-credit-card', content: [HEADER, line].join('\n') });
  if (!outcome.ok) throw new Error(outcome.issues.map(formatIssue).join('\n'));
  const rows = await q('SELECT seq, due_date, amount_due, reported_cycles_past_due FROM installments WHERE account_id = $1 ORDER BY due_date, seq', [uciAccountId(id)]);
  // [seq, due date, minimum NT$, reported status]: 2 % of 3,261 is 65.22, so 66 each
  expect(rows.map((r) => [r.seq, r.due_date, r.amount_due / 100, r.reported_cycles_past_due])).toEqual([
    [8, '2005-03-15', 66, null],
    [7, '2005-04-15', 66, null],
    [1, '2005-05-15', 66, 2], // April's statement, PAY_6
    [2, '2005-06-15', 70, 0], // 3,455
    [3, '2005-07-15', 66, 0], // 3,272
    [4, '2005-08-15', 54, 0], // 2,682
    [5, '2005-09-15', 35, 2], // 1,725, PAY_2
    [6, '2005-10-15', 54, -1], // 2,682, PAY_0
  ]);
});

test('three holders: a card account, six statements, the payments against the previous statement, the labels; again: unchanged', async () => {
  const ids = [0, 1, 2].map(() => randomInt(1_000_000, 9_999_999));
  const content = [HEADER, ...HOLDERS.map((line, n) => `${ids[n]}${line}`)].join('\n');
  const [one, three, eight] = ids as [number, number, number];

  const outcome = await importLoanBook(pool, { format: 'uci-credit-card', content });
  if (!outcome.ok) throw new Error(outcome.issues.map(formatIssue).join('\n'));
  expect(outcome.counts.accounts).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
  expect(outcome.counts.installments).toEqual({ inserted: 18, updated: 0, unchanged: 0 });
  // PAY_AMT5 … PAY_AMT1 when not 0: holder 1 paid in August only, holder 8 not in July
  expect(outcome.counts.payments).toEqual({ inserted: 1 + 5 + 4, updated: 0, unchanged: 0 });
  expect(outcome.counts.reference).toEqual({ inserted: 3, updated: 0, unchanged: 0 });

  const accounts = ids.map(uciAccountId);
  expect(await q('SELECT id, borrower_id, product, currency, credit_limit, principal FROM accounts WHERE id = ANY($1) ORDER BY id', [accounts])).toEqual(
    [
      { id: uciAccountId(one), borrower_id: uciBorrowerId(one), product: 'CREDIT_CARD', currency: 'TWD', credit_limit: 2_000_000, principal: 0 },
      { id: uciAccountId(three), borrower_id: uciBorrowerId(three), product: 'CREDIT_CARD', currency: 'TWD', credit_limit: 9_000_000, principal: 0 },
      { id: uciAccountId(eight), borrower_id: uciBorrowerId(eight), product: 'CREDIT_CARD', currency: 'TWD', credit_limit: 10_000_000, principal: 0 },
    ].sort((a, b) => a.id.localeCompare(b.id)),
  );

  const statements = async (id: number) =>
    (await q('SELECT seq, statement_date, statement_balance, due_date, amount_due FROM installments WHERE account_id = $1 ORDER BY seq', [uciAccountId(id)])).map(
      (r) => [r.seq, r.statement_date, r.statement_balance / 100, r.due_date, r.amount_due / 100],
    );
  // [seq, statement date, balance NT$, due date, minimum due NT$]; April … September is BILL_AMT6 … BILL_AMT1
  expect(await statements(one)).toEqual([
    [1, '2005-04-30', 0, '2005-05-15', 0],
    [2, '2005-05-31', 0, '2005-06-15', 0],
    [3, '2005-06-30', 0, '2005-07-15', 0],
    [4, '2005-07-31', 689, '2005-08-15', 14], // 13.78 rounded up
    [5, '2005-08-31', 3102, '2005-09-15', 63], // 62.04
    [6, '2005-09-30', 3913, '2005-10-15', 79], // 78.26
  ]);
  expect(await statements(three)).toEqual([
    [1, '2005-04-30', 15549, '2005-05-15', 311],
    [2, '2005-05-31', 14948, '2005-06-15', 299],
    [3, '2005-06-30', 14331, '2005-07-15', 287],
    [4, '2005-07-31', 13559, '2005-08-15', 272],
    [5, '2005-08-31', 14027, '2005-09-15', 281],
    [6, '2005-09-30', 29239, '2005-10-15', 585],
  ]);
  expect(await statements(eight)).toEqual([
    [1, '2005-04-30', 567, '2005-05-15', 12],
    [2, '2005-05-31', -159, '2005-06-15', 0], // a credit balance: nothing due
    [3, '2005-06-30', 221, '2005-07-15', 5],
    [4, '2005-07-31', 601, '2005-08-15', 13],
    [5, '2005-08-31', 380, '2005-09-15', 8],
    [6, '2005-09-30', 11876, '2005-10-15', 238],
  ]);

  const payments = async (id: number) =>
    (await q('SELECT event_id, value_date, amount, currency, source FROM payments WHERE account_id = $1 ORDER BY value_date', [uciAccountId(id)])).map((r) => [
      r.event_id,
      r.value_date,
      r.amount / 100,
      r.currency,
      r.source,
    ]);
  // PAY_AMTk is paid in month k against the statement of the month before, on its due date; PAY_AMT6 (April) is not imported
  expect(await payments(one)).toEqual([[`UCI-PAY-${one}-2005-08`, '2005-08-15', 689, 'TWD', 'IMPORT']]);
  expect(await payments(three)).toEqual([
    [`UCI-PAY-${three}-2005-05`, '2005-05-15', 1000, 'TWD', 'IMPORT'],
    [`UCI-PAY-${three}-2005-06`, '2005-06-15', 1000, 'TWD', 'IMPORT'],
    [`UCI-PAY-${three}-2005-07`, '2005-07-15', 1000, 'TWD', 'IMPORT'],
    [`UCI-PAY-${three}-2005-08`, '2005-08-15', 1500, 'TWD', 'IMPORT'],
    [`UCI-PAY-${three}-2005-09`, '2005-09-15', 1518, 'TWD', 'IMPORT'],
  ]);
  expect(await payments(eight)).toEqual([
    [`UCI-PAY-${eight}-2005-05`, '2005-05-15', 1687, 'TWD', 'IMPORT'],
    [`UCI-PAY-${eight}-2005-06`, '2005-06-15', 581, 'TWD', 'IMPORT'],
    [`UCI-PAY-${eight}-2005-08`, '2005-08-15', 601, 'TWD', 'IMPORT'],
    [`UCI-PAY-${eight}-2005-09`, '2005-09-15', 380, 'TWD', 'IMPORT'],
  ]);

  expect(await q('SELECT holder_id, pay_0, pay_2, pay_3, pay_4, pay_5, pay_6, default_payment FROM uci_credit_card_reference WHERE holder_id = $1', [one])).toEqual([
    { holder_id: one, pay_0: 2, pay_2: 2, pay_3: -1, pay_4: -1, pay_5: -2, pay_6: -2, default_payment: true },
  ]);

  // Synthetic personal data: a Taiwanese mobile (preferred), an example.com e-mail, Taipei time.
  const [person] = await q(
    `SELECT b.time_zone, d.full_name, d.id_number, d.mobile_phone, d.email
       FROM borrowers b JOIN borrower_personal_data d ON d.borrower_id = b.id WHERE b.id = $1`,
    [uciBorrowerId(three)],
  );
  expect(person).toEqual({
    time_zone: 'Asia/Taipei',
    full_name: expect.stringMatching(/^[A-Z][a-z]+ [A-Z][a-z]+-[a-z]+$/),
    id_number: expect.stringMatching(/^[ABEFH][12]\d{8}$/),
    mobile_phone: expect.stringMatching(/^\+8869\d{8}$/),
    email: expect.stringMatching(new RegExp(`^[a-z-]+\\.[a-z]+\\.${three}@example\\.com$`)),
  });

  // Deterministic from the ID: the same file again changes nothing, personal data included.
  const again = await importLoanBook(pool, { format: 'uci-credit-card', content });
  expect(again.ok && again.counts).toEqual({
    borrowers: { inserted: 0, updated: 0, unchanged: 3 },
    contacts: { inserted: 0, updated: 0, unchanged: outcome.counts.contacts.inserted },
    accounts: { inserted: 0, updated: 0, unchanged: 3 },
    installments: { inserted: 0, updated: 0, unchanged: 18 },
    payments: { inserted: 0, updated: 0, unchanged: 10 },
    reference: { inserted: 0, updated: 0, unchanged: 3 },
  });
});

test('a bad line of the dataset names its line and columns; nothing is written', async () => {
  const id = randomInt(1_000_000, 9_999_999);
  const content = [HEADER, `${id}${HOLDERS[1]}`, `${id + 1},50000,2,2,2,34,x,0,0,0,0,0,29239,14027,13559,14331,14948,15549.5,1518,-1,1000,1000,1000,5000,0`].join('\n');
  const outcome = await importLoanBook(pool, { format: 'uci-credit-card', content });
  expect(outcome.ok ? [] : outcome.issues.map(formatIssue)).toEqual([
    'line 3, PAY_0: a repayment status from -2 to 9',
    'line 3, BILL_AMT6: a whole number of NT dollars',
    'line 3, PAY_AMT2: must not be negative',
  ]);
  expect(await q('SELECT count(*)::int AS n FROM accounts WHERE id = $1', [uciAccountId(id)])).toEqual([{ n: 0 }]);
  expect(await importLoanBook(pool, { format: 'uci-credit-card', content: '"ID","LIMIT_BAL"\n1,2' })).toMatchObject({
    ok: false,
    issues: expect.arrayContaining([{ where: 'line 1', field: 'PAY_0', message: 'missing column of the UCI dataset' }]),
  });
});

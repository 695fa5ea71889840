/**
 * The loan-book import against the real Postgres: CSV and JSON with exact counts and
 * exact stored figures, the same file again as a no-op, a changed row as an update,
 * and bad files rejected as a whole with every bad line and field named.
 */
import type { Pool } from '../db/pool';
import { recordPayment } from '../db/payments';
import { testPool, uniqueId } from '../../test/support';
import { type ImportFormat, importLoanBook, type ImportOutcome } from './import-loan-book';
import { formatIssue } from './records';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

type Row = Record<string, string>;

/** A CSV with the union of the rows' fields as its header (columns may come in any order, absent ones are empty). */
function csvOf(rows: Row[]): string {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join('\n');
}

/** A small book: a borrower with a loan, another with a card, three contact points, four payments. */
function book(p: string): Row[] {
  const [b1, b2, loan, card] = [`${p}-B1`, `${p}-B2`, `${p}-L1`, `${p}-C1`];
  return [
    { record_type: 'BORROWER', borrower_id: b1, full_name: 'Wang Fang', home_address: '12 Demo Road, Shanghai', workplace: 'Example Co.' },
    { record_type: 'BORROWER', borrower_id: b2, full_name: 'Li Wei', time_zone: 'asia/taipei' },
    { record_type: 'CONTACT', borrower_id: b1, kind: 'PHONE', label: 'WORK', value: '+862150000001', contact_from: '09:00', contact_until: '17:00' },
    { record_type: 'CONTACT', borrower_id: b1, kind: 'PHONE', label: 'MOBILE', value: '+8613800000001', preferred: 'true' },
    { record_type: 'CONTACT', borrower_id: b2, kind: 'EMAIL', label: 'HOME', value: 'li.wei@example.com' },
    { record_type: 'ACCOUNT', account_id: loan, borrower_id: b1, product: 'LOAN', currency: 'CNY', principal: '12000.00', opened_on: '2025-01-10' },
    { record_type: 'ACCOUNT', account_id: card, borrower_id: b2, product: 'CREDIT_CARD', currency: 'JPY', credit_limit: '500000', opened_on: '2024-06-01' },
    { record_type: 'INSTALLMENT', account_id: loan, seq: '1', due_date: '2025-02-10', principal_due: '2000.00', interest_due: '120.5', reported_amount_paid: '2120.50' },
    { record_type: 'INSTALLMENT', account_id: loan, seq: '2', due_date: '2025-03-10', principal_due: '2000', interest_due: '120.50', fees_due: '35' },
    { record_type: 'INSTALLMENT', account_id: card, seq: '1', due_date: '2025-05-20', principal_due: '3000', statement_date: '2025-04-30', statement_balance: '-120' },
    { record_type: 'PAYMENT', event_id: `${p}-P1`, account_id: loan, amount: '2120.50', value_date: '2025-02-09', method: 'BANK_TRANSFER' },
    { record_type: 'PAYMENT', event_id: `${p}-P2`, account_id: loan, amount: '0.01', value_date: '2025-03-10', reference: 'branch 12' },
    { record_type: 'PAYMENT', event_id: `${p}-P3`, account_id: card, amount: '1500', currency: 'JPY', value_date: '2025-05-18', method: 'CARD' },
    { record_type: 'PAYMENT', event_id: `${p}-P4`, account_id: card, amount: '1', value_date: '2025-05-19', method: 'CARD' },
  ];
}

/** The same book in the JSON layout: one array per record type, scalars may be numbers and booleans. */
function jsonOf(rows: Row[]): string {
  const sections: Record<string, string> = { BORROWER: 'borrowers', CONTACT: 'contacts', ACCOUNT: 'accounts', INSTALLMENT: 'installments', PAYMENT: 'payments' };
  const doc: Record<string, Record<string, unknown>[]> = {};
  for (const { record_type: type = '', ...fields } of rows) {
    const typed = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, k === 'seq' || k === 'amount' ? Number(v) : k === 'preferred' ? v === 'true' : v]),
    );
    (doc[sections[type] ?? type] ??= []).push(typed);
  }
  return JSON.stringify(doc);
}

const counts = (inserted: number, updated: number, unchanged: number) => ({ inserted, updated, unchanged });

async function imported(format: ImportFormat, content: string) {
  const outcome = await importLoanBook(pool, { format, content });
  if (!outcome.ok) throw new Error(`rejected:\n${outcome.issues.map(formatIssue).join('\n')}`);
  return outcome.counts;
}

async function rejected(format: ImportFormat, content: string): Promise<string[]> {
  const outcome: ImportOutcome = await importLoanBook(pool, { format, content });
  if (outcome.ok) throw new Error('the file was accepted');
  return outcome.issues.map(formatIssue);
}

const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;

test.each<[ImportFormat, (rows: Row[]) => string]>([
  ['loan-book-csv', csvOf],
  ['loan-book-json', jsonOf],
])('%s: a good file is written with exact counts and exact figures; the same file again changes nothing', async (format, encode) => {
  const p = uniqueId('IMP');
  const content = encode(book(p));

  expect(await imported(format, content)).toEqual({
    borrowers: counts(2, 0, 0),
    contacts: counts(3, 0, 0),
    accounts: counts(2, 0, 0),
    installments: counts(3, 0, 0),
    payments: counts(4, 0, 0),
  });

  expect(await q('SELECT id, product, currency, principal, credit_limit, status, opened_on FROM accounts WHERE id LIKE $1 ORDER BY id', [`${p}-%`])).toEqual([
    { id: `${p}-C1`, product: 'CREDIT_CARD', currency: 'JPY', principal: 0, credit_limit: 500_000, status: 'OPEN', opened_on: '2024-06-01' },
    { id: `${p}-L1`, product: 'LOAN', currency: 'CNY', principal: 1_200_000, credit_limit: null, status: 'OPEN', opened_on: '2025-01-10' },
  ]);
  expect(
    await q(
      `SELECT account_id, seq, due_date, principal_due, interest_due, fees_due, amount_due, reported_amount_paid, statement_date, statement_balance
         FROM installments WHERE account_id LIKE $1 ORDER BY account_id, seq`,
      [`${p}-%`],
    ),
  ).toEqual([
    { account_id: `${p}-C1`, seq: 1, due_date: '2025-05-20', principal_due: 3_000, interest_due: 0, fees_due: 0, amount_due: 3_000, reported_amount_paid: null, statement_date: '2025-04-30', statement_balance: -120 },
    { account_id: `${p}-L1`, seq: 1, due_date: '2025-02-10', principal_due: 200_000, interest_due: 12_050, fees_due: 0, amount_due: 212_050, reported_amount_paid: 212_050, statement_date: null, statement_balance: null },
    { account_id: `${p}-L1`, seq: 2, due_date: '2025-03-10', principal_due: 200_000, interest_due: 12_050, fees_due: 3_500, amount_due: 215_550, reported_amount_paid: null, statement_date: null, statement_balance: null },
  ]);
  expect(await q('SELECT event_id, account_id, amount, currency, value_date, method, reference, source FROM payments WHERE account_id LIKE $1 ORDER BY event_id', [`${p}-%`])).toEqual([
    { event_id: `${p}-P1`, account_id: `${p}-L1`, amount: 212_050, currency: 'CNY', value_date: '2025-02-09', method: 'BANK_TRANSFER', reference: null, source: 'IMPORT' },
    { event_id: `${p}-P2`, account_id: `${p}-L1`, amount: 1, currency: 'CNY', value_date: '2025-03-10', method: 'OTHER', reference: 'branch 12', source: 'IMPORT' },
    { event_id: `${p}-P3`, account_id: `${p}-C1`, amount: 1_500, currency: 'JPY', value_date: '2025-05-18', method: 'CARD', reference: null, source: 'IMPORT' },
    { event_id: `${p}-P4`, account_id: `${p}-C1`, amount: 1, currency: 'JPY', value_date: '2025-05-19', method: 'CARD', reference: null, source: 'IMPORT' },
  ]);
  expect(
    await q(
      `SELECT b.id, b.time_zone, b.jurisdiction, d.full_name, d.home_address, d.workplace, d.mobile_phone, d.email
         FROM borrowers b JOIN borrower_personal_data d ON d.borrower_id = b.id WHERE b.id LIKE $1 ORDER BY b.id`,
      [`${p}-%`],
    ),
  ).toEqual([
    // the preferred phone and e-mail are kept in borrower_personal_data for the older readers
    { id: `${p}-B1`, time_zone: 'Asia/Shanghai', jurisdiction: 'CN', full_name: 'Wang Fang', home_address: '12 Demo Road, Shanghai', workplace: 'Example Co.', mobile_phone: '+8613800000001', email: null },
    { id: `${p}-B2`, time_zone: 'Asia/Taipei', jurisdiction: 'CN', full_name: 'Li Wei', home_address: null, workplace: null, mobile_phone: null, email: 'li.wei@example.com' },
  ]);
  expect(await q(`SELECT borrower_id, kind, label, preferred, contact_from::text, contact_until::text FROM borrower_contact_points WHERE borrower_id LIKE $1 ORDER BY 1, 2, 3`, [`${p}-%`])).toEqual([
    { borrower_id: `${p}-B1`, kind: 'PHONE', label: 'MOBILE', preferred: true, contact_from: null, contact_until: null },
    { borrower_id: `${p}-B1`, kind: 'PHONE', label: 'WORK', preferred: false, contact_from: '09:00:00', contact_until: '17:00:00' },
    { borrower_id: `${p}-B2`, kind: 'EMAIL', label: 'HOME', preferred: false, contact_from: null, contact_until: null },
  ]);

  expect(await imported(format, content)).toEqual({
    borrowers: counts(0, 0, 2),
    contacts: counts(0, 0, 3),
    accounts: counts(0, 0, 2),
    installments: counts(0, 0, 3),
    payments: counts(0, 0, 4),
  });
});

test('a changed row is an update; the rest of the file is unchanged', async () => {
  const p = uniqueId('UPD');
  await imported('loan-book-csv', csvOf(book(p)));
  const changed = book(p).map((r) => {
    if (r.record_type === 'BORROWER' && r.borrower_id === `${p}-B2`) return { ...r, home_address: '5 Sample Street, Taipei' };
    if (r.record_type === 'INSTALLMENT' && r.account_id === `${p}-L1` && r.seq === '2') return { ...r, fees_due: '0' };
    // the preferred phone moves from the mobile to the work number
    if (r.record_type === 'CONTACT' && r.label === 'WORK') return { ...r, preferred: 'true' };
    if (r.record_type === 'CONTACT' && r.label === 'MOBILE') return { ...r, preferred: 'false' };
    return r;
  });

  expect(await imported('loan-book-csv', csvOf(changed))).toEqual({
    borrowers: counts(0, 1, 1),
    contacts: counts(0, 2, 1),
    accounts: counts(0, 0, 2),
    installments: counts(0, 1, 2),
    payments: counts(0, 0, 4),
  });
  expect(await q('SELECT fees_due, amount_due FROM installments WHERE account_id = $1 AND seq = 2', [`${p}-L1`])).toEqual([{ fees_due: 0, amount_due: 212_050 }]);
  expect(await q('SELECT mobile_phone FROM borrower_personal_data WHERE borrower_id = $1', [`${p}-B1`])).toEqual([{ mobile_phone: '+862150000001' }]);
});

test('references may name borrowers and accounts already in the loan book; a payment already recorded by the API counts as unchanged', async () => {
  const p = uniqueId('REF');
  await imported('loan-book-csv', csvOf(book(p)));
  await recordPayment(pool, { eventId: `${p}-API`, accountId: `${p}-L1`, amount: 5_000, currency: 'CNY', valueDate: '2025-04-01', method: 'CASH' }, 'API');

  const later = csvOf([
    { record_type: 'ACCOUNT', account_id: `${p}-L2`, borrower_id: `${p}-B1`, product: 'LOAN', currency: 'CNY', principal: '500', opened_on: '2025-06-01' },
    { record_type: 'INSTALLMENT', account_id: `${p}-L1`, seq: '3', due_date: '2025-04-10', principal_due: '2000' },
    { record_type: 'PAYMENT', event_id: `${p}-API`, account_id: `${p}-L1`, amount: '50.00', value_date: '2025-04-01', method: 'CASH' },
  ]);
  expect(await imported('loan-book-csv', later)).toEqual({
    borrowers: counts(0, 0, 0),
    contacts: counts(0, 0, 0),
    accounts: counts(1, 0, 0),
    installments: counts(1, 0, 0),
    payments: counts(0, 0, 1),
  });
  expect(await q('SELECT source FROM payments WHERE event_id = $1', [`${p}-API`])).toEqual([{ source: 'API' }]);
});

test('a bad CSV is rejected as a whole: every bad line and field is named, and nothing is written', async () => {
  const p = uniqueId('BAD');
  await imported('loan-book-csv', csvOf(book(p)));
  const [b1, loan] = [`${p}-B1`, `${p}-L1`];
  const bad = csvOf([
    /* line 2 */ { record_type: 'BORROWER', borrower_id: `${p}-NEW`, full_name: '', time_zone: 'Mars/Olympus' },
    /* line 3 */ { record_type: 'CONTACT', borrower_id: b1, kind: 'PHONE', label: 'HOME', value: '021-5000-0001', contact_from: '25:00' },
    /* line 4 */ { record_type: 'CONTACT', borrower_id: `${p}-NOBODY`, kind: 'EMAIL', label: 'WORK', value: 'x@example.com' },
    /* line 5 */ { record_type: 'ACCOUNT', account_id: `${p}-L9`, borrower_id: b1, product: 'LOAN', currency: 'CNY', principal: '1000.005', opened_on: '2025-01-01' },
    /* line 6 */ { record_type: 'ACCOUNT', account_id: `${p}-C9`, borrower_id: b1, product: 'CREDIT_CARD', currency: 'JPY', credit_limit: '1500.5', opened_on: '2025-02-01' },
    /* line 7 */ { record_type: 'ACCOUNT', account_id: loan, borrower_id: b1, product: 'LOAN', currency: 'USD', principal: '1', opened_on: '2025-01-10' },
    /* line 8 */ { record_type: 'INSTALLMENT', account_id: loan, seq: '7', due_date: '2025-08-10', principal_due: '5' },
    /* line 9 */ { record_type: 'INSTALLMENT', account_id: loan, seq: '7', due_date: '2025-08-10', principal_due: '5' },
    /* line 10 */ { record_type: 'INSTALLMENT', account_id: loan, seq: '8', due_date: '2025-02-30', principal_due: '-5', interest_due: '1,000.00' },
    /* line 11 */ { record_type: 'INSTALLMENT', account_id: `${p}-NOWHERE`, seq: '1', due_date: '2025-08-10' },
    /* line 12 */ { record_type: 'PAYMENT', event_id: `${p}-P9`, account_id: loan, amount: '12.345', value_date: '2025-08-01', method: 'CHEQUE' },
    /* line 13 */ { record_type: 'PAYMENT', event_id: `${p}-P1`, account_id: loan, amount: '2120.51', value_date: '2025-02-09', method: 'BANK_TRANSFER' },
    /* line 14 */ { record_type: 'PAYMENT', event_id: `${p}-P8`, account_id: loan, amount: '1', currency: 'USD', value_date: '2025-08-01' },
    /* line 15 */ { record_type: 'PAYMENT', event_id: `${p}-P7`, account_id: loan, amount: '0.00', value_date: '2025-08-01' },
    /* line 16 */ { record_type: 'LOAN', account_id: loan },
  ]);

  expect(await rejected('loan-book-csv', `${bad}\nPAYMENT,too,few`)).toEqual([
    'line 2, full_name: required',
    'line 2, time_zone: an IANA time zone such as Asia/Shanghai',
    'line 3, contact_from: a time of day, HH:MM',
    'line 3, value: an international phone number such as +8613800000000',
    'line 3, contact_until: contact_from and contact_until go together',
    'line 4, borrower_id: unknown borrower: not in this file nor in the loan book',
    'line 5, principal: finer than the minor unit: CNY has 2 decimal places',
    'line 6, credit_limit: finer than the minor unit: JPY has no minor unit',
    'line 7, currency: the account is held in CNY; its currency cannot change',
    'line 9, seq: the same account and seq as line 8',
    'line 10, due_date: Invalid ISO date',
    'line 10, principal_due: a decimal amount in major units, such as 1234.56, not negative',
    'line 10, interest_due: a decimal amount in major units, such as 1234.56, not negative',
    'line 11, account_id: unknown account: not in this file nor in the loan book',
    'line 12, method: Invalid option: expected one of "BANK_TRANSFER"|"CARD"|"DIRECT_DEBIT"|"CASH"|"OTHER"',
    'line 13, event_id: already recorded for a different payment (account, amount, currency, value date, method or reference)',
    'line 14, currency: the account is held in CNY',
    'line 15, amount: must be more than 0',
    'line 16, record_type: one of BORROWER, CONTACT, ACCOUNT, INSTALLMENT, PAYMENT',
    'line 17, (row): 3 fields where the header has 22',
  ]);

  expect(await q('SELECT count(*)::int AS n FROM borrowers WHERE id = $1', [`${p}-NEW`])).toEqual([{ n: 0 }]);
  expect(await q('SELECT count(*)::int AS n FROM accounts WHERE id LIKE $1', [`${p}-%9`])).toEqual([{ n: 0 }]);
  expect(await q('SELECT count(*)::int AS n FROM installments WHERE account_id = $1', [loan])).toEqual([{ n: 2 }]);
  expect(await q('SELECT count(*)::int AS n FROM borrower_contact_points WHERE borrower_id = $1', [b1])).toEqual([{ n: 2 }]);
  expect(await q('SELECT amount FROM payments WHERE event_id = $1', [`${p}-P1`])).toEqual([{ amount: 212_050 }]);
});

test('a bad JSON file names each element and field; a file that is not a loan book says so', async () => {
  const p = uniqueId('BADJ');
  const doc = {
    borrowers: [{ borrower_id: `${p}-B1`, full_name: 'Wang Fang', jurisdiction: 'EU' }],
    accounts: [{ account_id: `${p}-L1`, borrower_id: `${p}-B1`, product: 'LOAN', currency: 'CNY', opened_on: '2025-01-10', colour: 'red' }],
    payments: [{ event_id: `${p}-P1`, account_id: `${p}-L1`, amount: 1e-7, value_date: '2025-02-09' }, 'not a record'],
    schedules: [],
  };
  expect(await rejected('loan-book-json', JSON.stringify(doc))).toEqual([
    'file, schedules: not a loan-book section (borrowers, contacts, accounts, installments, payments)',
    'borrowers[0], jurisdiction: Invalid option: expected one of "CN"|"US"',
    'accounts[0], colour: not a field of ACCOUNT records',
    'accounts[0], principal: required for a LOAN',
    'payments[0], amount: a decimal amount in major units, such as 1234.56, not negative',
    'payments[1], (record): expected an object',
  ]);
  expect(await rejected('loan-book-json', '{"borrowers": [')).toEqual(['file, (file): not valid JSON']);
  expect(await rejected('loan-book-csv', 'ID,LIMIT_BAL,PAY_0\n1,20000,2')).toEqual([
    'line 1, record_type: the header has no record_type column (this looks like the UCI credit-card dataset: use the uci-credit-card format)',
  ]);
  expect(await q('SELECT count(*)::int AS n FROM borrowers WHERE id = $1', [`${p}-B1`])).toEqual([{ n: 0 }]);
});

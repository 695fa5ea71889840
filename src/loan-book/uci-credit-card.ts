/**
 * The UCI "default of credit card clients" book (Taiwan, April–September 2005; see
 * ../shared/data/uci-credit-card/README.md) as a loan book. Each holder becomes:
 *
 * - a borrower `UCI-B<ID>` (synthetic personal data, synthetic-contacts.ts; time zone
 *   Asia/Taipei) and a CREDIT_CARD account `UCI-A<ID>` in TWD, credit limit LIMIT_BAL;
 * - one statement installment per month, April … September (BILL_AMT6 … BILL_AMT1):
 *   the statement is cut on the month's last day and its minimum due is payable 15 days
 *   later, on the 15th of the next month (a common grace period of Taiwanese issuers);
 * - the minimum due of a statement, by the card rule Taiwanese issuers print on the
 *   statement (docs/risk-score.md): a share of the balance, plus the part of the balance
 *   over the credit limit in full, plus every minimum still unpaid from earlier
 *   statements. The share: 2 % of the balance rounded up to a whole NT$ (issuers in
 *   Taiwan asked "between two and five per cent" in 2005, Straits Times, Jan 2006; the
 *   low end, no NT$1,000 floor: today's floor, e.g. CTBC's, postdates the book). The
 *   earlier unpaid minimums are not added to the installment: they stay installments of
 *   their own, and payments settle the oldest first (account_figures), which is that
 *   rule for loans and cards alike; a statement's installment is its own new minimum;
 * - the statement's delinquency status as the core reported it (PAY_6 for April …
 *   PAY_0 for September) is carried as statement history (reported_cycles_past_due);
 * - the arrears the book opens with: a first statement reported n ≥ 1 cycles past due
 *   owes n earlier minimums, due on the 15th of its month and of the n − 1 before it.
 *   The dataset has no earlier statements: each is taken at the first statement's own
 *   minimum, the only figure there is;
 * - PAY_AMTk is paid during month k against the previous month's statement, so
 *   PAY_AMT5 (May) … PAY_AMT1 (September) become payments `UCI-PAY-<ID>-2005-MM`,
 *   value-dated on that statement's due date (the dataset gives only the month; a
 *   payment counts as on time, as in the dataset's own status). PAY_AMT6 (April) paid
 *   the March statement, which is not in the dataset and already netted in April's
 *   balance: it is not imported;
 * - the dataset's labels (PAY_0 … PAY_6, default_payment) also go to
 *   uci_credit_card_reference, only for checking (the agreement table, `arrears score
 *   check`), never for fitting. SEX, EDUCATION, MARRIAGE
 *   and AGE are not imported: personal data with no use in collections.
 *
 * Amounts are whole NT dollars in the file (sometimes written 5e+05), two-decimal TWD
 * minor units here.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import { readCsvRecords } from './read-csv';
import type { AccountRecord, ImportIssue, InstallmentRecord, LoanBook, Located, PaymentRecord } from './records';
import { issuesOf } from './source-rows';
import { syntheticPerson } from './synthetic-contacts';
import { type TableSpec, upsertSet, type WriteCounts } from './upsert-set';

export const UCI_CURRENCY = 'TWD';
const MINOR_PER_DOLLAR = 100;

/** The six statement months, oldest first, with their columns and dates. */
export const UCI_MONTHS = [
  { month: '2005-04', bill: 'BILL_AMT6', paidBy: 'PAY_AMT5', status: 'PAY_6', statementDate: '2005-04-30', dueDate: '2005-05-15' },
  { month: '2005-05', bill: 'BILL_AMT5', paidBy: 'PAY_AMT4', status: 'PAY_5', statementDate: '2005-05-31', dueDate: '2005-06-15' },
  { month: '2005-06', bill: 'BILL_AMT4', paidBy: 'PAY_AMT3', status: 'PAY_4', statementDate: '2005-06-30', dueDate: '2005-07-15' },
  { month: '2005-07', bill: 'BILL_AMT3', paidBy: 'PAY_AMT2', status: 'PAY_3', statementDate: '2005-07-31', dueDate: '2005-08-15' },
  { month: '2005-08', bill: 'BILL_AMT2', paidBy: 'PAY_AMT1', status: 'PAY_2', statementDate: '2005-08-31', dueDate: '2005-09-15' },
  { month: '2005-09', bill: 'BILL_AMT1', paidBy: undefined, status: 'PAY_0', statementDate: '2005-09-30', dueDate: '2005-10-15' },
] as const;

/**
 * A statement's own minimum due in whole NT$: 2 % of the balance rounded up, plus what
 * the balance is over the credit limit, at most the balance; 0 without a debit balance.
 */
export function uciMinimumDue(balance: number, creditLimit: number): number {
  if (balance <= 0) return 0;
  const hundredths = 2 * balance; // 2 % in hundredths of a dollar, rounded up below in integers
  const twoPercent = (hundredths - (hundredths % 100)) / 100 + (hundredths % 100 > 0 ? 1 : 0);
  return Math.min(balance, twoPercent + Math.max(0, balance - creditLimit));
}

/** The due dates of the minimums a first statement reported `cycles` past due still owes: its month's 15th and the months before. */
export function uciOpeningArrearsDueDates(cycles: number): string[] {
  const [first] = UCI_MONTHS;
  const dates: string[] = [];
  for (let back = 0; back < cycles; back++) {
    const due = new Date(`${first.month}-15T00:00:00Z`);
    due.setUTCMonth(due.getUTCMonth() - back);
    dates.push(due.toISOString().slice(0, 10));
  }
  return dates;
}

const wholeDollars = z
  .string()
  .regex(/^-?\d+(\.\d+)?(e\+?\d+)?$/i, 'a whole number of NT dollars')
  .transform(Number)
  .refine(Number.isSafeInteger, 'a whole number of NT dollars');
const repaymentStatus = z.string().regex(/^(-2|-1|[0-9])$/, 'a repayment status from -2 to 9').transform(Number);

const amountColumns = (prefix: string, schema: z.ZodType<number, string>) =>
  Object.fromEntries([1, 2, 3, 4, 5, 6].map((k) => [`${prefix}${k}`, schema])) as Record<`${typeof prefix}${1 | 2 | 3 | 4 | 5 | 6}`, typeof schema>;

export const uciRowSchema = z.object({
  ID: z.string().regex(/^[1-9]\d{0,8}$/, 'a whole number from 1').transform(Number),
  LIMIT_BAL: wholeDollars.refine((v) => v >= 0, 'must not be negative'),
  ...Object.fromEntries(['PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6'].map((c) => [c, repaymentStatus])),
  ...amountColumns('BILL_AMT', wholeDollars),
  ...amountColumns('PAY_AMT', wholeDollars.refine((v) => v >= 0, 'must not be negative')),
  default_payment: z.enum(['0', '1'], '0 or 1').transform((v) => v === '1'),
});
type UciRow = Record<string, number> & { ID: number; LIMIT_BAL: number; default_payment: boolean };

export const UCI_COLUMNS = Object.keys(uciRowSchema.shape);

export interface UciReference {
  holder_id: number;
  account_id: string;
  pay_0: number;
  pay_2: number;
  pay_3: number;
  pay_4: number;
  pay_5: number;
  pay_6: number;
  default_payment: boolean;
}

const holderKey = (id: number) => String(id).padStart(5, '0');
export const uciAccountId = (id: number) => `UCI-A${holderKey(id)}`;
export const uciBorrowerId = (id: number) => `UCI-B${holderKey(id)}`;

/** One holder's borrower, contact points, account, six statements, payments and labels. */
export function mapUciHolder(row: UciRow, where: string): { book: LoanBook; reference: UciReference } {
  const id = row.ID;
  const borrowerId = uciBorrowerId(id);
  const accountId = uciAccountId(id);
  const person = syntheticPerson(`uci-credit-card:${id}`, id);
  const at = <T>(record: T): Located<T> => ({ ...record, where });
  const dollars = (column: string) => row[column] ?? 0;

  const account: AccountRecord = {
    account_id: accountId,
    borrower_id: borrowerId,
    product: 'CREDIT_CARD',
    currency: UCI_CURRENCY,
    credit_limit: row.LIMIT_BAL * MINOR_PER_DOLLAR,
    status: 'OPEN',
    // the dataset has no opening date: its first statement month
    opened_on: '2005-04-01',
  };
  const minimumOf = (bill: string) => uciMinimumDue(dollars(bill), row.LIMIT_BAL) * MINOR_PER_DOLLAR;
  const statements = UCI_MONTHS.map(
    (m, n): InstallmentRecord => ({
      account_id: accountId,
      seq: n + 1,
      due_date: m.dueDate,
      principal_due: minimumOf(m.bill),
      interest_due: 0,
      fees_due: 0,
      statement_date: m.statementDate,
      statement_balance: dollars(m.bill) * MINOR_PER_DOLLAR,
      reported_cycles_past_due: dollars(m.status),
    }),
  );
  // numbered after the statements: settled oldest-due first all the same (due date, then seq)
  const openingArrears = uciOpeningArrearsDueDates(Math.max(0, dollars(UCI_MONTHS[0].status))).map(
    (dueDate, n): InstallmentRecord => ({
      account_id: accountId,
      seq: UCI_MONTHS.length + n + 1,
      due_date: dueDate,
      principal_due: minimumOf(UCI_MONTHS[0].bill),
      interest_due: 0,
      fees_due: 0,
    }),
  );
  const installments = [...statements, ...openingArrears];
  const payments = UCI_MONTHS.flatMap((m): PaymentRecord[] => {
    const paid = m.paidBy ? dollars(m.paidBy) : 0;
    if (paid <= 0) return [];
    return [
      {
        event_id: `UCI-PAY-${holderKey(id)}-${m.dueDate.slice(0, 7)}`,
        account_id: accountId,
        amount: paid * MINOR_PER_DOLLAR,
        currency: UCI_CURRENCY,
        value_date: m.dueDate,
        method: 'OTHER',
      },
    ];
  });
  return {
    book: {
      borrowers: [at({ borrower_id: borrowerId, time_zone: 'Asia/Taipei', jurisdiction: 'CN', ...person.borrower })],
      contacts: person.contacts.map((c) => at({ borrower_id: borrowerId, ...c })),
      accounts: [at(account)],
      installments: installments.map(at),
      payments: payments.map(at),
    },
    reference: {
      holder_id: id,
      account_id: accountId,
      pay_0: dollars('PAY_0'),
      pay_2: dollars('PAY_2'),
      pay_3: dollars('PAY_3'),
      pay_4: dollars('PAY_4'),
      pay_5: dollars('PAY_5'),
      pay_6: dollars('PAY_6'),
      default_payment: row.default_payment,
    },
  };
}

/** Reads and maps the whole dataset; every bad line and column is an issue. */
export function readUciCreditCard(content: string): { book: LoanBook; reference: UciReference[]; issues: ImportIssue[] } {
  const book: LoanBook = { borrowers: [], contacts: [], accounts: [], installments: [], payments: [] };
  const reference: UciReference[] = [];
  const { header, records, issues } = readCsvRecords(content);
  if (header.length === 0 && issues.length > 0) return { book, reference, issues };
  const missing = UCI_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) return { book, reference, issues: missing.map((c) => ({ where: 'line 1', field: c, message: 'missing column of the UCI dataset' })) };

  for (const { where, fields } of records) {
    const parsed = uciRowSchema.safeParse(fields);
    if (!parsed.success) {
      issues.push(...issuesOf(parsed.error, where, fields, 'UCI'));
      continue;
    }
    const holder = mapUciHolder(parsed.data as UciRow, where);
    for (const key of Object.keys(book) as (keyof LoanBook)[]) (book[key] as unknown[]).push(...holder.book[key]);
    reference.push(holder.reference);
  }
  return { book, reference, issues };
}

const referenceTable: TableSpec<UciReference> = {
  table: 'uci_credit_card_reference',
  key: ['holder_id'],
  columns: [
    { name: 'holder_id', type: 'int', value: (r) => r.holder_id },
    { name: 'account_id', type: 'text', value: (r) => r.account_id },
    ...(['pay_0', 'pay_2', 'pay_3', 'pay_4', 'pay_5', 'pay_6'] as const).map((c) => ({ name: c, type: 'smallint', value: (r: UciReference) => r[c] })),
    { name: 'default_payment', type: 'boolean', value: (r) => r.default_payment },
  ],
};

export async function writeUciReference(db: Queryable, rows: UciReference[]): Promise<WriteCounts> {
  const { inserted, updated, unchanged } = await upsertSet(db, referenceTable, rows);
  return { inserted, updated, unchanged };
}

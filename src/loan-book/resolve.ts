/**
 * From parsed records to the loan book as it is written: every reference must name a
 * borrower or account of the file or of the loan book already in Postgres, and every
 * amount becomes minor units in its account's currency. Pure: what Postgres knows
 * comes in as `KnownInDb`.
 */
import { majorToMinorUnits } from './major-units';
import type { RejectedIds } from './source-rows';
import type { AccountRecord, ImportIssue, InstallmentRecord, LoanBook, Located, ParsedRecords, PaymentRecord } from './records';

export interface KnownInDb {
  /** the referenced borrower ids that exist */
  borrowerIds: ReadonlySet<string>;
  /** currency of each referenced or imported account that exists */
  accountCurrencies: ReadonlyMap<string, string>;
}

/** `rejected`: ids whose own record was refused; what references them is skipped, not reported again. */
export function resolveLoanBook(parsed: ParsedRecords, known: KnownInDb, rejected: RejectedIds): { book: LoanBook; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const book: LoanBook = { borrowers: parsed.BORROWER, contacts: [], accounts: [], installments: [], payments: [] };

  /** `text` in minor units of `currency`, or undefined after noting why not. */
  const minor = (text: string | undefined, currency: string, where: string, field: string, { positive = false } = {}): number | undefined => {
    if (text === undefined) return undefined;
    const result = majorToMinorUnits(text, currency);
    if (!result.ok) issues.push({ where, field, message: result.message });
    else if (positive && result.minor <= 0) issues.push({ where, field, message: 'must be more than 0' });
    else return result.minor;
    return undefined;
  };

  const borrowersInFile = new Set(parsed.BORROWER.map((b) => b.borrower_id));
  const borrowerKnown = (id: string) => borrowersInFile.has(id) || known.borrowerIds.has(id);
  const unknownBorrower = (where: string): ImportIssue => ({ where, field: 'borrower_id', message: 'unknown borrower: not in this file nor in the loan book' });

  for (const contact of parsed.CONTACT) {
    if (borrowerKnown(contact.borrower_id)) book.contacts.push(contact);
    else if (!rejected.borrowers.has(contact.borrower_id)) issues.push(unknownBorrower(contact.where));
  }

  const currencyOf = new Map(known.accountCurrencies);
  for (const account of parsed.ACCOUNT) {
    const { where } = account;
    const before = issues.length;
    if (!borrowerKnown(account.borrower_id) && !rejected.borrowers.has(account.borrower_id)) issues.push(unknownBorrower(where));
    const held = known.accountCurrencies.get(account.account_id);
    if (held !== undefined && held !== account.currency) issues.push({ where, field: 'currency', message: `the account is held in ${held}; its currency cannot change` });
    if (!known.accountCurrencies.has(account.account_id)) currencyOf.set(account.account_id, account.currency);
    const principal = minor(account.principal, account.currency, where, 'principal');
    const creditLimit = minor(account.credit_limit, account.currency, where, 'credit_limit');
    if (issues.length === before) book.accounts.push({ ...account, principal, credit_limit: creditLimit } satisfies Located<AccountRecord>);
  }

  const accountCurrency = (accountId: string, where: string): string | undefined => {
    const currency = currencyOf.get(accountId);
    if (currency === undefined && !rejected.accounts.has(accountId)) issues.push({ where, field: 'account_id', message: 'unknown account: not in this file nor in the loan book' });
    return currency;
  };

  for (const i of parsed.INSTALLMENT) {
    const currency = accountCurrency(i.account_id, i.where);
    if (currency === undefined) continue;
    const before = issues.length;
    const amount = (field: 'principal_due' | 'interest_due' | 'fees_due' | 'reported_amount_paid' | 'statement_balance', text: string | undefined) =>
      minor(text, currency, i.where, field);
    const record: Located<InstallmentRecord> = {
      ...i,
      principal_due: amount('principal_due', i.principal_due) ?? 0,
      interest_due: amount('interest_due', i.interest_due) ?? 0,
      fees_due: amount('fees_due', i.fees_due) ?? 0,
      reported_amount_paid: amount('reported_amount_paid', i.reported_amount_paid),
      statement_balance: amount('statement_balance', i.statement_balance),
    };
    if (issues.length === before) book.installments.push(record);
  }

  for (const p of parsed.PAYMENT) {
    const currency = accountCurrency(p.account_id, p.where);
    if (currency === undefined) continue;
    if (p.currency !== undefined && p.currency !== currency) {
      issues.push({ where: p.where, field: 'currency', message: `the account is held in ${currency}` });
      continue;
    }
    const amount = minor(p.amount, currency, p.where, 'amount', { positive: true });
    if (amount !== undefined) book.payments.push({ ...p, amount, currency } satisfies Located<PaymentRecord>);
  }
  return { book, issues };
}

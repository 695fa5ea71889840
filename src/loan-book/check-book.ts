/**
 * The checks every import makes on the whole book before anything is written: one
 * record per natural key in the file, one preferred phone and e-mail per borrower,
 * and no payment event id reused for a different payment.
 */
import type { ImportIssue, LoanBook } from './records';

export function checkLoanBook(book: LoanBook, conflictingEventIds: ReadonlySet<string>): ImportIssue[] {
  const issues: ImportIssue[] = [];
  const unique = <R extends { where: string }>(records: R[], key: (r: R) => string, field: string, what: string) => {
    const first = new Map<string, string>();
    for (const record of records) {
      const seen = first.get(key(record));
      if (seen === undefined) first.set(key(record), record.where);
      else issues.push({ where: record.where, field, message: `the same ${what} as ${seen}` });
    }
  };
  unique(book.borrowers, (b) => b.borrower_id, 'borrower_id', 'borrower');
  unique(book.contacts, (c) => `${c.borrower_id}\t${c.kind}\t${c.label}`, 'label', 'borrower, kind and label');
  unique(
    book.contacts.filter((c) => c.preferred),
    (c) => `${c.borrower_id}\t${c.kind}`,
    'preferred',
    'borrower and kind preferred',
  );
  unique(book.accounts, (a) => a.account_id, 'account_id', 'account');
  unique(book.installments, (i) => `${i.account_id}\t${i.seq}`, 'seq', 'account and seq');
  unique(book.payments, (p) => p.event_id, 'event_id', 'event_id');
  for (const p of book.payments) {
    if (conflictingEventIds.has(p.event_id)) {
      issues.push({ where: p.where, field: 'event_id', message: 'already recorded for a different payment (account, amount, currency, value date, method or reference)' });
    }
  }
  return issues;
}

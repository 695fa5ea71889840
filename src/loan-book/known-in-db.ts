/**
 * What an import needs to know of the loan book already in Postgres: which referenced
 * borrowers and accounts exist (and the accounts' currencies), and which payment
 * event ids are stored with a different body. Set-based: one query each.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import type { LoanBook, ParsedRecords, PaymentRecord } from './records';
import type { KnownInDb } from './resolve';

const accountRow = z.object({ id: z.string(), currency: z.string() });
const idRow = z.object({ id: z.string() });
const storedRow = z.object({ id: z.string(), conflicting: z.boolean() });

export async function loadKnownInDb(db: Queryable, parsed: ParsedRecords): Promise<KnownInDb> {
  const borrowerIds = [...new Set([...parsed.CONTACT, ...parsed.ACCOUNT].map((r) => r.borrower_id))];
  const accountIds = [...new Set([...parsed.ACCOUNT, ...parsed.INSTALLMENT, ...parsed.PAYMENT].map((r) => r.account_id))];
  const [borrowers, accounts] = await Promise.all([
    db.query('SELECT id FROM borrowers WHERE id = ANY($1::text[])', [borrowerIds]),
    db.query('SELECT id, currency FROM accounts WHERE id = ANY($1::text[])', [accountIds]),
  ]);
  return {
    borrowerIds: new Set(borrowers.rows.map((r) => idRow.parse(r).id)),
    accountCurrencies: new Map(accounts.rows.map((r) => accountRow.parse(r)).map((a) => [a.id, a.currency])),
  };
}

/** The payment columns an import writes, as arrays for unnest(). */
export function paymentColumns(payments: PaymentRecord[]): unknown[] {
  return [
    payments.map((p) => p.event_id),
    payments.map((p) => p.account_id),
    payments.map((p) => p.amount),
    payments.map((p) => p.currency),
    payments.map((p) => p.value_date),
    payments.map((p) => p.method),
    payments.map((p) => p.reference ?? null),
  ];
}

export const PAYMENT_INPUT = `unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::date[], $6::text[], $7::text[])
  AS f(event_id, account_id, amount, currency, value_date, method, reference)`;

export interface StoredPayments {
  /** event ids Postgres holds with another body (whatever path the stored one came by) */
  conflicting: Set<string>;
  /** how many of the book's payments Postgres holds exactly as they are */
  alike: number;
}

export async function compareWithStoredPayments(db: Queryable, book: Pick<LoanBook, 'payments'>): Promise<StoredPayments> {
  if (book.payments.length === 0) return { conflicting: new Set(), alike: 0 };
  const { rows } = await db.query(
    `SELECT p.event_id AS id,
            (p.account_id, p.amount, p.currency::text, p.value_date, p.method, p.reference)
              IS DISTINCT FROM (f.account_id, f.amount, f.currency, f.value_date, f.method, f.reference) AS conflicting
       FROM ${PAYMENT_INPUT} JOIN payments p USING (event_id)`,
    paymentColumns(book.payments),
  );
  const stored = rows.map((r) => storedRow.parse(r));
  return { conflicting: new Set(stored.filter((r) => r.conflicting).map((r) => r.id)), alike: stored.filter((r) => !r.conflicting).length };
}

/**
 * Writes a checked loan book, set-based, inside the caller's transaction: borrowers
 * (and their personal data), contact points, accounts, installments, payments, in
 * that order for the foreign keys. Re-importing the same rows changes nothing.
 * Payments it inserts may be announced to the accounts' workflows through the signal
 * outbox, in the same transaction, as the API does for the payments posted to it.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import { enqueueSignals } from '../db/signal-outbox';
import { PAYMENT_INPUT, paymentColumns } from './known-in-db';
import { type AccountRecord, type BorrowerRecord, CONTACT_KINDS, CONTACT_LABELS, type ContactRecord, type InstallmentRecord, type LoanBook } from './records';
import { type TableSpec, upsertSet, type WriteCounts } from './upsert-set';

export type { WriteCounts } from './upsert-set';
export type LoanBookCounts = Record<'borrowers' | 'contacts' | 'accounts' | 'installments' | 'payments', WriteCounts>;

const borrowers: TableSpec<BorrowerRecord> = {
  table: 'borrowers',
  key: ['id'],
  columns: [
    { name: 'id', type: 'text', value: (b) => b.borrower_id },
    { name: 'time_zone', type: 'text', value: (b) => b.time_zone },
    { name: 'jurisdiction', type: 'text', value: (b) => b.jurisdiction },
  ],
};

// mobile_phone and email are not here: they follow the contact points (syncPreferredContacts).
const personalData: TableSpec<BorrowerRecord> = {
  table: 'borrower_personal_data',
  key: ['borrower_id'],
  touch: 'updated_at',
  columns: [
    { name: 'borrower_id', type: 'text', value: (b) => b.borrower_id },
    { name: 'full_name', type: 'text', value: (b) => b.full_name },
    { name: 'id_number', type: 'text', value: (b) => b.id_number },
    { name: 'home_address', type: 'text', value: (b) => b.home_address },
    { name: 'work_address', type: 'text', value: (b) => b.work_address },
    { name: 'workplace', type: 'text', value: (b) => b.workplace },
  ],
};

const contactPoints: TableSpec<ContactRecord> = {
  table: 'borrower_contact_points',
  key: ['borrower_id', 'kind', 'label'],
  touch: 'updated_at',
  columns: [
    { name: 'borrower_id', type: 'text', value: (c) => c.borrower_id },
    { name: 'kind', type: 'text', value: (c) => c.kind },
    { name: 'label', type: 'text', value: (c) => c.label },
    { name: 'value', type: 'text', value: (c) => c.value },
    { name: 'preferred', type: 'boolean', value: (c) => c.preferred },
    { name: 'contact_from', type: 'time', value: (c) => c.contact_from },
    { name: 'contact_until', type: 'time', value: (c) => c.contact_until },
  ],
};

const accounts: TableSpec<AccountRecord> = {
  table: 'accounts',
  key: ['id'],
  columns: [
    { name: 'id', type: 'text', value: (a) => a.account_id },
    { name: 'borrower_id', type: 'text', value: (a) => a.borrower_id },
    { name: 'product', type: 'text', value: (a) => a.product },
    { name: 'currency', type: 'text', value: (a) => a.currency },
    { name: 'principal', type: 'bigint', value: (a) => a.principal ?? 0 },
    { name: 'credit_limit', type: 'bigint', value: (a) => a.credit_limit },
    { name: 'status', type: 'text', value: (a) => a.status },
    { name: 'opened_on', type: 'date', value: (a) => a.opened_on },
  ],
};

const installments: TableSpec<InstallmentRecord> = {
  table: 'installments',
  key: ['account_id', 'seq'],
  columns: [
    { name: 'account_id', type: 'text', value: (i) => i.account_id },
    { name: 'seq', type: 'int', value: (i) => i.seq },
    { name: 'due_date', type: 'date', value: (i) => i.due_date },
    { name: 'principal_due', type: 'bigint', value: (i) => i.principal_due },
    { name: 'interest_due', type: 'bigint', value: (i) => i.interest_due },
    { name: 'fees_due', type: 'bigint', value: (i) => i.fees_due },
    { name: 'reported_amount_paid', type: 'bigint', value: (i) => i.reported_amount_paid },
    { name: 'statement_date', type: 'date', value: (i) => i.statement_date },
    { name: 'statement_balance', type: 'bigint', value: (i) => i.statement_balance },
    { name: 'reported_cycles_past_due', type: 'smallint', value: (i) => i.reported_cycles_past_due },
  ],
};

const countsOf = ({ inserted, updated, unchanged }: WriteCounts): WriteCounts => ({ inserted, updated, unchanged });

const contactKeyRow = z.object({ borrower_id: z.string(), kind: z.enum(CONTACT_KINDS), label: z.enum(CONTACT_LABELS) });

/** A borrower counts as updated when its borrowers row or its personal data changed. */
async function writeBorrowers(db: Queryable, rows: BorrowerRecord[]): Promise<WriteCounts> {
  const b = await upsertSet(db, borrowers, rows, { keys: true });
  const p = await upsertSet(db, personalData, rows, { keys: true });
  const inserted = new Set(b.insertedKeys);
  const updated = new Set([...b.updatedKeys, ...p.updatedKeys, ...p.insertedKeys].filter((id) => !inserted.has(id)));
  return { inserted: inserted.size, updated: updated.size, unchanged: rows.length - inserted.size - updated.size };
}

async function writeContacts(db: Queryable, rows: ContactRecord[]): Promise<WriteCounts> {
  // The file's preferred phone (e-mail) replaces a stored preferred one of another label,
  // before the upsert, which would otherwise meet two preferred ones.
  const preferred = rows.filter((c) => c.preferred);
  const key = (c: Pick<ContactRecord, 'borrower_id' | 'kind' | 'label'>) => `${c.borrower_id}\t${c.kind}\t${c.label}`;
  const cleared = await db.query(
    `UPDATE borrower_contact_points c SET preferred = false, updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::text[]) AS f(borrower_id, kind, label)
      WHERE c.borrower_id = f.borrower_id AND c.kind = f.kind AND c.label <> f.label AND c.preferred
     RETURNING c.borrower_id, c.kind, c.label`,
    [preferred.map((c) => c.borrower_id), preferred.map((c) => c.kind), preferred.map((c) => c.label)],
  );
  const clearedKeys = new Set(cleared.rows.map((r) => key(contactKeyRow.parse(r))));
  const counts = countsOf(await upsertSet(db, contactPoints, rows));
  // a row of the file changed by the clearing above was updated, though the upsert found it as the file says
  const clearedInFile = rows.filter((c) => clearedKeys.has(key(c))).length;
  counts.updated += clearedInFile;
  counts.unchanged -= clearedInFile;
  // borrower_personal_data keeps the preferred phone and e-mail for the readers that predate contact points.
  await db.query(
    `UPDATE borrower_personal_data p
        SET mobile_phone = coalesce(c.phone, p.mobile_phone), email = coalesce(c.email, p.email), updated_at = now()
       FROM (SELECT borrower_id,
                    (array_agg(value ORDER BY preferred DESC, label = 'MOBILE' DESC, label) FILTER (WHERE kind = 'PHONE'))[1] AS phone,
                    (array_agg(value ORDER BY preferred DESC, label) FILTER (WHERE kind = 'EMAIL'))[1] AS email
               FROM borrower_contact_points WHERE borrower_id = ANY($1::text[]) GROUP BY borrower_id) c
      WHERE p.borrower_id = c.borrower_id
        AND (p.mobile_phone, p.email) IS DISTINCT FROM (coalesce(c.phone, p.mobile_phone), coalesce(c.email, p.email))`,
    [[...new Set(rows.map((c) => c.borrower_id))]],
  );
  return counts;
}

const writtenPaymentRow = z.object({ event_id: z.string(), account_id: z.string(), value_date: z.string() });

/**
 * Payments are facts: a stored event is never changed by an import. The checks before
 * found `storedAlike` of them stored exactly as they are and none with another body;
 * an event stored since by a concurrent writer fails the whole import rather than
 * being counted as unchanged. With `announce`, each payment inserted gets its
 * PAYMENT_RECEIVED outbox row, an account's in value-date order; a payment stored
 * before (by the API, or an earlier import) had its own and gets none.
 */
async function writePayments(db: Queryable, book: Pick<LoanBook, 'payments'>, storedAlike: number, announce: boolean): Promise<WriteCounts> {
  if (book.payments.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const { rows } = await db.query(
    `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, reference, source)
     SELECT f.*, 'IMPORT' FROM ${PAYMENT_INPUT} ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id, account_id, value_date`,
    paymentColumns(book.payments),
  );
  const inserted = rows.length;
  if (inserted + storedAlike !== book.payments.length) throw new Error('payments were recorded by another writer during the import: try again');
  if (announce) {
    const written = rows.map((r) => writtenPaymentRow.parse(r));
    written.sort((a, b) => a.value_date.localeCompare(b.value_date) || a.event_id.localeCompare(b.event_id));
    await enqueueSignals(db, 'PAYMENT_RECEIVED', written.map((p) => ({ eventId: p.event_id, accountId: p.account_id })));
  }
  return { inserted, updated: 0, unchanged: storedAlike };
}

/**
 * `paymentsStoredAlike`: how many of the book's payments Postgres already holds exactly
 * (compareWithStoredPayments). `announcePayments`: whether the payments inserted are
 * news for the accounts' open workflows (see importLoanBook).
 */
export async function writeLoanBook(db: Queryable, book: LoanBook, paymentsStoredAlike: number, { announcePayments }: { announcePayments: boolean }): Promise<LoanBookCounts> {
  return {
    borrowers: await writeBorrowers(db, book.borrowers),
    contacts: await writeContacts(db, book.contacts),
    accounts: countsOf(await upsertSet(db, accounts, book.accounts)),
    installments: countsOf(await upsertSet(db, installments, book.installments)),
    payments: await writePayments(db, book, paymentsStoredAlike, announcePayments),
  };
}

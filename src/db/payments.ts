/** Payment events, one row per event id whichever path it came by. */
import { z } from 'zod';
import type { PaymentEvent } from '../domain/payment-event';
import type { Queryable } from './pool';

export type PaymentSource = 'API' | 'SIGNAL' | 'IMPORT' | 'DEMO';

/** The columns that make up the payment event itself. */
export const paymentEventRow = z.object({
  event_id: z.string(),
  account_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  value_date: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
});

const paymentRow = paymentEventRow.extend({
  source: z.string(),
  received_at: z.date(),
  reversed_at: z.date().nullable(),
  reversal_reason: z.string().nullable(),
});
export type PaymentRow = z.infer<typeof paymentRow>;

export type RecordPaymentOutcome = 'RECORDED' | 'ALREADY_RECORDED' | 'CONFLICTING_DUPLICATE';

/** The payment event a stored row stands for. */
export function paymentEventOf(row: z.infer<typeof paymentEventRow>): PaymentEvent {
  return {
    eventId: row.event_id,
    accountId: row.account_id,
    amount: row.amount,
    currency: row.currency,
    valueDate: row.value_date,
    method: row.method as PaymentEvent['method'],
    ...(row.reference === null ? {} : { reference: row.reference }),
  };
}

/** Is `event` the one already stored under its id (a re-delivery), or a different body reusing the id? */
export function isSameEvent(row: PaymentRow, event: PaymentEvent): boolean {
  return (
    row.account_id === event.accountId &&
    row.amount === event.amount &&
    row.currency === event.currency &&
    row.value_date === event.valueDate &&
    row.method === event.method &&
    row.reference === (event.reference ?? null)
  );
}

export async function findPayment(db: Queryable, eventId: string, { forUpdate = false } = {}): Promise<PaymentRow | undefined> {
  const { rows } = await db.query(`SELECT * FROM payments WHERE event_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [eventId]);
  return rows[0] ? paymentRow.parse(rows[0]) : undefined;
}

/** Inserts the event once; a second arrival of the same id is told apart from a different body under a reused id. */
export async function recordPayment(db: Queryable, event: PaymentEvent, source: PaymentSource): Promise<RecordPaymentOutcome> {
  const { rowCount } = await db.query(
    `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, reference, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.accountId, event.amount, event.currency, event.valueDate, event.method, event.reference ?? null, source],
  );
  if (rowCount) return 'RECORDED';
  const first = (await findPayment(db, event.eventId)) as PaymentRow;
  return isSameEvent(first, event) ? 'ALREADY_RECORDED' : 'CONFLICTING_DUPLICATE';
}

/** Marks the payment reversed (first reversal wins; later ones change nothing). */
export async function markPaymentReversed(db: Queryable, eventId: string, reason: string): Promise<PaymentRow | undefined> {
  await db.query('UPDATE payments SET reversed_at = now(), reversal_reason = $2 WHERE event_id = $1 AND reversed_at IS NULL', [eventId, reason]);
  return findPayment(db, eventId);
}

export async function accountCurrency(db: Queryable, accountId: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT currency FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ? z.string().parse(rows[0].currency) : undefined;
}

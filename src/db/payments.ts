/** Payment events, one row per event id whichever path it came by. */
import { z } from 'zod';
import type { PaymentEvent } from '../domain/payment-event';
import type { Queryable } from './pool';

export type PaymentSource = 'API' | 'SIGNAL' | 'IMPORT' | 'DEMO';

const paymentRow = z.object({
  event_id: z.string(),
  account_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  value_date: z.string(),
});

export type RecordPaymentOutcome = 'RECORDED' | 'ALREADY_RECORDED' | 'CONFLICTING_DUPLICATE';

/** Inserts the event once; a second arrival of the same id is told apart from a different body under a reused id. */
export async function recordPayment(db: Queryable, event: PaymentEvent, source: PaymentSource): Promise<RecordPaymentOutcome> {
  const { rowCount } = await db.query(
    `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, reference, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
    [event.eventId, event.accountId, event.amount, event.currency, event.valueDate, event.method, event.reference ?? null, source],
  );
  if (rowCount) return 'RECORDED';
  const { rows } = await db.query('SELECT event_id, account_id, amount, currency, value_date FROM payments WHERE event_id = $1', [event.eventId]);
  const first = paymentRow.parse(rows[0]);
  const same =
    first.account_id === event.accountId && first.amount === event.amount && first.currency === event.currency && first.value_date === event.valueDate;
  return same ? 'ALREADY_RECORDED' : 'CONFLICTING_DUPLICATE';
}

export async function accountCurrency(db: Queryable, accountId: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT currency FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ? z.string().parse(rows[0].currency) : undefined;
}

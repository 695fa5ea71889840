/**
 * Accepting a payment event from a backend service (SPEC §1, §7). Postgres is written
 * first, in one transaction with the outbox row that will carry the event to the
 * account's workflow: an accepted payment is never lost, even while Temporal is down,
 * and nothing partial is ever written. Each event id counts once.
 */
import { inTransaction, type Pool } from '../db/pool';
import { findPayment, isSameEvent, type PaymentRow } from '../db/payments';
import { enqueueSignal } from '../db/signal-outbox';
import type { PaymentEvent } from '../domain/payment-event';

export type AcceptPaymentResult =
  /** new: recorded and queued for the workflow */
  | { kind: 'ACCEPTED'; payment: PaymentRow }
  /** the same event again: the first result, nothing counted twice */
  | { kind: 'DUPLICATE'; payment: PaymentRow }
  /** the event id was used before for a different payment */
  | { kind: 'CONFLICT'; payment: PaymentRow }
  /** no such account: the row is kept for reconciliation, nothing is delivered */
  | { kind: 'UNKNOWN_ACCOUNT'; payment: PaymentRow }
  /** the account is held in another currency: nothing written */
  | { kind: 'CURRENCY_MISMATCH'; accountCurrency: string };

export async function acceptPayment(pool: Pool, event: PaymentEvent): Promise<AcceptPaymentResult> {
  return inTransaction(pool, async (db) => {
    const earlier = await findPayment(db, event.eventId);
    if (earlier) return sameResultAgain(earlier, event, pool);

    const { rows } = await db.query('SELECT currency FROM accounts WHERE id = $1', [event.accountId]);
    const currency = rows[0]?.currency as string | undefined;
    if (currency !== undefined && currency !== event.currency) return { kind: 'CURRENCY_MISMATCH', accountCurrency: currency };

    const inserted = await db.query(
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, reference, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'API') ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, event.accountId, event.amount, event.currency, event.valueDate, event.method, event.reference ?? null],
    );
    const payment = (await findPayment(db, event.eventId)) as PaymentRow;
    // a concurrent request with the same id won the insert: answer as for a repeat
    if (!inserted.rowCount) return sameResultAgain(payment, event, pool);
    if (currency === undefined) return { kind: 'UNKNOWN_ACCOUNT', payment };
    await enqueueSignal(db, 'PAYMENT_RECEIVED', event.eventId, event.accountId);
    return { kind: 'ACCEPTED', payment };
  });
}

async function sameResultAgain(earlier: PaymentRow, event: PaymentEvent, pool: Pool): Promise<AcceptPaymentResult> {
  if (!isSameEvent(earlier, event)) return { kind: 'CONFLICT', payment: earlier };
  const { rowCount } = await pool.query('SELECT 1 FROM accounts WHERE id = $1', [earlier.account_id]);
  return rowCount ? { kind: 'DUPLICATE', payment: earlier } : { kind: 'UNKNOWN_ACCOUNT', payment: earlier };
}

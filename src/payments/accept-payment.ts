/**
 * Accepting a payment event from a backend service (SPEC §1, §7). Postgres is written
 * first, in one transaction with the outbox row that will carry the event to the
 * account's workflow: an accepted payment is never lost, even while Temporal is down,
 * and nothing partial is ever written. Each event id counts once.
 */
import { inTransaction, type Pool, type Queryable } from '../db/pool';
import { accountCurrency, findPayment, isSameEvent, type PaymentRow, recordPayment } from '../db/payments';
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
    if (earlier) return repeatOf(db, earlier, event);

    const currency = await accountCurrency(db, event.accountId);
    if (currency !== undefined && currency !== event.currency) return { kind: 'CURRENCY_MISMATCH', accountCurrency: currency };

    const recorded = await recordPayment(db, event, 'API');
    const payment = (await findPayment(db, event.eventId)) as PaymentRow;
    // a concurrent request with the same id won the insert: answer as for a repeat
    if (recorded !== 'RECORDED') return repeatOf(db, payment, event);
    if (currency === undefined) return { kind: 'UNKNOWN_ACCOUNT', payment };
    await enqueueSignal(db, 'PAYMENT_RECEIVED', event.eventId, event.accountId);
    return { kind: 'ACCEPTED', payment };
  });
}

/** The answer to an event id seen before: the first result, or a conflict if the body differs. */
async function repeatOf(db: Queryable, earlier: PaymentRow, event: PaymentEvent): Promise<AcceptPaymentResult> {
  if (!isSameEvent(earlier, event)) return { kind: 'CONFLICT', payment: earlier };
  const known = (await accountCurrency(db, earlier.account_id)) !== undefined;
  return known ? { kind: 'DUPLICATE', payment: earlier } : { kind: 'UNKNOWN_ACCOUNT', payment: earlier };
}

/**
 * Reversing a payment (a chargeback, a bounced direct debit). The row stays, marked
 * reversed; the account's figures no longer count it, which can re-open the arrears.
 * The workflow hears of it through the outbox, like any payment event.
 */
import { inTransaction, type Pool } from '../db/pool';
import { accountCurrency, findPayment, markPaymentReversed, type PaymentRow } from '../db/payments';
import { enqueueSignal } from '../db/signal-outbox';

export type ReversePaymentResult = { kind: 'REVERSED' | 'ALREADY_REVERSED'; payment: PaymentRow } | { kind: 'NOT_FOUND' };

export async function reversePayment(pool: Pool, eventId: string, reason: string): Promise<ReversePaymentResult> {
  return inTransaction(pool, async (db) => {
    const payment = await findPayment(db, eventId, { forUpdate: true });
    if (!payment) return { kind: 'NOT_FOUND' };
    if (payment.reversed_at) return { kind: 'ALREADY_REVERSED', payment };
    const reversed = (await markPaymentReversed(db, eventId, reason)) as PaymentRow;
    const knownAccount = (await accountCurrency(db, payment.account_id)) !== undefined;
    if (knownAccount) await enqueueSignal(db, 'PAYMENT_REVERSED', eventId, payment.account_id);
    return { kind: 'REVERSED', payment: reversed };
  });
}

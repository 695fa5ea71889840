/**
 * A payment reversal reaching the account's workflow as the `paymentReversed` signal,
 * sent after Postgres has marked the payment reversed (`payments.reversed_at`). Each
 * reversed `eventId` counts once. Workflow-safe.
 *
 * Not strict: a sender that adds a field (a reason, a timestamp) must not have its
 * reversal ignored; unknown fields are dropped, only these two are read.
 */
import { z } from 'zod';
import { accountIdSchema } from './ids';
import { paymentEventSchema } from './payment-event';

export const paymentReversalSchema = z.object({
  /** The reversed payment's own event id (the one it arrived under). */
  eventId: paymentEventSchema.shape.eventId,
  accountId: accountIdSchema,
});

export type PaymentReversal = z.infer<typeof paymentReversalSchema>;

/**
 * A payment event from a backend service (core banking, payment processor), as it
 * arrives by HTTP or as the `paymentReceived` signal. Each `eventId` counts once.
 * Workflow-safe.
 */
import { z } from 'zod';
import { isoDateSchema } from './dates';
import { accountIdSchema } from './ids';
import { currencySchema, minorUnitsSchema } from './money';

export const PAYMENT_METHODS = ['BANK_TRANSFER', 'CARD', 'DIRECT_DEBIT', 'CASH', 'OTHER'] as const;

export const paymentEventSchema = z.strictObject({
  /** The sender's unique id for this event: the idempotency key. */
  eventId: z.string().min(1).max(128),
  accountId: accountIdSchema,
  /** Integer minor units (cents, fen); positive. */
  amount: minorUnitsSchema.positive(),
  currency: currencySchema,
  /** The date the money counts from. */
  valueDate: isoDateSchema,
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().max(140).optional(),
});

export type PaymentEvent = z.infer<typeof paymentEventSchema>;

/**
 * Whether a payment step's outcome counts toward the figures: not a payment in another
 * currency, nor a second body under an event id already recorded. The workflow and the
 * step that records a cure with the payment judge it alike.
 */
export function paymentCounts(outcome: 'RECORDED' | 'ALREADY_RECORDED' | 'CONFLICTING_DUPLICATE' | 'CURRENCY_MISMATCH'): boolean {
  return outcome === 'RECORDED' || outcome === 'ALREADY_RECORDED';
}

/**
 * Where a bad payload went wrong, without echoing its values: the issue paths and
 * codes are safe to log, the values may hold personal data.
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
}

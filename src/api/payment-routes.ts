/**
 * Payment events from backend services (SPEC §1, §8): POST /payments and reversals.
 * Postgres is written first; the outbox relay tells the workflow.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from '../db/pool';
import type { PaymentRow } from '../db/payments';
import { paymentEventSchema } from '../domain/payment-event';
import { acceptPayment } from '../payments/accept-payment';
import { reversePayment } from '../payments/reverse-payment';
import { errorBody } from './errors';

const paymentView = z.object({
  eventId: z.string(),
  accountId: z.string(),
  amount: z.number().int().describe('minor units'),
  currency: z.string(),
  valueDate: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
  status: z.enum(['ACCEPTED', 'REVERSED']),
  receivedAt: z.string(),
  reversedAt: z.string().nullable(),
});

function viewOf(p: PaymentRow): z.infer<typeof paymentView> {
  return {
    eventId: p.event_id,
    accountId: p.account_id,
    amount: p.amount,
    currency: p.currency,
    valueDate: p.value_date,
    method: p.method,
    reference: p.reference,
    status: p.reversed_at ? 'REVERSED' : 'ACCEPTED',
    receivedAt: p.received_at.toISOString(),
    reversedAt: p.reversed_at?.toISOString() ?? null,
  };
}

export function registerPaymentRoutes(app: FastifyInstance, { pool }: { pool: Pool }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/payments',
    {
      schema: {
        summary: 'Record a payment event; each eventId counts once',
        description:
          'Written to Postgres first, then delivered to the account workflow as the paymentReceived signal (retried until Temporal takes it). ' +
          'Same eventId and body again: 200 with the first result. Same eventId, other body: 409. Unknown account: 404, the row is kept for reconciliation. ' +
          'Currency other than the account\'s: 422, nothing written.',
        body: paymentEventSchema,
        response: { 201: paymentView, 200: paymentView, 404: errorBody.extend({ eventId: z.string(), kept: z.boolean() }), 409: errorBody, 422: errorBody },
      },
    },
    async (request, reply) => {
      const result = await acceptPayment(pool, request.body);
      const log = { eventId: request.body.eventId, accountId: request.body.accountId, outcome: result.kind };
      request.log.info(log, 'payment event');
      switch (result.kind) {
        case 'ACCEPTED':
          return reply.code(201).send(viewOf(result.payment));
        case 'DUPLICATE':
          return reply.code(200).send(viewOf(result.payment));
        case 'UNKNOWN_ACCOUNT':
          return reply.code(404).send({ error: 'unknown account', eventId: result.payment.event_id, kept: true });
        case 'CONFLICT':
          return reply.code(409).send({ error: `eventId ${result.payment.event_id} was already used for a different payment` });
        case 'CURRENCY_MISMATCH':
          return reply.code(422).send({ error: `the account is held in ${result.accountCurrency}` });
      }
    },
  );

  api.post(
    '/payments/:eventId/reversal',
    {
      schema: {
        summary: 'Reverse a payment (chargeback, returned direct debit); idempotent',
        description: 'The payment stops counting; the workflow is told, and if its run is closed but the account is overdue again, a new run starts.',
        params: z.object({ eventId: z.string().min(1).max(128) }),
        body: z.strictObject({ reason: z.string().min(1).max(200) }),
        response: { 200: paymentView, 404: errorBody },
      },
    },
    async (request, reply) => {
      const result = await reversePayment(pool, request.params.eventId, request.body.reason);
      request.log.info({ eventId: request.params.eventId, outcome: result.kind }, 'payment reversal');
      if (result.kind === 'NOT_FOUND') return reply.code(404).send({ error: 'no such payment' });
      return reply.code(200).send(viewOf(result.payment));
    },
  );
}

/**
 * Staff's messages about one account (issue 6 §3, §4): a promise to pay (the `recordPromise`
 * update: answered once stored), holds and cease-contact (the `holdPlaced`, `holdReleased`
 * and `ceaseContact` signals: idempotent by their ids, accepted at once).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from '../db/pool';
import { ceaseContactSchema, holdPlacedSchema, promiseToPaySchema } from '../domain/early-collection';
import { accountIdSchema } from '../domain/ids';
import { sendCeaseContact, sendHoldPlaced, sendHoldReleased, sendPromise } from './account-messages';
import { actingAs } from './authenticate';
import { replyToSignal, replyToUpdate, signalResponses, updateErrorResponses } from './message-replies';

const accountParams = z.object({ accountId: accountIdSchema });

export function registerAccountRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/accounts/:accountId/promises',
    {
      schema: {
        summary: "Record a promise to pay, as the recordPromise update of the account's workflow",
        description:
          'amount in decimal major units ("1200.50"), exactly. The workflow waits until promisedFor plus its grace period, then judges it kept or broken. ' +
          "409 when it refuses: a date in the past or beyond the treatment's horizon, another currency, a promise already pending, nothing overdue.",
        params: accountParams,
        body: promiseToPaySchema,
        response: { 200: z.object({ promiseId: z.number().int(), checkAt: z.string() }), ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const recordedBy = actingAs(request, reply, request.body.recordedBy, 'recordedBy');
      if (!recordedBy) return reply;
      return replyToUpdate(request, reply, await sendPromise(deps, request.params.accountId, { ...request.body, recordedBy }), 'promise to pay', request.params);
    },
  );

  api.post(
    '/accounts/:accountId/holds',
    {
      schema: {
        summary: 'Place a hold (dispute, complaint, hardship review, bankruptcy, death): all contact pauses, the cadence timers stop',
        description: 'The holdPlaced signal. The same holdId again counts once. The note is stored, never logged.',
        params: accountParams,
        body: holdPlacedSchema,
        response: signalResponses,
      },
    },
    async (request, reply) =>
      replyToSignal(request, reply, await sendHoldPlaced(deps, request.params.accountId, request.body), 'hold placed', { ...request.params, holdId: request.body.holdId }),
  );

  api.post(
    '/accounts/:accountId/holds/:holdId/release',
    {
      schema: {
        summary: 'Release a hold: once the last is released, the cadence resumes with the time it had left',
        description: 'The holdReleased signal. Releasing an unknown or released hold changes nothing.',
        params: accountParams.extend({ holdId: holdPlacedSchema.shape.holdId }),
        response: signalResponses,
      },
    },
    async (request, reply) => replyToSignal(request, reply, await sendHoldReleased(deps, request.params.accountId, { holdId: request.params.holdId }), 'hold released', request.params),
  );

  api.post(
    '/accounts/:accountId/cease-contact',
    {
      schema: {
        summary: 'Stop outbound contact for good (legal escalation stays possible)',
        description: "The ceaseContact signal. scope BORROWER (default): every account of the borrower; ACCOUNT: this one. The same requestId again counts once.",
        params: accountParams,
        body: ceaseContactSchema,
        response: signalResponses,
      },
    },
    async (request, reply) =>
      replyToSignal(request, reply, await sendCeaseContact(deps, request.params.accountId, request.body), 'cease-contact', { ...request.params, requestId: request.body.requestId }),
  );
}

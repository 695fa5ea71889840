/**
 * Negotiation read routes (issue 16 §4), straight from Postgres: an account's newest offer
 * and its plan in force with its progress. The borrower's surplus (and the budget derived
 * from it) is personal data: withheld here until the identity issue's role checks and view
 * log serve it; staff see it through the workflow's `offer` query and the codec server.
 * The answer and the waiver decision routes come with the stage modules (they are updates).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadLatestOfferView } from '../db/negotiations';
import { loadPlanView } from '../db/plans';
import type { Pool } from '../db/pool';
import { accountIdSchema } from '../domain/ids';
import { offerSchema, planViewSchema } from '../domain/negotiation';
import { errorBody } from './errors';

const accountParams = z.object({ accountId: accountIdSchema });

export function registerNegotiationRoutes(app: FastifyInstance, deps: { pool: Pool }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/accounts/:accountId/offer',
    {
      schema: {
        summary: "The account's newest offer: its options with their exact schedules (minor units), waivers and what awaits a supervisor",
        description: 'surplus and instalmentBudget are null here: they are personal data. 404 when the account was never made an offer.',
        params: accountParams,
        response: { 200: offerSchema, 404: errorBody },
      },
    },
    async (request, reply) => {
      const offer = await loadLatestOfferView(deps.pool, request.params.accountId);
      if (!offer) return reply.code(404).send({ error: `account ${request.params.accountId} has no offer` });
      return { ...offer, surplus: null, instalmentBudget: null };
    },
  );

  api.get(
    '/accounts/:accountId/plan',
    {
      schema: {
        summary: "The account's plan in force: its instalments, what payments since it started have covered, the next one due",
        description: '404 when no plan is in force (none accepted, or it ended: completed, broken).',
        params: accountParams,
        response: { 200: planViewSchema, 404: errorBody },
      },
    },
    async (request, reply) => {
      const plan = await loadPlanView(deps.pool, { accountId: request.params.accountId });
      if (!plan) return reply.code(404).send({ error: `account ${request.params.accountId} has no plan in force` });
      return plan;
    },
  );
}

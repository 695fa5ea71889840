/**
 * Negotiation read routes (issue 16 §4), straight from Postgres: an account's newest offer
 * and its plan in force with its progress. The borrower's surplus (and the budget derived
 * from it) is personal data: withheld here until the identity issue's role checks and view
 * log serve it; staff see it through the workflow's `offer` query and the codec server.
 * The borrower's answer to the offer and a supervisor's waiver decision are updates of the
 * account's workflow (negotiation-messages.ts); who answers or decides is the token's subject.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadLatestOfferView } from '../db/negotiations';
import { loadPlanView } from '../db/plans';
import type { Pool } from '../db/pool';
import { accountIdSchema } from '../domain/ids';
import { OFFER_ANSWERS, PLAN_ANSWER_OUTCOMES, approveWaiverSchema, offerSchema, planViewSchema } from '../domain/negotiation';
import { actingAs } from './authenticate';
import { errorBody } from './errors';
import { sendPlanResponse, sendWaiverDecision } from './negotiation-messages';
import { replyToUpdate, updateErrorResponses } from './message-replies';

const accountParams = z.object({ accountId: accountIdSchema });

// Who answers (respondedBy) or decides (supervisorId) is the caller: left out, the token's
// subject; named, it must be the subject (BORROWER aside: an answer the borrower gave themselves).
const you = (field: string) => `default: you; anyone else: 403 (${field})`;
const answerBody = z.strictObject({
  answer: z.enum(OFFER_ANSWERS),
  offerId: z.number().int().positive(),
  option: z.string().optional().describe('ACCEPT: INSTALMENT_PLAN, TERM_EXTENSION or SETTLEMENT'),
  statedMonthlyIncome: z.string().optional().describe('COUNTER: decimal, the currency of the account (personal data)'),
  statedMonthlyOutgoings: z.string().optional().describe('COUNTER: decimal'),
  note: z.string().optional(),
  respondedBy: z.string().optional().describe(`BORROWER, or your staff id; ${you('respondedBy')}`),
  via: z.enum(['AGENT', 'FIELD_APP', 'API', 'CLI']).optional().describe('default API'),
});
const waiverDecisionBody = z.strictObject(approveWaiverSchema.shape).omit({ waiverId: true }).extend({ supervisorId: approveWaiverSchema.shape.supervisorId.optional().describe(you('supervisorId')) });

export function registerNegotiationRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client }): void {
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

  api.post(
    '/accounts/:accountId/offer/response',
    {
      schema: {
        summary: "The borrower's answer to the open offer (accept an option, decline, or counter with a stated income), as the respondToPlan update",
        description:
          "409 when the workflow refuses it: not the open offer (withdrawn or replaced), expired, waiting for a supervisor, already answered, or no such option. " +
          'An accepted option starts the plan (PLAN_ACTIVE); the same request again answers as the first did.',
        params: accountParams,
        body: answerBody,
        response: { 200: z.object({ offerId: z.number().int(), outcome: z.enum(PLAN_ANSWER_OUTCOMES), planId: z.number().int().nullable() }), ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const named = request.body.respondedBy;
      const respondedBy = named === 'BORROWER' ? named : actingAs(request, reply, named, 'respondedBy');
      if (!respondedBy) return reply;
      const { accountId } = request.params;
      const response = { ...request.body, respondedBy, via: request.body.via ?? 'API' };
      return replyToUpdate(request, reply, await sendPlanResponse(deps, accountId, response), 'answer to the offer', { accountId, offerId: request.body.offerId, answer: request.body.answer });
    },
  );

  api.post(
    '/waivers/:waiverId/decision',
    {
      schema: {
        summary: "A supervisor's decision on a waiver beyond the tier's limit (APPROVE, REDUCE with approvedAmount, REFUSE; with a reason), as the approveWaiver update",
        description: "409 when the workflow refuses it: not an active supervisor, the waiver is not open. Answers the offer as it stands after the decision.",
        params: z.object({ waiverId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        body: waiverDecisionBody,
        response: { 200: offerSchema, ...updateErrorResponses, 404: errorBody.describe('no such waiver') },
      },
    },
    async (request, reply) => {
      const supervisorId = actingAs(request, reply, request.body.supervisorId, 'supervisorId');
      if (!supervisorId) return reply;
      const { waiverId } = request.params;
      const outcome = await sendWaiverDecision(deps, waiverId, { ...request.body, supervisorId });
      // The surplus is personal data: withheld here as on GET /accounts/:id/offer.
      const shown = outcome.kind === 'DONE' ? { ...outcome, result: { ...outcome.result, surplus: null, instalmentBudget: null } } : outcome;
      return replyToUpdate(request, reply, shown, 'waiver decision', { waiverId, decision: request.body.decision, supervisorId });
    },
  );
}

/**
 * The LEGAL stage's write side over HTTP (issue 17 §4): the legal team reports a case's
 * outcome, a supervisor decides a write-off or recalls an agency placement. Each is an update
 * of the account's workflow (legal-messages.ts), answered once stored; who reports or decides
 * is the token's subject. The read side is legal-routes.ts.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from '../db/pool';
import { approveWriteOffSchema, legalCaseViewSchema, placementViewSchema, recallPlacementSchema, writeOffViewSchema } from '../domain/legal';
import { actingAs } from './authenticate';
import { sendLegalOutcome, sendPlacementRecall, sendWriteOffDecision } from './legal-messages';
import { replyToUpdate, updateErrorResponses } from './message-replies';

const id = (what: string) => z.object({ [what]: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const you = (field: string) => `default: you; anyone else: 403 (${field})`;

// The outcome's own fields are checked by the workflow's schema (recordLegalOutcomeSchema): one
// discriminated union whose every wrong field the 400 names.
const outcomeBody = z.looseObject({ reportedBy: z.string().optional().describe(you('reportedBy')) }).describe(
  'outcome (FILED with courtReference and an optional hearingOn, ASSET_PRESERVATION with an optional hearingOn, JUDGMENT, SETTLED_IN_COURT and RECOVERED with amount in minor units and currency, UNRECOVERABLE), occurredOn (YYYY-MM-DD), an optional note',
);
const writeOffDecisionBody = z.strictObject(approveWriteOffSchema.shape).omit({ recommendationId: true }).extend({ supervisorId: approveWriteOffSchema.shape.supervisorId.optional().describe(you('supervisorId')) });
const recallBody = z.strictObject(recallPlacementSchema.shape).omit({ placementId: true }).extend({ supervisorId: recallPlacementSchema.shape.supervisorId.optional().describe(you('supervisorId')) });

export function registerLegalUpdateRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/legal/cases/:caseId/outcomes',
    {
      schema: {
        summary: "The legal team's report on a case, as the recordLegalOutcome update; answers the case as it stands after it",
        description:
          '409 when the workflow refuses it: not the account\'s case, out of order (in the future, before the last outcome, filed twice, a judgment before filing, anything after the end), another currency. ' +
          'RECOVERED or SETTLED_IN_COURT ends the run in SETTLED; UNRECOVERABLE leads to a write-off recommendation.',
        params: id('caseId'),
        body: outcomeBody,
        response: { 200: legalCaseViewSchema, ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const reportedBy = actingAs(request, reply, request.body.reportedBy, 'reportedBy');
      if (!reportedBy) return reply;
      const { caseId } = request.params as { caseId: number };
      const outcome = await sendLegalOutcome(deps, caseId, { ...request.body, reportedBy });
      return replyToUpdate(request, reply, outcome, 'legal outcome', { caseId, outcome: request.body.outcome });
    },
  );

  api.post(
    '/write-offs/:recommendationId/decision',
    {
      schema: {
        summary: "A supervisor's decision on a recommended write-off (APPROVE or DECLINE, with a reason), as the approveWriteOff update",
        description: '409 when the workflow refuses it: not an active supervisor, not the write-off waiting, the account on hold. APPROVE ends the run in WRITTEN_OFF with the balance of the day.',
        params: id('recommendationId'),
        body: writeOffDecisionBody,
        response: { 200: writeOffViewSchema, ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const supervisorId = actingAs(request, reply, request.body.supervisorId, 'supervisorId');
      if (!supervisorId) return reply;
      const { recommendationId } = request.params as { recommendationId: number };
      const outcome = await sendWriteOffDecision(deps, recommendationId, { ...request.body, supervisorId });
      return replyToUpdate(request, reply, outcome, 'write-off decision', { recommendationId, decision: request.body.decision, supervisorId });
    },
  );

  api.post(
    '/placements/:placementId/recall',
    {
      schema: {
        summary: "A supervisor recalls an account from its collection agency, with a reason, as the recallPlacement update; the recall is recorded and sent before it answers",
        description: '409 when the workflow refuses it: not an active supervisor, not the placement in force.',
        params: id('placementId'),
        body: recallBody,
        response: { 200: placementViewSchema, ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const supervisorId = actingAs(request, reply, request.body.supervisorId, 'supervisorId');
      if (!supervisorId) return reply;
      const { placementId } = request.params as { placementId: number };
      const outcome = await sendPlacementRecall(deps, placementId, { ...request.body, supervisorId });
      return replyToUpdate(request, reply, outcome, 'placement recall', { placementId, supervisorId });
    },
  );
}

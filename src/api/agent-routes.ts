/**
 * The agent queue (issue 6 §2): an agent lists their call tasks, makes the call, and
 * answers the task with its outcome, which goes to the account's workflow as the
 * `recordCallOutcome` update. Tasks carry the call script, not the borrower's name or number.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AGENT_TASK_STATUSES, listAgentTasks } from '../db/agent-queue';
import type { Pool } from '../db/pool';
import { callOutcomeSchema } from '../domain/early-collection';
import { sendCallOutcome } from './account-messages';
import { actingAs } from './authenticate';
import { replyToUpdate, updateErrorResponses } from './message-replies';

const agentTaskView = z.object({
  id: z.number().int(),
  accountId: z.string(),
  workflowId: z.string(),
  assignedAgent: z.string().nullable(),
  status: z.enum(AGENT_TASK_STATUSES),
  openedAt: z.string(),
  dueBy: z.string().describe('the end of the call window: after it the cadence moves on (a late outcome is still recorded)'),
  closedAt: z.string().nullable(),
  script: z.string().describe('what to say: the figures and how to pay'),
  templateId: z.string(),
  templateVersion: z.number().int(),
});

/** The outcome as the agent sends it: the task is in the path. */
const callOutcomeBody = z
  .strictObject(callOutcomeSchema.shape)
  .omit({ taskId: true })
  .extend({ agentId: callOutcomeSchema.shape.agentId.optional().describe('default: you; anyone else: 403') })
  .describe('reason, incomeChange and householdChange only when rightPartyReached is true');

export function registerAgentRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/agent/tasks',
    {
      schema: {
        summary: 'The agent queue: call tasks, open ones soonest due first',
        querystring: z.strictObject({
          agentId: callOutcomeSchema.shape.agentId.optional().describe("one agent's tasks (default: everyone's)"),
          status: z.enum(AGENT_TASK_STATUSES).default('OPEN'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ tasks: z.array(agentTaskView) }) },
      },
    },
    async (request) => ({ tasks: await listAgentTasks(deps.pool, request.query) }),
  );

  api.post(
    '/agent/tasks/:taskId/outcome',
    {
      schema: {
        summary: "Answer a call task: the call's outcome, as the recordCallOutcome update of the account's workflow",
        description:
          'Stored in Postgres by the workflow before the answer. The same request again answers as the first did. ' +
          "409 when the workflow refuses it (another outcome is already in, the task is not this account's call) or is not running.",
        params: z.object({ taskId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
        body: callOutcomeBody,
        response: { 200: z.object({ taskId: z.number().int(), callOutcomeId: z.number().int() }), ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const agentId = actingAs(request, reply, request.body.agentId, 'agentId');
      if (!agentId) return reply;
      return replyToUpdate(request, reply, await sendCallOutcome(deps, request.params.taskId, { ...request.body, agentId }), 'call outcome', { taskId: request.params.taskId });
    },
  );
}

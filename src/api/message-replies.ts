/**
 * How the answer of a message to an account's workflow (account-messages.ts) becomes an
 * HTTP answer, the same for every route that sends one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SignalOutcome, UpdateOutcome } from './account-messages';
import { RETRY_AFTER_SECONDS } from './dependency-errors';
import { errorBody } from './errors';

/** The error answers an update route may give, for its OpenAPI document. */
export const updateErrorResponses = {
  400: errorBody.describe('a bad body: every wrong field is named, its value not echoed'),
  404: errorBody.describe('no such task or account'),
  409: errorBody.describe("the workflow refused it (its validator's reason), or the account's workflow is not running"),
  503: errorBody.describe('Temporal is taking too many requests right now: retry after Retry-After seconds'),
  504: errorBody.describe('the workflow did not answer in time: whether a worker polls its task queue is said, and what to do'),
};

export const signalAccepted = z.object({ accepted: z.literal(true), workflowId: z.string() });

export const signalResponses = {
  202: signalAccepted.describe('the signal reached the workflow; it applies it (idempotently, by its id) on its own'),
  404: errorBody.describe('no such account'),
  409: errorBody.describe("the account's workflow is not running"),
};

const ERROR_STATUS = { INVALID: 400, NOT_FOUND: 404, REJECTED: 409, NOT_RUNNING: 409, NO_ANSWER: 504, BUSY: 503 } as const;

/**
 * Logs what was sent and how it went (`logged`: ids only, never the message's fields, which
 * may be personal data) and answers with the outcome's status.
 */
export function replyToUpdate<T>(request: FastifyRequest, reply: FastifyReply, outcome: UpdateOutcome<T>, what: string, logged: Record<string, unknown>) {
  request.log.info({ ...logged, outcome: outcome.kind }, what);
  switch (outcome.kind) {
    case 'DONE':
      return reply.code(200).send(outcome.result);
    case 'INVALID':
      return reply.code(400).send({ error: 'invalid request', issues: outcome.issues });
    case 'BUSY':
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: outcome.error });
    default:
      return reply.code(ERROR_STATUS[outcome.kind]).send({ error: outcome.error });
  }
}

export function replyToSignal(request: FastifyRequest, reply: FastifyReply, outcome: SignalOutcome, what: string, logged: Record<string, unknown>) {
  request.log.info({ ...logged, outcome: outcome.kind }, what);
  if (outcome.kind === 'SENT') return reply.code(202).send({ accepted: true, workflowId: outcome.workflowId });
  return reply.code(ERROR_STATUS[outcome.kind]).send({ error: outcome.error });
}

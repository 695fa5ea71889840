/**
 * GET /accounts/:accountId (issue 15 §3; AGENT, SUPERVISOR, LEGAL, COMPLIANCE): where an
 * account stands and what happened to it (account-view.ts). Personal fields only of the
 * kinds the caller's roles may see; such a view is logged.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from '../db/pool';
import { accountIdSchema } from '../domain/ids';
import { TIMELINE_KINDS, TIMELINE_LIMIT } from '../domain/timeline';
import type { Client } from '@temporalio/client';
import { callerOf } from './authenticate';
import { viewAccount } from './account-view';
import { errorBody } from './errors';

const instant = z.string();
const accountViewSchema = z.object({
  account: z.object({ id: z.string(), borrowerId: z.string(), product: z.string(), currency: z.string(), status: z.string(), riskTier: z.string().nullable(), openedOn: z.string() }),
  stage: z.object({ stage: z.string(), since: instant }).nullable().describe('the last stage move recorded in Postgres'),
  figures: z
    .object({ asOf: z.string(), amountOverdue: z.number().int(), daysPastDue: z.number().int(), bucket: z.string().nullable(), oldestUnpaidDueDate: z.string().nullable(), overdueInstallments: z.number().int(), riskTier: z.string() })
    .nullable()
    .describe("today's figures in the bank's zone (minor units)"),
  workflow: z
    .object({ status: z.string().describe('RUNNING, COMPLETED, …; NONE: never started; UNANSWERED: Temporal did not answer in time'), summary: z.record(z.string(), z.unknown()).nullable() })
    .describe("the running workflow's summary query: treatment, next step and when, holds, pending promise"),
  holds: z.array(z.object({ holdId: z.string().nullable(), reason: z.string(), placedAt: instant, releasedAt: instant.nullable() })),
  promises: z.array(
    z.object({
      promiseId: z.number().int(),
      amount: z.number().int(),
      currency: z.string(),
      promisedFor: z.string(),
      channel: z.string(),
      status: z.string(),
      amountPaid: z.number().int().nullable(),
      recordedBy: z.string().nullable(),
      recordedAt: instant,
      checkAt: instant,
    }),
  ),
  appointments: z.array(
    z.object({
      appointmentId: z.number().int(),
      kind: z.string(),
      status: z.string(),
      visitNumber: z.number().int(),
      startsAt: instant.nullable(),
      endsAt: instant.nullable(),
      confirmBy: instant.nullable(),
      collectorId: z.string().nullable(),
      securityId: z.string().nullable(),
      addressKind: z.string().nullable(),
    }),
  ),
  timeline: z.array(z.object({ at: instant, kind: z.enum(TIMELINE_KINDS), text: z.string() })).describe('newest first, bounded by limit'),
  personalDataShown: z.array(z.string()).describe("the kinds of personal data in borrower, as the caller's roles allow (the view is logged when any)"),
  borrower: z.object({
    name: z.string().nullable().optional(),
    mobilePhone: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    homeAddress: z.string().nullable().optional(),
    idNumber: z.string().nullable().optional(),
    visitAddresses: z.array(z.object({ appointmentId: z.number().int(), address: z.string() })).optional(),
  }),
});

export function registerAccountViewRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client; businessTimeZone: string }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/accounts/:accountId',
    {
      schema: {
        summary: 'Where an account stands and what happened to it: figures, stage, treatment, next step, holds, promises, appointments, timeline',
        description: `Personal fields (borrower) only of the kinds the caller's roles may see: AGENT name and phones; SUPERVISOR, LEGAL, COMPLIANCE also addresses and the ID number. Such a view is written to the access log. Lists and the timeline newest first, at most limit (default ${TIMELINE_LIMIT}).`,
        params: z.object({ accountId: accountIdSchema }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(TIMELINE_LIMIT) }),
        response: { 200: accountViewSchema, 404: errorBody },
      },
    },
    async (request, reply) => {
      const view = await viewAccount({ db: deps.pool, temporal: deps.temporal, businessTimeZone: deps.businessTimeZone }, callerOf(request), request.params.accountId, request.query.limit);
      if (!view) return reply.code(404).send({ error: `no account ${request.params.accountId}` });
      return { ...view, workflow: { status: view.workflow.status, summary: view.workflow.summary ? { ...view.workflow.summary } : null } };
    },
  );
}

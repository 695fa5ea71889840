/**
 * The legal team's read routes (issue 17 §4) and the dispute and court export (issue 15
 * §4), straight from Postgres: cases with their outcomes (a hearing within dates: "LEGAL
 * with a hearing this month"), agency placements with their recalls, write-offs with what
 * was recovered after them. The reports and decisions themselves (recordLegalOutcome,
 * approveWriteOff, recallPlacement) are the account workflow's updates: they come with the
 * LEGAL stage module.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportFileName, exportForStaff } from '../account-export/staff-export';
import { AccountNotFoundForExport } from '../account-export/records';
import { caseView, listCases, loadCase } from '../db/legal';
import { listPlacements, placementView } from '../db/placements';
import type { Pool } from '../db/pool';
import { listWriteOffs, writeOffView } from '../db/write-offs';
import { isoDateSchema } from '../domain/dates';
import { accountIdSchema } from '../domain/ids';
import { legalCaseViewSchema, placementViewSchema, WRITE_OFF_STATUSES, writeOffViewSchema } from '../domain/legal';
import { callerOf } from './authenticate';
import { errorBody } from './errors';

const limit = z.coerce.number().int().min(1).max(1000).default(100);
const yesNo = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

export function registerLegalRoutes(app: FastifyInstance, { pool }: { pool: Pool }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/accounts/:accountId/export',
    {
      schema: {
        summary: 'The dispute and court export: one ZIP of every record of the account (JSON), a PDF summary and a manifest of SHA-256 hashes',
        description: 'application/zip. Holds personal data: every export is logged in the access log (via EXPORT). The X-Export-SHA256 header is the SHA-256 of the ZIP. 404 (JSON) when the loan book has no such account.',
        params: z.object({ accountId: accountIdSchema }),
      },
    },
    async (request, reply) => {
      const at = new Date();
      try {
        const exported = await exportForStaff(pool, { caller: callerOf(request), accountId: request.params.accountId, via: 'API', at });
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', `attachment; filename="${exportFileName(request.params.accountId, at)}"`)
          .header('x-export-sha256', exported.sha256)
          .send(exported.zip);
      } catch (err) {
        if (err instanceof AccountNotFoundForExport) return reply.code(404).send({ error: `account ${request.params.accountId} is not in the loan book` });
        throw err;
      }
    },
  );

  api.get(
    '/legal/cases',
    {
      schema: {
        summary: 'Legal cases, newest referral first: open ones only, one account, or a next hearing within dates',
        querystring: z.strictObject({ accountId: accountIdSchema.optional(), open: yesNo, hearingFrom: isoDateSchema.optional(), hearingTo: isoDateSchema.optional(), limit }),
        response: { 200: z.object({ cases: z.array(legalCaseViewSchema) }) },
      },
    },
    async (request) => {
      const rows = await listCases(pool, request.query);
      return { cases: await Promise.all(rows.map((r) => caseView(pool, r))) };
    },
  );

  api.get(
    '/legal/cases/:caseId',
    {
      schema: {
        summary: 'One legal case: its outcomes, the evidence bundle (path and SHA-256), what was recovered',
        params: z.object({ caseId: z.coerce.number().int().positive() }),
        response: { 200: legalCaseViewSchema, 404: errorBody },
      },
    },
    async (request, reply) => {
      const row = await loadCase(pool, request.params.caseId);
      if (!row) return reply.code(404).send({ error: `no legal case ${request.params.caseId}` });
      return caseView(pool, row);
    },
  );

  api.get(
    '/placements',
    {
      schema: {
        summary: 'Agency placements with their recalls, newest first: in force only, one account, or one agency',
        querystring: z.strictObject({ accountId: accountIdSchema.optional(), agencyId: z.string().min(1).optional(), inForce: yesNo, limit }),
        response: { 200: z.object({ placements: z.array(placementViewSchema) }) },
      },
    },
    async (request) => ({ placements: (await listPlacements(pool, request.query)).map(placementView) }),
  );

  api.get(
    '/write-offs',
    {
      schema: {
        summary: 'Write-offs, recommended, approved or declined, with what was recovered after them',
        querystring: z.strictObject({ accountId: accountIdSchema.optional(), status: z.enum(WRITE_OFF_STATUSES).optional(), limit }),
        response: { 200: z.object({ writeOffs: z.array(writeOffViewSchema) }) },
      },
    },
    async (request) => ({ writeOffs: (await listWriteOffs(pool, request.query)).map(writeOffView) }),
  );
}

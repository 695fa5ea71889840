/** GET /access-log (COMPLIANCE, route-roles.ts): who viewed which account's personal data, newest first. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAccessLog } from '../db/access-log';
import type { Pool } from '../db/pool';
import { accountIdSchema } from '../domain/ids';

const entryView = z.object({
  id: z.number().int(),
  viewedAt: z.string(),
  subject: z.string().describe("who: the token's subject"),
  roles: z.array(z.string()),
  dataKinds: z.array(z.string()).describe('NAME, PHONE, ADDRESS, ID_NUMBER, INCOME, VISIT_REPORT_TEXT; ANY_IN_PAYLOAD for a decoded workflow payload'),
  accountIds: z.array(z.string()),
  via: z.string().describe('API, CODEC, CLI or EXPORT'),
  purpose: z.string().describe('the route or command'),
});

export function registerAccessLogRoutes(app: FastifyInstance, { pool }: { pool: Pool }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/access-log',
    {
      schema: {
        summary: 'The personal-data access log: every view or export of personal data, newest first (append-only)',
        querystring: z.strictObject({ accountId: accountIdSchema.optional().describe("one account's views"), limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: z.object({ entries: z.array(entryView) }) },
      },
    },
    async (request) => ({ entries: await readAccessLog(pool, request.query) }),
  );
}

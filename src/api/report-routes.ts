/**
 * GET /reports/effectiveness (SPEC §6, §8): the effectiveness report as JSON, for a period
 * and grouped by bucket, treatment or experiment arm. Figures and group names only. Meant
 * for the SUPERVISOR and COMPLIANCE roles once routes check roles.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from '../db/pool';
import { loadCollectionCosts, type CollectionCosts } from '../effectiveness/costs';
import { buildEffectivenessReport } from '../effectiveness/report';
import { effectivenessReportSchema, reportRequestSchema } from '../effectiveness/report-schema';
import { errorBody } from './errors';

export function registerReportRoutes(app: FastifyInstance, { pool, costs = loadCollectionCosts() }: { pool: Pool; costs?: CollectionCosts }): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/reports/effectiveness',
    {
      schema: {
        summary: 'The effectiveness report: cure, roll, promise-kept, right-party-contact, appointment and visit rates, recovery, liquidation, cost per unit recovered, blocked contacts',
        description:
          'Over the records, for the period from..to (default: the year up to today, UTC), grouped by bucket at entry, treatment or experiment arm. ' +
          'Each rate carries its numerator and denominator; `definitions` states each metric. Amounts are minor units of `currency`.',
        querystring: reportRequestSchema,
        response: { 200: effectivenessReportSchema, 400: errorBody },
      },
    },
    async (request, reply) => {
      if (request.query.from && request.query.to && request.query.from > request.query.to) {
        return reply.code(400).send({ error: 'invalid request', issues: [`from: ${request.query.from} is after to (${request.query.to})`] });
      }
      return reply.code(200).send(await buildEffectivenessReport(pool, request.query, costs));
    },
  );
}

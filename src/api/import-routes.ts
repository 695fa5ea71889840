/**
 * POST /accounts/import (SPEC §8): core banking posts its loan-book export, as CSV
 * (text/csv) or JSON (application/json), or the UCI credit-card dataset (text/csv,
 * ?format=uci-credit-card). The file is imported as a whole or not at all.
 */
import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Pool } from '../db/pool';
import { type ImportFormat, importLoanBook } from '../loan-book/import-loan-book';
import { formatIssue, JSON_SECTIONS, RECORD_SCHEMAS, RECORD_TYPES } from '../loan-book/records';
import { errorBody } from './errors';

/** A loan-book export is larger than an API request usually is. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const counts = z.object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });
const importedBody = z.object({
  counts: z.object({ borrowers: counts, contacts: counts, accounts: counts, installments: counts, payments: counts, reference: counts.optional() }),
  durationMs: z.number().int(),
});
// problems: a rejected file's issues, structured; absent when the request itself is bad (e.g. its query string)
const rejectedBody = errorBody.extend({
  problems: z.array(z.object({ where: z.string().describe('"line 7" (CSV) or "accounts[2]" (JSON)'), field: z.string(), message: z.string() })).optional(),
});

/** The JSON layout, for the OpenAPI document; the body itself is parsed by the importer, which names every bad line. */
const loanBookDocument = z
  .object(Object.fromEntries(RECORD_TYPES.map((type) => [JSON_SECTIONS[type], z.array(RECORD_SCHEMAS[type]).optional()])))
  .describe('The JSON layout. A text/csv body carries the CSV layout instead: one record_type column, the same field names as columns.');

/** Every part of the request validated by zod as usual, except the body. */
const bodyLeftToTheImporter: typeof validatorCompiler = (route) => (route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route));

/** In a plugin of its own, so that its CSV body parser and its validator stay with this route. */
export function registerImportRoutes(app: FastifyInstance, { pool }: { pool: Pool }): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.setValidatorCompiler(bodyLeftToTheImporter);
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/accounts/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          summary: 'Import a loan book (borrowers, contact points, accounts, installments, payments)',
          description:
            'Amounts are decimal major units ("1234.56"), converted exactly with the currency\'s minor unit. Upserts on natural keys in one transaction: ' +
            'the same file again changes nothing. A bad file is rejected as a whole (400) with every bad line and field named; nothing is written. ' +
            'format=uci-credit-card takes the UCI "default of credit card clients" CSV.',
          consumes: ['text/csv', 'application/json'],
          querystring: z.strictObject({ format: z.enum(['loan-book', 'uci-credit-card']).default('loan-book') }),
          body: loanBookDocument,
          response: { 200: importedBody, 400: rejectedBody },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        const csv = typeof body === 'string';
        if (request.query.format === 'uci-credit-card' && !csv) {
          return reply.code(400).send({ error: 'the UCI dataset is a CSV: send it as text/csv' });
        }
        const format: ImportFormat = request.query.format === 'uci-credit-card' ? 'uci-credit-card' : csv ? 'loan-book-csv' : 'loan-book-json';
        const outcome = await importLoanBook(pool, { format, content: csv ? body : JSON.stringify(body), log: request.log });
        if (!outcome.ok) {
          return reply.code(400).send({ error: 'file rejected; nothing was written', issues: outcome.issues.map(formatIssue), problems: outcome.issues });
        }
        return reply.code(200).send({ counts: outcome.counts, durationMs: outcome.durationMs });
      },
    );
  });
}

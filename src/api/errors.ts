/**
 * One shape for every refused request: `{ error, issues: ["field.path: why", ...] }`.
 * Validation failures name the fields, never echo their values (they may be personal data).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const errorBody = z.object({ error: z.string(), issues: z.array(z.string()).optional() });

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)'}: ${v.message ?? 'invalid'}`);
      return reply.code(400).send({ error: 'invalid request', issues });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
}

/**
 * One shape for every refused request: `{ error, issues: ["field.path: why", ...] }`.
 * Validation failures name the fields, never echo their values (they may be personal data).
 * A request that failed because Postgres or Temporal is down gets 503 with Retry-After.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RETRY_AFTER_SECONDS, unavailableDependency, unavailableMessage } from './dependency-errors';

export const errorBody = z.object({ error: z.string(), issues: z.array(z.string()).optional() });

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)'}: ${v.message ?? 'invalid'}`);
      return reply.code(400).send({ error: 'invalid request', issues });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    const down = unavailableDependency(err);
    if (down) {
      request.log.warn({ dependency: down }, 'a dependency is unavailable');
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: unavailableMessage(down) });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
}

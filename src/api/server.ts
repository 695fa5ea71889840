/**
 * The API process's HTTP server (Fastify). Every route's input and output is a zod
 * schema; the same schemas validate requests and generate /openapi.json. Request logs
 * are structured and carry no bodies.
 */
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool';
import type { VerifyToken } from '../identity/verify-token';
import { registerAccessLogRoutes } from './access-log-routes';
import { registerAccountRoutes } from './account-routes';
import { registerAccountViewRoutes } from './account-view-routes';
import { registerAuthentication } from './authenticate';
import { registerAgentRoutes } from './agent-routes';
import { registerCodecRoutes } from './codec-routes';
import { RETRY_AFTER_SECONDS } from './dependency-errors';
import { registerErrorHandler } from './errors';
import { registerFieldRoutes } from './field-routes';
import { registerImportRoutes } from './import-routes';
import { registerLegalRoutes } from './legal-routes';
import { registerLegalUpdateRoutes } from './legal-update-routes';
import { registerNegotiationRoutes } from './negotiation-routes';
import { registerOptOutRoutes } from './opt-out-routes';
import { registerPaymentRoutes } from './payment-routes';
import { registerReportRoutes } from './report-routes';

/** How long /health waits for Temporal before calling it unavailable. */
const HEALTH_DEADLINE_MS = 3_000;
const answers = (probe: Promise<unknown>) =>
  probe.then(
    () => 'ok' as const,
    () => 'unavailable' as const,
  );

export interface ApiDeps {
  log: Logger;
  codec: PayloadCodec;
  corsOrigins: string[];
  pool: Pool;
  temporal: Client;
  /** the bearer-token check (identity/verify-token.ts) */
  verifyToken: VerifyToken;
  /** the SMS provider's key for its signed inbound webhook (SMS_INBOUND_SIGNING_KEY); unset: the webhook answers 503 */
  smsInboundSigningKey?: string;
  /** the bank's zone, whose calendar day an account's figures are for (SCREENING_TIME_ZONE) */
  businessTimeZone?: string;
}

export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger, bodyLimit: 4 * 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Arrears API', version: '1', description: 'Payment events from backend services; the codec endpoint of the Temporal Web UI. Every route but /health takes an OpenID access token (Authorization: Bearer).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(cors, {
    origin: deps.corsOrigins,
    methods: ['POST', 'GET'],
    // authorization and authorization-extras: the Temporal UI passes the signed-in user's token to the codec
    allowedHeaders: ['content-type', 'x-namespace', 'authorization', 'authorization-extras'],
    credentials: true,
  });

  registerAuthentication(app, deps.verifyToken);
  registerPaymentRoutes(app, { pool: deps.pool });
  registerImportRoutes(app, { pool: deps.pool });
  registerAgentRoutes(app, { pool: deps.pool, temporal: deps.temporal });
  registerAccountRoutes(app, { pool: deps.pool, temporal: deps.temporal });
  registerAccountViewRoutes(app, { pool: deps.pool, temporal: deps.temporal, businessTimeZone: deps.businessTimeZone ?? 'Asia/Shanghai' });
  registerOptOutRoutes(app, { pool: deps.pool, smsInboundSigningKey: deps.smsInboundSigningKey });
  registerFieldRoutes(app, { pool: deps.pool, temporal: deps.temporal });
  registerNegotiationRoutes(app, { pool: deps.pool, temporal: deps.temporal });
  registerReportRoutes(app, { pool: deps.pool });
  registerCodecRoutes(app, { codec: deps.codec, pool: deps.pool });
  registerAccessLogRoutes(app, { pool: deps.pool });
  registerLegalRoutes(app, { pool: deps.pool });
  registerLegalUpdateRoutes(app, { pool: deps.pool, temporal: deps.temporal });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    // Each dependency as "ok" or "unavailable": the raw error names hosts and ports.
    const [postgres, temporal] = await Promise.all([
      answers(deps.pool.query('SELECT 1')),
      answers(deps.temporal.connection.withDeadline(Date.now() + HEALTH_DEADLINE_MS, () => deps.temporal.workflowService.getSystemInfo({}))),
    ]);
    const healthy = postgres === 'ok' && temporal === 'ok';
    if (!healthy) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', postgres, temporal });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/**
 * The API process's HTTP server (Fastify): the codec endpoint for the Temporal UI
 * and a health route. Request logs are structured and carry no bodies.
 */
import cors from '@fastify/cors';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool';
import { registerCodecRoutes } from './codec-routes';

export interface ApiDeps {
  log: Logger;
  codec: PayloadCodec;
  corsOrigins: string[];
  pool: Pool;
  temporal: Client;
}

export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger, bodyLimit: 4 * 1024 * 1024 });
  await app.register(cors, {
    origin: deps.corsOrigins,
    methods: ['POST', 'GET'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
  });
  registerCodecRoutes(app, deps.codec);

  app.get('/health', async (_request, reply) => {
    const [postgres, temporal] = await Promise.all([
      deps.pool.query('SELECT 1').then(
        () => 'ok',
        (err: Error) => err.message,
      ),
      deps.temporal.workflowService.getSystemInfo({}).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    ]);
    const healthy = postgres === 'ok' && temporal === 'ok';
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', postgres, temporal });
  });
  return app;
}

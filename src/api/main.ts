/** The API process: `npm run api` (the launcher and docker-compose start it): HTTP routes and the outbox relay. */
import { codecKeysFrom, createEncryptionCodec } from '../codec/data-converter';
import { config } from '../config';
import { createPool } from '../db/pool';
import { createTokenVerifier, tokenSettingsFrom } from '../identity/verify-token';
import { logger } from '../logger';
import { connectClient } from '../temporal/client';
import { SignalRelay } from '../payments/signal-relay';
import { buildApiServer } from './server';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const verifyToken = createTokenVerifier(tokenSettingsFrom(cfg));
  const codecKeys = codecKeysFrom(cfg);
  const pool = createPool(cfg.DATABASE_URL);
  const temporal = await connectClient({ address: cfg.TEMPORAL_ADDRESS, namespace: cfg.TEMPORAL_NAMESPACE, codecKeys });
  const app = await buildApiServer({
    log: logger,
    codec: createEncryptionCodec(codecKeys),
    corsOrigins: cfg.CODEC_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    pool,
    temporal,
    verifyToken,
    smsInboundSigningKey: cfg.SMS_INBOUND_SIGNING_KEY,
    businessTimeZone: cfg.SCREENING_TIME_ZONE,
  });
  await app.listen({ host: cfg.API_HOST, port: cfg.API_PORT });
  const relay = new SignalRelay({ databaseUrl: cfg.DATABASE_URL, pool, client: temporal, taskQueue: cfg.TEMPORAL_TASK_QUEUE, businessTimeZone: cfg.SCREENING_TIME_ZONE, log: logger.child({ component: 'signal-relay' }) });
  await relay.start();

  const stop = async (signal: string) => {
    logger.info({ signal }, 'api stopping');
    await app.close();
    await relay.stop();
    await temporal.connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err }, 'api failed');
  process.exit(1);
});

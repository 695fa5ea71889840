/** The worker process: `npm run worker` (the launcher and docker-compose start it). */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { codecKeysFrom, createDataConverter } from '../src/codec/data-converter';
import { config } from '../src/config';
import { createPool } from '../src/db/pool';
import { logger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { ensureScreeningSchedule, screeningScheduleSettings } from '../src/temporal/screening-schedule';
import { createArrearsWorker } from './create-worker';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  installTemporalRuntime(logger);
  const pool = createPool(cfg.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const codecKeys = codecKeysFrom(cfg);
  // The screening fan-out starts and signals account workflows over the worker's own connection.
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: createDataConverter(codecKeys) });
  await ensureScreeningSchedule(client, screeningScheduleSettings(cfg), logger);
  const worker = await createArrearsWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    codecKeys,
    deps: { pool, smsProvider: new OutboxSmsProvider(pool), temporalClient: client, screeningStartConcurrency: cfg.SCREENING_START_CONCURRENCY, businessTimeZone: cfg.SCREENING_TIME_ZONE },
  });
  logger.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE }, 'worker running');
  try {
    await worker.run(); // until SIGINT/SIGTERM, then drains in-flight tasks
  } finally {
    await connection.close();
    await pool.end();
  }
  logger.info('worker stopped');
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});

/** The worker process: `npm run worker` (the launcher and docker-compose start it). */
import { NativeConnection } from '@temporalio/worker';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { codecKeysFrom } from '../src/codec/data-converter';
import { config } from '../src/config';
import { createPool } from '../src/db/pool';
import { logger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { createArrearsWorker } from './create-worker';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  installTemporalRuntime(logger);
  const pool = createPool(cfg.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const worker = await createArrearsWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    codecKeys: codecKeysFrom(cfg),
    deps: { pool, smsProvider: new OutboxSmsProvider(pool) },
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

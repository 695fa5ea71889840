/** The worker process: `npm run worker` (the launcher and docker-compose start it). */
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { OutboxEmailProvider, smtpDeliveryFromConfig } from '../activities/providers/email-provider';
import { smsProviderFromConfig } from '../activities/providers/sms-provider-from-config';
import { codecKeysFrom, createDataConverter } from '../src/codec/data-converter';
import { config } from '../src/config';
import { loadContactPolicyConfig } from '../src/contact-policy/config';
import { createPool } from '../src/db/pool';
import { logger } from '../src/logger';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { ensureScreeningSchedule, screeningScheduleSettings } from '../src/temporal/screening-schedule';
import { loadTemplateCatalogue } from '../src/templates/catalogue';
import { loadTreatments } from '../src/treatments/load';
import { createArrearsWorker } from './create-worker';
import { agencyProviderFromConfig } from '../activities/providers/agency-provider-from-config';
import { loadLegalConfig } from '../src/legal/load';

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  installTemporalRuntime(logger, { metricsAddress: cfg.WORKER_METRICS_ADDRESS });
  const pool = createPool(cfg.DATABASE_URL);
  // The files the cadence runs on, read once: a bad one stops the worker here, naming the file and field.
  const treatments = loadTreatments();
  const contactPolicies = loadContactPolicyConfig();
  const templates = loadTemplateCatalogue();
  const smsProvider = smsProviderFromConfig(cfg, pool);
  const emailProvider = new OutboxEmailProvider(pool, smtpDeliveryFromConfig(cfg));
  const legal = loadLegalConfig();
  const agencyProvider = agencyProviderFromConfig(cfg, pool);
  logger.info({ treatments: treatments.version, contactPolicy: contactPolicies.version, templates: templates.size, sms: smsProvider.name, email: emailProvider.name, legal: legal.version, agency: agencyProvider.name }, 'cadence configuration loaded');
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
    workflowThreads: cfg.WORKER_WORKFLOW_THREADS,
    workflowTaskSlots: cfg.WORKER_WORKFLOW_TASK_SLOTS,
    workflowTaskPollers: cfg.WORKER_WORKFLOW_TASK_POLLERS,
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    deps: {
      pool,
      smsProvider,
      emailProvider,
      treatments,
      contactPolicies,
      templates,
      temporalClient: client,
      screeningStartConcurrency: cfg.SCREENING_START_CONCURRENCY,
      businessTimeZone: cfg.SCREENING_TIME_ZONE,
      legal,
      agencyProvider,
      legalBundleDir: cfg.LEGAL_BUNDLE_DIR ?? path.join(cfg.ARREARS_DATA_DIR, 'legal-bundles'),
    },
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

/**
 * A worker process for the tests that kill a worker mid-step (issue 14 §3): the real workflow
 * bundle and activities, except that the activity named by GATED_ACTIVITY never finishes its
 * first call. It prints `entered <activity>` when that call starts, so the test knows the step
 * is in flight and SIGKILLs this process. Configuration comes from the environment (set by
 * test/gated-worker-process.ts), never from a person.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import { createPool } from '../src/db/pool';

async function main(): Promise<void> {
  const { GATED_ACTIVITY, TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, CODEC_KEYS, WORKFLOW_BUNDLE } = process.env;
  if (!GATED_ACTIVITY || !TEMPORAL_ADDRESS || !TASK_QUEUE || !DATABASE_URL || !CODEC_KEYS || !WORKFLOW_BUNDLE) throw new Error('gated worker: environment incomplete');
  const pool = createPool(DATABASE_URL, 2);
  const real = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) }) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  if (!real[GATED_ACTIVITY]) throw new Error(`gated worker: no activity ${GATED_ACTIVITY}`);
  const activities = {
    ...real,
    [GATED_ACTIVITY]: async () => {
      process.stdout.write(`entered ${GATED_ACTIVITY}\n`);
      await new Promise(() => undefined); // in flight until the process is killed
    },
  };
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    activities,
    dataConverter: createDataConverter(JSON.parse(CODEC_KEYS) as CodecKeys),
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

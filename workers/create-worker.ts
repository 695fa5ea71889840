/**
 * The `arrears` task-queue worker: the account workflows and their activities,
 * with the encrypting data converter. Used by the worker process and by tests.
 */
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';

export interface ArrearsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codecKeys: CodecKeys;
  deps: ActivityDeps;
  /** A prebuilt workflow bundle (tests build it once); otherwise bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createArrearsWorker(opts: ArrearsWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(opts.deps),
    dataConverter: createDataConverter(opts.codecKeys),
  });
}

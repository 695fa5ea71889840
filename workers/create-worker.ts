/**
 * The `arrears` task-queue worker: the account workflows and their activities,
 * with the encrypting data converter. Used by the worker process and by tests.
 */
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import { SHARED_WORKFLOW_MODULES, WORKFLOWS_PATH } from './workflow-bundle-options';

export interface ArrearsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codecKeys: CodecKeys;
  deps: ActivityDeps;
  /** A prebuilt workflow bundle (tests build it once); otherwise bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Threads running workflow code (the SDK's workflowThreadPoolSize); default 1. */
  workflowThreads?: number;
  /** Workflow tasks held at once (the SDK's maxConcurrentWorkflowTaskExecutions); default 40. */
  workflowTaskSlots?: number;
  /** At most this many workflow-task polls open, autoscaled; default the SDK's fixed 10. */
  workflowTaskPollers?: number;
  /** Runs kept in the worker's cache (the SDK's maxCachedWorkflows); default the SDK's, from the heap limit. */
  maxCachedWorkflows?: number;
}

export { WORKFLOWS_PATH } from './workflow-bundle-options';

export async function createArrearsWorker(opts: ArrearsWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES } }),
    activities: createActivities(opts.deps),
    dataConverter: createDataConverter(opts.codecKeys),
    ...(opts.workflowThreads ? { workflowThreadPoolSize: opts.workflowThreads } : {}),
    ...(opts.workflowTaskSlots ? { maxConcurrentWorkflowTaskExecutions: opts.workflowTaskSlots } : {}),
    ...(opts.maxCachedWorkflows ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.workflowTaskPollers ? { workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, maximum: opts.workflowTaskPollers } } : {}),
  });
}

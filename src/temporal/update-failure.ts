/**
 * Why an update to an account's workflow got no answer, in words a caller can act on (issue 19
 * §3b): the SDK's own message for most of these is a bare "Workflow Update failed". Shared by
 * the API (its HTTP answers) and the CLI (what `arrears` prints).
 */
import { isGrpcServiceError, ServiceError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { unavailableDependency } from '../api/dependency-errors';
import { accountWorkflowId } from '../domain/ids';

// gRPC RESOURCE_EXHAUSTED: the server's rate or in-flight update limits
const GRPC_RESOURCE_EXHAUSTED = 8;

/** Whether any worker polls the task queue the account's workflow runs on (undefined: could not tell). */
export async function workerPolling(client: Client, accountId: string): Promise<boolean | undefined> {
  try {
    const { taskQueue } = await client.workflow.getHandle(accountWorkflowId(accountId)).describe();
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers ?? []).length > 0;
  } catch {
    return undefined;
  }
}

/** The update waited its whole deadline: no worker at all, or a worker too busy to get to it. */
export function noAnswerMessage(accountId: string, waitedMs: number, polling: boolean | undefined): string {
  const seconds = Math.round(waitedMs / 1000);
  if (polling === false)
    return `the workflow of account ${accountId} did not answer within ${seconds} s: no worker is polling its task queue; start the worker (npm start, or npm run worker) and send the request again`;
  return `the workflow of account ${accountId} did not answer within ${seconds} s: its worker is busy${polling === undefined ? ' or not running' : ''}; the update may still be applied, so look at the account before sending it again`;
}

/**
 * A gRPC refusal of the update by the Temporal server (not by the workflow): what happened
 * and what to do, or undefined when it is none (or the server is unreachable, which the
 * caller answers as a dependency down).
 */
export function serverRefusalMessage(err: unknown, accountId: string): { busy: boolean; error: string } | undefined {
  if (!(err instanceof ServiceError) || unavailableDependency(err)) return undefined;
  const cause = err.cause;
  const details = isGrpcServiceError(cause) ? cause.details : undefined;
  if (isGrpcServiceError(cause) && cause.code === GRPC_RESOURCE_EXHAUSTED)
    return { busy: true, error: `Temporal is taking too many requests for the workflow of account ${accountId} right now${details ? ` (${details})` : ''}; retry in a few seconds` };
  return { busy: false, error: `Temporal refused the update to the workflow of account ${accountId}${details ? `: ${details}` : ''}; check that its workflow is running (arrears and the Temporal UI show it), then retry` };
}

/**
 * An account's collection workflow running for a block of tests (started before them,
 * terminated after), and what reached it: the signals in its history.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { startAccountCollection } from '../src/temporal/account-workflow';
import { eventually } from './support';

export interface RunningAccountWorkflow {
  accountId: string;
  handle: WorkflowHandle;
}

/** `setup` runs in beforeAll (when the worker and the account exist): its account's workflow is started there. */
export function runningAccountWorkflow(setup: () => Promise<{ client: Client; taskQueue: string; accountId: string }>): RunningAccountWorkflow {
  const running = {} as RunningAccountWorkflow;
  beforeAll(async () => {
    const { client, taskQueue, accountId } = await setup();
    running.accountId = accountId;
    running.handle = (await startAccountCollection(client, { accountId, taskQueue }, 'FAIL')).handle;
  });
  afterAll(async () => {
    await running.handle?.terminate('test over').catch(() => undefined);
  });
  return running;
}

/**
 * The names of the signals in the workflow's history, in order, once there are `count` of
 * them: a signal that arrives while a workflow task runs is buffered by the server until
 * the task completes.
 */
export async function signalsReceived(handle: WorkflowHandle, count: number): Promise<string[]> {
  const names = async () => ((await handle.fetchHistory()).events ?? []).flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []);
  return eventually(names, (seen) => seen.length >= count);
}

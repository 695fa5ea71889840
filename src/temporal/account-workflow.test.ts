/**
 * Signal-with-start on the dev server, on a task queue no worker polls (only what the
 * server records is looked at): a first call starts a run, a second signals it, racing
 * calls start one run, and a call after the run closed starts a new run tied to the old one.
 */
import type { Client } from '@temporalio/client';
import { accountWorkflowId } from '../domain/ids';
import { newCodecKeys, testTemporalAddress, uniqueId } from '../../test/support';
import { connectClient } from './client';
import { PREVIOUS_RUN_MEMO, startOrRefreshCollection } from './account-workflow';

const taskQueue = uniqueId('no-worker');
const refresh = { refreshId: 'screening-test', asOf: '2026-11-23' };
let client: Client;

beforeAll(async () => {
  client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: newCodecKeys() });
});

afterAll(async () => {
  await client?.connection.close();
});

/** The signals the run has received, by name, from its history. */
async function signalsOf(workflowId: string, runId: string): Promise<string[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName ?? ''] : []));
}

test('the first call starts a run with the signal; the next one signals that run', async () => {
  const accountId = uniqueId('ACC');
  const first = await startOrRefreshCollection(client, { accountId, taskQueue, refresh });
  const second = await startOrRefreshCollection(client, { accountId, taskQueue, refresh });

  expect(first.started).toBe(true);
  expect(second).toEqual({ started: false, runId: first.runId });
  const described = await client.workflow.getHandle(accountWorkflowId(accountId)).describe();
  expect(described).toMatchObject({ runId: first.runId, type: 'accountCollection', taskQueue, status: { name: 'RUNNING' } });
  expect(await signalsOf(accountWorkflowId(accountId), first.runId)).toEqual(['figuresRefreshed', 'figuresRefreshed']);
});

test('racing calls for one account start exactly one run', async () => {
  const accountId = uniqueId('ACC');
  const outcomes = await Promise.all(Array.from({ length: 8 }, () => startOrRefreshCollection(client, { accountId, taskQueue, refresh })));

  expect(outcomes.filter((o) => o.started)).toHaveLength(1);
  expect(new Set(outcomes.map((o) => o.runId)).size).toBe(1);
  expect(await signalsOf(accountWorkflowId(accountId), outcomes[0]!.runId)).toHaveLength(8);
});

test('after the run closed, the same workflow id gets a new run that names and links the one before', async () => {
  const accountId = uniqueId('ACC');
  const workflowId = accountWorkflowId(accountId);
  const earlier = await startOrRefreshCollection(client, { accountId, taskQueue, refresh });
  await client.workflow.getHandle(workflowId, earlier.runId).terminate('closed for the test');

  const next = await startOrRefreshCollection(client, { accountId, taskQueue, refresh, previousRunId: earlier.runId });

  expect(next.started).toBe(true);
  expect(next.runId).not.toBe(earlier.runId);
  const described = await client.workflow.getHandle(workflowId).describe();
  expect(described.runId).toBe(next.runId);
  expect(await described.memo).toEqual({ [PREVIOUS_RUN_MEMO]: earlier.runId });
  const history = await client.workflow.getHandle(workflowId, next.runId).fetchHistory();
  expect(history.events?.[0]?.links?.map((l) => ({ workflowId: l.workflowEvent?.workflowId, runId: l.workflowEvent?.runId }))).toEqual([{ workflowId, runId: earlier.runId }]);
});

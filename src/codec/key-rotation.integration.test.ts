/**
 * Key rotation seen from the worker, on the dev server and the real Postgres. A run
 * whose payloads the worker cannot decrypt (started under a key the worker does not
 * hold: a previous key dropped too early) fails its own workflow task, naming the key;
 * the worker keeps serving every other account; once the key is configured again as a
 * previous key, the run goes on by itself.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool';
import { accountWorkflowId } from '../domain/ids';
import { createLogger } from '../logger';
import { connectClient } from '../temporal/client';
import { startAccountCollections } from '../temporal/start-account-collections';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, type TestWorker, testPool, testTemporalAddress, uniqueId } from '../../test/support';
import { summaryQuery } from '../../workflows/account/contract';

const retiredKeys = newCodecKeys();
const currentKeys = newCodecKeys();
const taskQueue = uniqueId('arrears-codec');
const log = createLogger('silent');
let pool: Pool;
let workerWithoutRetiredKey: TestWorker | undefined;
let workerWithBothKeys: TestWorker | undefined;
let clientWithRetiredKey: Client;

beforeAll(async () => {
  pool = testPool();
  clientWithRetiredKey = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: retiredKeys });
});

afterAll(async () => {
  await workerWithoutRetiredKey?.stop();
  await workerWithBothKeys?.stop();
  await clientWithRetiredKey?.connection.close();
  await pool?.end();
});

const overdueAccount = () => seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 50_000 }] });

async function workflowTaskFailures(client: Client, workflowId: string): Promise<string[]> {
  const raw = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return (raw.history?.events ?? []).flatMap((e) => (e.workflowTaskFailedEventAttributes ? [e.workflowTaskFailedEventAttributes.failure?.message ?? ''] : []));
}

test('an undecryptable run fails its own workflow task, the worker serves the others, and the run resumes once the key is back', async () => {
  workerWithoutRetiredKey = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: currentKeys, pool });
  const client = workerWithoutRetiredKey.client;

  const stranded = await overdueAccount();
  const strandedId = accountWorkflowId(stranded);
  await startAccountCollections(clientWithRetiredKey, [stranded], { taskQueue, log });
  const failures = await eventually(() => workflowTaskFailures(client, strandedId), (f) => f.length > 0, 30_000);
  expect(failures[0]).toBe(`no codec key ${retiredKeys.current.keyId} is configured to decrypt this payload`);

  // The worker is still running and serves an account under the current key.
  const served = await overdueAccount();
  await startAccountCollections(client, [served], { taskQueue, log });
  const summary = await eventually(() => client.workflow.getHandle(accountWorkflowId(served)).query(summaryQuery), (s) => s.stage === 'REMINDING', 30_000);
  expect(summary.stage).toBe('REMINDING');
  expect(workerWithoutRetiredKey.worker.getState()).toBe('RUNNING');

  // The retired key configured again as a previous key: the stranded run goes on, untouched by hand.
  await workerWithoutRetiredKey.stop();
  workerWithoutRetiredKey = undefined;
  workerWithBothKeys = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: { current: currentKeys.current, previous: [retiredKeys.current] }, pool });
  const resumed = await eventually(() => workerWithBothKeys!.client.workflow.getHandle(strandedId).query(summaryQuery), (s) => s.stage === 'REMINDING', 60_000);
  expect(resumed).toMatchObject({ stage: 'REMINDING', amountOverdue: 50_000 });

  for (const accountId of [stranded, served]) await workerWithBothKeys.client.workflow.getHandle(accountWorkflowId(accountId)).terminate('test over');
});

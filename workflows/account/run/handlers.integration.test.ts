/**
 * Handlers that change what the run reacts to stay replay-safe across a worker's death (issue
 * 14 §3), on the dev server with the real activities and Postgres. For each handler the step
 * it starts is held in flight in a worker process of its own, which the test then kills with
 * SIGKILL; a new worker takes the run over (its workflow task times out and is retried there,
 * replaying the history so far), the run carries on as the message said, its whole history
 * replays on the same code without a nondeterminism error, and a payment still cures it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../../src/codec/data-converter';
import { PROJECT_ROOT } from '../../../src/paths';
import { devServerSession } from '../../../test/dev-server-session';
import { eventually, isoDateFrom, seedAccount, startTestWorker, testDatabaseUrl, testTemporalAddress, testWorkflowBundle, uniqueId, type TestWorker } from '../../../test/support';
import { accountCollection } from '../account-collection';
import { ceaseContactSignal, holdPlacedSignal, holdReleasedSignal, paymentReceivedSignal, recordCallOutcomeUpdate, summaryQuery, type AccountSummary } from '../contract';
import { accountWorkflowId } from '../../../src/temporal/account-workflow';

const session = devServerSession();
const { codecKeys } = session;

/** A worker process whose `activity` never finishes its first call; `entered` resolves when that call has started. */
async function gatedWorker(activity: string, taskQueue: string): Promise<{ entered: Promise<void>; kill(): Promise<void> }> {
  // node itself with tsx as a loader (not the tsx wrapper, whose child a SIGKILL would miss)
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'gated-worker.ts')], {
    env: {
      ...process.env,
      GATED_ACTIVITY: activity,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TASK_QUEUE: taskQueue,
      DATABASE_URL: testDatabaseUrl(),
      CODEC_KEYS: JSON.stringify(codecKeys),
      WORKFLOW_BUNDLE: testWorkflowBundle().codePath,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  session.onStop(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const seen = (line: string) =>
    new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => l === line && resolve());
      void exited.then(() => reject(new Error(`the gated worker exited before printing "${line}"`)));
    });
  const ready = seen('worker ready');
  const entered = seen(`entered ${activity}`);
  entered.catch(() => undefined); // awaited by the test; a worker killed before it is not an unhandled rejection
  await ready;
  return {
    entered,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A new worker (the real activities) that takes the run over. */
async function takeOver(taskQueue: string): Promise<TestWorker> {
  const worker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys, pool: session.pool });
  session.onStop(() => worker.stop());
  return worker;
}

async function startRun(taskQueue: string, treatment: string): Promise<{ accountId: string; handle: WorkflowHandle<typeof accountCollection> }> {
  const accountId = await seedAccount(session.pool, {
    installments: [
      { dueDate: isoDateFrom(Date.now(), -10), amount: 100_000 },
      { dueDate: isoDateFrom(Date.now(), 20), amount: 100_000 },
    ],
  });
  const handle = await session.client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment } }] });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  return { accountId, handle };
}

/** Its whole history replays on the same code; then a payment cures it. */
async function replaysAndCures(accountId: string, handle: WorkflowHandle<typeof accountCollection>): Promise<void> {
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: createDataConverter(codecKeys) }, await handle.fetchHistory(), handle.workflowId);
  const { amountOverdue } = await handle.query(summaryQuery);
  await handle.signal(paymentReceivedSignal, { eventId: uniqueId('EVT'), accountId, amount: amountOverdue, currency: 'CNY', valueDate: isoDateFrom(Date.now(), 0), method: 'BANK_TRANSFER' });
  expect((await handle.result()).outcome).toBe('CURED');
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: createDataConverter(codecKeys) }, await handle.fetchHistory(), handle.workflowId);
}

const summaryOf = (handle: WorkflowHandle<typeof accountCollection>, done: (s: AccountSummary) => boolean, withinMs = 60_000) => eventually(() => handle.query(summaryQuery), done, withinMs);

test('holdPlaced: the worker dies while the hold is being recorded', async () => {
  const taskQueue = uniqueId('tq-kill-hold');
  const gated = await gatedWorker('recordHold', taskQueue);
  const { accountId, handle } = await startRun(taskQueue, 'standard');
  await handle.signal(holdPlacedSignal, { holdId: uniqueId('H'), reason: 'DISPUTE' });
  await gated.entered;
  await gated.kill();
  await takeOver(taskQueue);

  expect(await summaryOf(handle, (s) => s.stage === 'ON_HOLD')).toMatchObject({ stage: 'ON_HOLD', onHold: true });
  expect((await session.pool.query('SELECT reason FROM contact_holds WHERE account_id = $1', [accountId])).rows).toEqual([{ reason: 'DISPUTE' }]);
  await replaysAndCures(accountId, handle);
});

test('holdReleased: the worker dies while the release is being recorded', async () => {
  const taskQueue = uniqueId('tq-kill-release');
  const gated = await gatedWorker('releaseHold', taskQueue);
  const { accountId, handle } = await startRun(taskQueue, 'standard');
  const holdId = uniqueId('H');
  await handle.signal(holdPlacedSignal, { holdId, reason: 'COMPLAINT' });
  await summaryOf(handle, (s) => s.stage === 'ON_HOLD');
  await handle.signal(holdReleasedSignal, { holdId });
  await gated.entered;
  await gated.kill();
  await takeOver(taskQueue);

  expect(await summaryOf(handle, (s) => s.stage === 'REMINDING')).toMatchObject({ stage: 'REMINDING', onHold: false });
  expect((await session.pool.query('SELECT released_at IS NOT NULL AS released FROM contact_holds WHERE account_id = $1', [accountId])).rows).toEqual([{ released: true }]);
  await replaysAndCures(accountId, handle);
});

test('ceaseContact: the worker dies while the request is being recorded', async () => {
  const taskQueue = uniqueId('tq-kill-cease');
  const gated = await gatedWorker('recordCeaseContact', taskQueue);
  const { accountId, handle } = await startRun(taskQueue, 'standard');
  const requestId = uniqueId('C');
  await handle.signal(ceaseContactSignal, { requestId, scope: 'BORROWER' });
  await gated.entered;
  await gated.kill();
  await takeOver(taskQueue);

  // Up to 150 s: on a loaded CI machine the killed worker's task times out and is retried before the new one runs it.
  expect(await summaryOf(handle, (s) => s.stage === 'LEGAL', 150_000)).toMatchObject({ stage: 'LEGAL', contactCeased: true });
  // The stage moves as soon as the signal is handled; the run's writer records the request in its
  // own local activity, which the new worker retries after the kill: wait for that row, once.
  const ceaseRows = () => session.pool.query('SELECT count(*)::int AS n FROM contact_cease_requests WHERE request_id = $1', [requestId]).then((r) => r.rows as { n: number }[]);
  expect(await eventually(ceaseRows, (rows) => rows[0]?.n === 1, 60_000)).toEqual([{ n: 1 }]);
  await replaysAndCures(accountId, handle);
}, 300_000);

test('recordCallOutcome: the worker dies while the outcome is being stored; the update still answers', async () => {
  const taskQueue = uniqueId('tq-kill-call');
  const gated = await gatedWorker('recordCallOutcome', taskQueue);
  const { accountId, handle } = await startRun(taskQueue, 'strong'); // an agent call on day 0
  const { openCallTask } = await summaryOf(handle, (s) => s.openCallTask != null);
  const answered = handle.executeUpdate(recordCallOutcomeUpdate, { args: [{ taskId: openCallTask!.taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'OVERSIGHT' }] });
  answered.catch(() => undefined); // awaited below, once the worker has been replaced
  await gated.entered;
  await gated.kill();
  await takeOver(taskQueue);

  expect(await answered).toMatchObject({ taskId: openCallTask!.taskId });
  expect((await session.pool.query('SELECT right_party_reached FROM call_outcomes WHERE account_id = $1', [accountId])).rows).toEqual([{ right_party_reached: true }]);
  expect(await summaryOf(handle, (s) => s.openCallTask === null)).toMatchObject({ openCallTask: null });
  await replaysAndCures(accountId, handle);
});

test('ceaseContact in the run\'s first task (a worker took the run over from its start): no contact, and the case goes to LEGAL', async () => {
  const taskQueue = uniqueId('tq-cease-first');
  const accountId = await seedAccount(session.pool, {
    installments: [
      { dueDate: isoDateFrom(Date.now(), -10), amount: 100_000 },
      { dueDate: isoDateFrom(Date.now(), 20), amount: 100_000 },
    ],
  });
  // Nobody polls yet: the run's first task holds its start and the cease together.
  const handle = await session.client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment: 'standard' } }] });
  await handle.signal(ceaseContactSignal, { requestId: uniqueId('C'), scope: 'BORROWER' });
  await takeOver(taskQueue);

  expect(await summaryOf(handle, (s) => s.stage === 'LEGAL')).toMatchObject({ stage: 'LEGAL', contactCeased: true });
  expect((await session.pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1', [accountId])).rows).toEqual([{ n: 0 }]);
  await replaysAndCures(accountId, handle);
});

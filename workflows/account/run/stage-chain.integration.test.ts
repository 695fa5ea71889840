/**
 * One transition per move when a payment meets the run's first workflow task (issue 14 §4),
 * on the dev server with the real activities and Postgres. The chaos harness (issue 19) found
 * a run whose first task recorded SCREENED and a cure by "nothing overdue" (Postgres already
 * held the payment), then failed as the payment signal arrived; the retried task, with the
 * payment first, recorded SCREENED→CURED a second time. Here no worker polls until the
 * payment signal is in the run's history, so its first task sees both, as that retry did.
 */
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createDataConverter } from '../../../src/codec/data-converter';
import { recordStageTransition } from '../../../src/db/audit';
import { recordPayment } from '../../../src/db/payments';
import type { PaymentEvent } from '../../../src/domain/payment-event';
import { accountWorkflowId } from '../../../src/temporal/account-workflow';
import { devServerSession } from '../../../test/dev-server-session';
import { isoDateFrom, seedAccount, startTestWorker, testTemporalAddress, testWorkflowBundle, uniqueId } from '../../../test/support';
import { accountCollection } from '../account-collection';
import { paymentReceivedSignal } from '../contract';

const session = devServerSession();

/** An overdue account whose payment Postgres already holds (the API stores it before it signals). */
async function paidAccount(): Promise<{ accountId: string; payment: PaymentEvent }> {
  const accountId = await seedAccount(session.pool, {
    installments: [
      { dueDate: isoDateFrom(Date.now(), -10), amount: 100_000 },
      { dueDate: isoDateFrom(Date.now(), 20), amount: 100_000 },
    ],
  });
  // More than the overdue instalment with its interest and fees: nothing stays overdue.
  const payment: PaymentEvent = { eventId: uniqueId('EVT'), accountId, amount: 150_000, currency: 'CNY', valueDate: isoDateFrom(Date.now(), 0), method: 'BANK_TRANSFER' };
  expect(await recordPayment(session.pool, payment, 'API')).toBe('RECORDED');
  return { accountId, payment };
}

/** The run started with nobody polling its task queue, and the payment signal already in its history. */
async function startUnpolled(accountId: string, payment: PaymentEvent, taskQueue: string): Promise<WorkflowHandleWithFirstExecutionRunId<typeof accountCollection>> {
  const handle = await session.client.workflow.start(accountCollection, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
  await handle.signal(paymentReceivedSignal, payment);
  return handle;
}

async function runWorker(taskQueue: string): Promise<void> {
  const worker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: session.codecKeys, pool: session.pool });
  session.onStop(() => worker.stop());
}

const chainOf = async (accountId: string) =>
  (await session.pool.query('SELECT seq, from_stage, to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY seq', [accountId])).rows.map(
    (r: { seq: number; from_stage: string | null; to_stage: string }) => `${r.seq}:${r.from_stage ?? '∅'}→${r.to_stage}`,
  );

async function replays(handle: WorkflowHandle<typeof accountCollection>): Promise<void> {
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: createDataConverter(session.codecKeys) }, await handle.fetchHistory(), handle.workflowId);
}

test('a payment in the run\'s first task: the run enters SCREENED, then one cure', async () => {
  const taskQueue = uniqueId('tq-chain-first');
  const { accountId, payment } = await paidAccount();
  const handle = await startUnpolled(accountId, payment, taskQueue);
  await runWorker(taskQueue);

  const result = await handle.result();
  expect(result.outcome).toBe('CURED');
  expect(result.summary.paymentsCounted).toBe(1);
  expect(await chainOf(accountId)).toEqual(['0:∅→SCREENED', '1:SCREENED→CURED']);
  await replays(handle);
});

test('a first task that recorded its moves and failed: its retry, with the payment first, records no move twice', async () => {
  const taskQueue = uniqueId('tq-chain-retry');
  const { accountId, payment } = await paidAccount();
  const handle = await startUnpolled(accountId, payment, taskQueue);
  // What the failed first attempt left in Postgres (its local activities ran, its task did not complete).
  const chainId = `${handle.workflowId}/${handle.firstExecutionRunId}`;
  const failedAttempt = (seq: number, fromStage: string | null, toStage: string, reason: string) =>
    recordStageTransition(session.pool, {
      idempotencyKey: `${chainId}/stage/${seq}`,
      accountId,
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
      fromStage,
      toStage,
      reason,
      occurredAt: new Date().toISOString(),
      chain: { chainId, seq },
    });
  await failedAttempt(0, null, 'SCREENED', 'account is overdue: collection started');
  await failedAttempt(1, 'SCREENED', 'CURED', 'nothing overdue');
  await runWorker(taskQueue);

  expect((await handle.result()).outcome).toBe('CURED');
  expect(await chainOf(accountId)).toEqual(['0:∅→SCREENED', '1:SCREENED→CURED']);
  await replays(handle);
});

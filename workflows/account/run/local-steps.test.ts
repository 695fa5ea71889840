/**
 * One local activity in flight per run (patch local-steps-one-at-a-time; see local-steps.ts),
 * on the time-skipping server with the real activities. The treatment's choice is held while
 * a payment and a hold arrive: without the lane the payment step and the hold's write start
 * beside it, and a replay can group their results differently from the live run.
 */
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { OutboxSmsProvider } from '../../../activities/providers/sms-provider';
import { createDataConverter } from '../../../src/codec/data-converter';
import { collectionHarness } from '../../../test/collection-harness';
import { testWorkflowBundle, uniqueId } from '../../../test/support';
import { holdPlacedSignal, paymentReceivedSignal } from '../contract';

/** Per workflow: local activities in flight now, the most ever at once, and the names started. */
const inFlight = new Map<string, number>();
const mostAtOnce = new Map<string, number>();
const started = new Map<string, string[]>();
let heldChoice: { workflowId: string; reached: () => void; release: Promise<void> } | undefined;

const harness = collectionHarness({
  name: 'local-steps',
  activities(pool) {
    const real = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) }) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const counted = Object.entries(real).map(([name, step]) => [
      name,
      async (...args: unknown[]) => {
        const { isLocal, workflowExecution } = Context.current().info;
        if (!isLocal) return step(...args);
        const workflowId = workflowExecution?.workflowId ?? '';
        started.set(workflowId, [...(started.get(workflowId) ?? []), name]);
        inFlight.set(workflowId, (inFlight.get(workflowId) ?? 0) + 1);
        mostAtOnce.set(workflowId, Math.max(mostAtOnce.get(workflowId) ?? 0, inFlight.get(workflowId)!));
        try {
          if (name === 'chooseTreatment' && heldChoice?.workflowId === workflowId) {
            heldChoice.reached();
            await heldChoice.release;
          }
          return await step(...args);
        } finally {
          inFlight.set(workflowId, inFlight.get(workflowId)! - 1);
        }
      },
    ]);
    return Object.fromEntries(counted);
  },
});

test('a payment and a hold arriving while the treatment is being chosen wait for it: one local activity at a time', async () => {
  const accountId = await harness.overdueAccount();
  const workflowId = `arrears-${accountId}`;
  let reached!: () => void;
  let release!: () => void;
  const choiceReached = new Promise<void>((resolve) => (reached = resolve));
  heldChoice = { workflowId, reached, release: new Promise<void>((resolve) => (release = resolve)) };
  const handle = await harness.start(accountId, 'standard');
  await choiceReached;

  await handle.signal(paymentReceivedSignal, await harness.payment(accountId, 1_000_000));
  await handle.signal(holdPlacedSignal, { holdId: uniqueId('H'), reason: 'DISPUTE' });
  // A workflow task held open by a local activity is taken over by the next after 80 % of its 10 s timeout:
  // the signals reach the run then, while the choice is still held.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  expect(started.get(workflowId)?.at(-1)).toBe('chooseTreatment');
  release();

  expect((await handle.result()).outcome).toBe('CURED');
  expect(started.get(workflowId)).toEqual(expect.arrayContaining(['chooseTreatment', 'applyPaymentEvent', 'recordHold']));
  expect(mostAtOnce.get(workflowId)).toBe(1);
  await Worker.runReplayHistory({ workflowBundle: testWorkflowBundle(), dataConverter: createDataConverter(harness.codecKeys) }, await handle.fetchHistory(), workflowId);
}, 60_000);

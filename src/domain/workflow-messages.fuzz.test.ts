/**
 * Issue 19 §2: every signal and update of the account workflow (workflows/account/contract,
 * schemas in src/domain), sent straight to a real run on the dev server with hostile
 * payloads, past the API's own checks. Updates: rejected by the validator, with a reason that
 * repeats no personal value, nothing written. Signals: dropped by their parser, nothing
 * written. Throughout: no workflow task fails and the run still answers. `FUZZ_RUNS` raises
 * the runs per message.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import fc from 'fast-check';
import type { Pool } from '../db/pool';
import { accountWorkflowId } from './ids';
import { addFieldStaff, validVisitReport } from '../../test/field-collection-seeds';
import { accountRowCounter, fuzzRuns, hostileValue, oneFieldBroken, personalStringsIn } from '../../test/fuzz';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, testPool, testTemporalAddress, uniqueId, type TestWorker } from '../../test/support';
import {
  ACCOUNT_COLLECTION_WORKFLOW,
  ceaseContactSignal,
  confirmAppointmentUpdate,
  figuresRefreshedSignal,
  holdPlacedSignal,
  holdReleasedSignal,
  overrideStageUpdate,
  approveWriteOffUpdate,
  recallPlacementUpdate,
  recordLegalOutcomeUpdate,
  paymentReceivedSignal,
  paymentReversedSignal,
  recordCallOutcomeUpdate,
  recordPromiseUpdate,
  recordVisitNoShowUpdate,
  submitVisitReportUpdate,
  summaryQuery,
} from '../../workflows/account/contract';

const { EventType } = temporal.api.enums.v1;

let pool: Pool;
let worker: TestWorker;
let handle: WorkflowHandle;
let accountId: string;
let supervisor: string;
let signalsSent = 0;
let countRows: () => Promise<Record<string, number>>;

const now = () => new Date().toISOString();

/** Each message with a valid payload of required fields only (the fuzz breaks one field of it; dropping an optional one would leave it valid) and whether its schema refuses unknown fields. */
const UPDATES: [string, UpdateDefinition<unknown, [never]>, () => object][] = [
  ['recordCallOutcome', recordCallOutcomeUpdate as never, () => ({ taskId: 1, agentId: 'agent-01', rightPartyReached: true })],
  ['recordPromise', recordPromiseUpdate as never, () => ({ amount: '500.00', currency: 'CNY', promisedFor: isoDateFrom(Date.now(), 3), channel: 'CALL' })],
  ['confirmAppointment', confirmAppointmentUpdate as never, () => ({ appointmentId: 1, slotId: 's1', address: { kind: 'HOME' }, confirmedBy: 'BORROWER', channel: 'CALL' })],
  ['recordVisitNoShow', recordVisitNoShowUpdate as never, () => ({ appointmentId: 1, reportedBy: 'collector-01' })],
  ['submitVisitReport', submitVisitReportUpdate as never, () => validVisitReport(1, 'collector-01', now())],
  ['overrideStage', overrideStageUpdate as never, () => ({ to: 'APPOINTMENT', supervisorId: supervisor, reason: 'reminders already exhausted' })],
  ['recordLegalOutcome', recordLegalOutcomeUpdate as never, () => ({ outcome: 'FILED', caseId: 1, occurredOn: isoDateFrom(Date.now(), -1), reportedBy: 'legal-01', courtReference: 'C-1' })],
  ['approveWriteOff', approveWriteOffUpdate as never, () => ({ recommendationId: 1, supervisorId: supervisor, decision: 'APPROVE', reason: 'charged off at 180 days' })],
  ['recallPlacement', recallPlacementUpdate as never, () => ({ placementId: 1, supervisorId: supervisor, reason: 'the agency is under review' })],
];
const SIGNALS: [string, SignalDefinition<[never]>, () => object, boolean][] = [
  ['paymentReceived', paymentReceivedSignal as never, () => ({ eventId: 'fuzz-1', accountId, amount: 10_000, currency: 'CNY', valueDate: isoDateFrom(Date.now(), 0), method: 'CARD' }), true],
  ['paymentReversed', paymentReversedSignal as never, () => ({ eventId: 'fuzz-1', accountId }), false],
  ['figuresRefreshed', figuresRefreshedSignal as never, () => ({ refreshId: 'fuzz-refresh' }), false],
  ['holdPlaced', holdPlacedSignal as never, () => ({ holdId: 'fuzz-hold', reason: 'DISPUTE' }), true],
  ['holdReleased', holdReleasedSignal as never, () => ({ holdId: 'fuzz-hold' }), true],
  ['ceaseContact', ceaseContactSignal as never, () => ({ requestId: 'fuzz-cease' }), true],
];

beforeAll(async () => {
  pool = testPool();
  supervisor = await addFieldStaff(pool, 'SUPERVISOR');
  worker = await startTestWorker({ address: testTemporalAddress(), taskQueue: uniqueId('messages-fuzz'), codecKeys: newCodecKeys(), pool });
  accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 250_000 }] });
  handle = await worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: worker.worker.options.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  countRows = await accountRowCounter(pool, accountId);
  // the run's first steps done (its first workflow task completed, nothing in flight) before the first count
  await quiet();
}, 60_000);

afterAll(async () => {
  await handle?.terminate('fuzz over').catch(() => undefined);
  await worker?.stop();
  await pool?.end();
});

/** The run's history: every signal sent is in it, the last workflow task completed, none failed. */
async function quiet(): Promise<void> {
  const history = await eventually(
    async () => (await handle.fetchHistory()).events ?? [],
    (events) => {
      const signalled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;
      const lastTask = [...events].reverse().find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
      const pendingActivity = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length > events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length;
      return signalled === signalsSent && lastTask?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && !pendingActivity;
    },
    30_000,
  );
  expect(history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).map((e) => e.workflowTaskFailedEventAttributes?.failure?.message)).toEqual([]);
}

describe.each(UPDATES)('update %s', (_name, update, valid) => {
  test('a hostile payload is rejected by the validator, with a reason that repeats no personal value; nothing written; no workflow task fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(oneFieldBroken(valid()), hostileValue), async (payload) => {
        const before = await countRows();
        const refusal = await handle.executeUpdate(update, { args: [payload as never] }).then(
          () => 'accepted',
          (err: unknown) => (err instanceof WorkflowUpdateFailedError ? String((err.cause as Error | undefined)?.message) : `not a rejection: ${String(err)}`),
        );
        expect(refusal).not.toMatch(/^(accepted|not a rejection)/);
        expect(personalStringsIn(payload).filter((v) => refusal.includes(v))).toEqual([]);
        expect(await countRows()).toEqual(before);
      }),
      { numRuns: fuzzRuns(6), endOnFailure: true },
    );
    await quiet();
  }, 120_000);
});

describe.each(SIGNALS)('signal %s', (_name, signal, valid, strict) => {
  test('a hostile payload is dropped: nothing written; no workflow task fails; the run still answers', async () => {
    const before = await countRows();
    await fc.assert(
      fc.asyncProperty(fc.oneof(oneFieldBroken(valid(), { strict }), hostileValue), async (payload) => {
        await handle.signal(signal, payload as never);
        signalsSent++;
      }),
      { numRuns: fuzzRuns(6), endOnFailure: true },
    );
    await quiet();
    expect(await countRows()).toEqual(before);
    expect((await handle.query(summaryQuery)).stage).toBe('REMINDING');
  }, 120_000);
});

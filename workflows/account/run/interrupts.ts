/**
 * Holds and cease-contact (SPEC §2.10): a dispute, complaint, hardship review, bankruptcy or
 * death pauses all contact (ON_HOLD) and the cadence's clock until the last hold is released;
 * a cease-contact request ends outbound contact for good. Signals, idempotent by their ids;
 * a malformed payload is logged and ignored (signal-payloads.ts).
 */
import { log, proxyLocalActivities } from '@temporalio/workflow';
import type { createHoldActivities } from '../../../activities/holds';
import { ceaseContactSchema, holdPlacedSchema, holdReleasedSchema } from '../../../src/domain/early-collection';
import { isExitStage } from '../../../src/domain/stages';
import { ceaseContactSignal, holdPlacedSignal, holdReleasedSignal } from '../contract';
import type { AccountRun } from './account-run';
import { setParsedSignalHandler } from './signal-payloads';
import { databaseStepOptions } from './step-options';

const holdSteps = proxyLocalActivities<Pick<ReturnType<typeof createHoldActivities>, 'recordHold' | 'releaseHold' | 'recordCeaseContact'>>(databaseStepOptions);

/** Registers the hold and cease-contact signals; call before the run's first await. */
export function handleInterrupts(run: AccountRun): void {
  const { accountId, workflowId, state, clock, now } = run;

  setParsedSignalHandler(holdPlacedSignal, holdPlacedSchema, accountId, async (hold) => {
    if (state.holds.has(hold.holdId) || state.releasedHoldIds.has(hold.holdId)) {
      log.info('duplicate or already released hold ignored', { accountId, holdId: hold.holdId });
      return;
    }
    const firstHold = !run.onHold();
    // Pause first (synchronously), so no step starts while the hold is being recorded.
    state.holds.set(hold.holdId, { holdId: hold.holdId, reason: hold.reason, placedAt: run.nowIso() });
    clock.sync();
    try {
      await holdSteps.recordHold({ accountId, workflowId, hold, ...now() });
      if (firstHold && !isExitStage(state.stage)) {
        state.stageBeforeHold = state.stage;
        await run.moveTo('ON_HOLD', `hold placed: ${hold.reason}`);
      } else {
        run.publishSearchAttributes();
      }
    } catch (err) {
      log.error('hold could not be recorded', { accountId, holdId: hold.holdId, error: String(err) });
    }
  });

  setParsedSignalHandler(holdReleasedSignal, holdReleasedSchema, accountId, async ({ holdId }) => {
    if (!state.holds.has(holdId)) {
      // Remembered, so a holdPlaced that arrives after its own release does not pause anything.
      state.releasedHoldIds.add(holdId);
      log.info('release of a hold not in force ignored', { accountId, holdId });
      return;
    }
    state.holds.delete(holdId);
    state.releasedHoldIds.add(holdId);
    clock.sync(); // the cadence resumes with the time it had left
    try {
      await holdSteps.releaseHold({ accountId, holdId, ...now() });
      if (!run.onHold() && state.stage === 'ON_HOLD') {
        const back = state.stageBeforeHold ?? 'REMINDING';
        state.stageBeforeHold = null;
        await run.moveTo(back, `hold released: ${holdId}`);
      } else {
        run.publishSearchAttributes();
      }
    } catch (err) {
      log.error('hold release could not be recorded', { accountId, holdId, error: String(err) });
    }
  });

  setParsedSignalHandler(ceaseContactSignal, ceaseContactSchema, accountId, async (request) => {
    if (state.ceaseRequestIds.has(request.requestId)) {
      log.info('duplicate cease-contact request ignored', { accountId, requestId: request.requestId });
      return;
    }
    state.ceaseRequestIds.add(request.requestId);
    state.ceased = true;
    try {
      await holdSteps.recordCeaseContact({ accountId, workflowId, request, ...now() });
      log.info('contact ceased', { accountId, requestId: request.requestId, scope: request.scope });
    } catch (err) {
      log.error('cease-contact could not be recorded', { accountId, requestId: request.requestId, error: String(err) });
    }
  });
}

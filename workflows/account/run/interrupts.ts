/**
 * Holds and cease-contact (SPEC §2.10): a dispute, complaint, hardship review, bankruptcy or
 * death pauses all contact (ON_HOLD) and the cadence's clock until the last hold is released;
 * a cease-contact request ends outbound contact for good. Signals, idempotent by their ids;
 * a malformed payload is logged and ignored (signal-payloads.ts).
 */
import { condition, log } from '@temporalio/workflow';
import { localSteps } from './local-steps';
import type { createHoldActivities } from '../../../activities/holds';
import { ceaseContactSchema, holdPlacedSchema, holdReleasedSchema, type CeaseContact, type HoldPlaced } from '../../../src/domain/early-collection';
import { isExitStage } from '../../../src/domain/stages';
import { ceaseContactSignal, holdPlacedSignal, holdReleasedSignal } from '../contract';
import type { AccountRun } from './account-run';
import { setParsedSignalHandler } from './signal-payloads';
import { databaseStepOptions } from './step-options';

const holdSteps = localSteps<Pick<ReturnType<typeof createHoldActivities>, 'recordHold' | 'releaseHold' | 'recordCeaseContact'>>(databaseStepOptions);

type InterruptWrite =
  | { kind: 'HOLD_PLACED'; hold: HoldPlaced; firstHold: boolean }
  | { kind: 'HOLD_RELEASED'; holdId: string }
  | { kind: 'CONTACT_CEASED'; request: CeaseContact };

export interface Interrupts {
  /** The run's writer of what the signals handed on (replay-safe handlers): runs for as long as the run. */
  write(): Promise<never>;
  /** Nothing handed on is still to be written. */
  written(): boolean;
}

/**
 * Registers the hold and cease-contact signals; call before the run's first await. Each
 * handler changes the run's state at once (a hold pauses the cadence before any step can
 * start). With replay-safe handlers the handler awaits nothing: the run's writer records the
 * hold, release or cease in Postgres and moves the stage, in the order the signals came.
 * Before that patch each handler awaited its own write after changing the state.
 */
export function handleInterrupts(run: AccountRun): Interrupts {
  const { accountId, workflowId, state, clock, now } = run;
  const toWrite: InterruptWrite[] = [];

  async function placeHold(hold: HoldPlaced, firstHold: boolean): Promise<void> {
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
  }

  async function releaseHold(holdId: string): Promise<void> {
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
  }

  async function ceaseContact(request: CeaseContact): Promise<void> {
    try {
      await holdSteps.recordCeaseContact({ accountId, workflowId, request, ...now() });
      log.info('contact ceased', { accountId, requestId: request.requestId, scope: request.scope });
    } catch (err) {
      log.error('cease-contact could not be recorded', { accountId, requestId: request.requestId, error: String(err) });
    }
  }

  function perform(w: InterruptWrite): Promise<void> {
    switch (w.kind) {
      case 'HOLD_PLACED':
        return placeHold(w.hold, w.firstHold);
      case 'HOLD_RELEASED':
        return releaseHold(w.holdId);
      case 'CONTACT_CEASED':
        return ceaseContact(w.request);
    }
  }

  /** The handler's write: handed to the run's writer, or (runs on older code) awaited here. */
  const handOn = (w: InterruptWrite): Promise<void> => {
    if (!run.replaySafeHandlers) return perform(w);
    toWrite.push(w);
    return Promise.resolve();
  };

  setParsedSignalHandler(holdPlacedSignal, holdPlacedSchema, accountId, async (hold) => {
    if (state.holds.has(hold.holdId) || state.releasedHoldIds.has(hold.holdId)) {
      log.info('duplicate or already released hold ignored', { accountId, holdId: hold.holdId });
      return;
    }
    const firstHold = !run.onHold();
    // Pause first (synchronously), so no step starts while the hold is being recorded.
    state.holds.set(hold.holdId, { holdId: hold.holdId, reason: hold.reason, placedAt: run.nowIso() });
    clock.sync();
    await handOn({ kind: 'HOLD_PLACED', hold, firstHold });
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
    await handOn({ kind: 'HOLD_RELEASED', holdId });
  });

  setParsedSignalHandler(ceaseContactSignal, ceaseContactSchema, accountId, async (request) => {
    if (state.ceaseRequestIds.has(request.requestId)) {
      log.info('duplicate cease-contact request ignored', { accountId, requestId: request.requestId });
      return;
    }
    state.ceaseRequestIds.add(request.requestId);
    state.ceased = true;
    await handOn({ kind: 'CONTACT_CEASED', request });
  });

  let writing = false;
  return {
    async write(): Promise<never> {
      for (;;) {
        await condition(() => toWrite.length > 0);
        writing = true;
        await perform(toWrite.shift()!);
        writing = false;
      }
    },
    written: () => toWrite.length === 0 && !writing,
  };
}

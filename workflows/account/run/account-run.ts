/**
 * The account run as the kernel's parts see it: the state the kernel owns (taken from the
 * carried state, handed on at continue-as-new) and the few moves every part makes — read the
 * figures, move to a stage, audit, key an effect, wait standing still while the cadence is
 * paused. Built once per run by the kernel, before any handler is registered.
 */
import { allHandlersFinished, condition, log, type CancellationScope } from '@temporalio/workflow';
import type { AccountStatement, PendingPromise, TreatmentChoice } from '../../../src/domain/early-collection';
import type { Stage } from '../../../src/domain/stages';
import { CARRIED_STATE_VERSION, type CarriedState, type EarlyCarried } from '../contract';
import { CadenceClock } from './cadence-clock';
import { cadenceWaitSummary } from './step-summaries';
import { accountRunState, carriedRunState, recentIds } from './run-state';
import type { StageMover } from './stage-mover';

export type Hold = { holdId: string; reason: string; placedAt: string };

/** The run's state (generation 3): the ledger and stage of every generation, then early collection's. */
export function kernelState(carried: CarriedState | undefined) {
  const early = carried?.early;
  return {
    ...accountRunState(carried),
    statement: null as AccountStatement | null,
    // ---- early collection ----
    choice: (early?.choice ?? null) as TreatmentChoice | null,
    stepAttempt: early?.stepAttempt ?? 0,
    nextStepNow: early?.nextStepNow ?? false,
    holds: new Map<string, Hold>((early?.holds ?? []).map((h) => [h.holdId, h])),
    releasedHoldIds: new Set(early?.releasedHoldIds ?? []),
    stageBeforeHold: early?.stageBeforeHold ?? null,
    ceased: early?.ceased ?? false,
    ceaseRequestIds: new Set(early?.ceaseRequestIds ?? []),
    pendingPromise: (early?.pendingPromise ?? null) as PendingPromise | null,
    promiseBeingRecorded: false,
    promisesMade: early?.promisesMade ?? 0,
    promisesKept: early?.promisesKept ?? 0,
    promisesBroken: early?.promisesBroken ?? 0,
    callTaskIds: new Set(early?.callTaskIds ?? []),
    answeredCallTaskIds: new Set(early?.answeredCallTaskIds ?? []),
    rightPartyTaskIds: new Set(early?.rightPartyTaskIds ?? []),
    openCallTask: null as { taskId: number; dueBy: string } | null,
    assignedAgent: early?.assignedAgent ?? null,
    escalated: early?.escalated ?? false,
    lastBlockedContact: null as { channel: string; rule: string; nextAllowedAt: string | null } | null,
    /** call outcomes being stored (replay-safe handlers): claimed for the validator, not yet what the run reacts to */
    callOutcomesBeingRecorded: new Set<number>(),
  };
}
export type KernelState = ReturnType<typeof kernelState>;

/** What the next run needs of the state (kernelState's counterpart); the stages' own parts come from `stages`, asked only once a treatment is chosen. */
export function carriedKernelState(state: KernelState, cadenceElapsedMs: number, stages: () => Pick<EarlyCarried, 'field' | 'negotiation' | 'plan'>): CarriedState {
  return {
    version: CARRIED_STATE_VERSION,
    ...carriedRunState(state),
    early: state.choice
      ? {
          choice: state.choice,
          cadenceElapsedMs,
          stepAttempt: state.stepAttempt,
          nextStepNow: state.nextStepNow,
          holds: [...state.holds.values()],
          releasedHoldIds: recentIds(state.releasedHoldIds),
          stageBeforeHold: state.stageBeforeHold,
          ceased: state.ceased,
          ceaseRequestIds: recentIds(state.ceaseRequestIds),
          pendingPromise: state.pendingPromise,
          promisesMade: state.promisesMade,
          promisesKept: state.promisesKept,
          promisesBroken: state.promisesBroken,
          callTaskIds: recentIds(state.callTaskIds),
          answeredCallTaskIds: recentIds(state.answeredCallTaskIds),
          assignedAgent: state.assignedAgent,
          escalated: state.escalated,
          rightPartyTaskIds: recentIds(state.rightPartyTaskIds),
          ...stages(),
        }
      : undefined,
  };
}

export interface AccountRun {
  readonly accountId: string;
  readonly workflowId: string;
  /**
   * Handlers change what the run reacts to only after their write is done, or hand the write
   * to the run (patch replay-safe-handlers, issue 14 §3); false for runs on older code.
   */
  readonly replaySafeHandlers: boolean;
  readonly state: KernelState;
  /** The cadence's clock: stands still on hold and while a promise is pending. */
  readonly clock: CadenceClock;
  /** The workflow's clock for an activity (which turns it into the bank's business day). */
  now(): { at: number };
  nowIso(): string;
  /** Stable across retries and continue-as-new, new for a later run of the same account or a re-opening. */
  effectKey(kind: string, n: number | string): string;
  isCured(): boolean;
  onHold(): boolean;
  cadencePaused(): boolean;
  publishSearchAttributes(): void;
  /** The figures and the overdue statement, read together through the figures lane. */
  refreshFigures(): Promise<void>;
  moveTo: StageMover;
  /** A stage the story moves to; while on hold it is where the account returns to on release. */
  advanceTo(to: Stage, reason: string): Promise<void>;
  audit(kind: string, key: string, detail: Record<string, unknown>): Promise<void>;
  /**
   * Until `remaining()` reaches 0, standing still while the cadence is paused. False when
   * contact has ceased meanwhile. `bringForward` may end the wait early (a broken promise).
   */
  waitStandingStill(remaining: () => number, bringForward?: () => boolean): Promise<boolean>;
  /** Until the instant `at` (a refused contact's next allowed moment), standing still while paused. */
  waitUntil(at: number): Promise<boolean>;
}

export type AccountRunMoves = Pick<AccountRun, 'accountId' | 'workflowId' | 'replaySafeHandlers' | 'state' | 'effectKey' | 'isCured' | 'publishSearchAttributes' | 'refreshFigures' | 'moveTo' | 'audit'>;

/** The moves that follow from the state alone. */
export function accountRun(parts: AccountRunMoves, cadenceElapsedMs: number): AccountRun {
  const { accountId, state } = parts;
  const onHold = () => state.holds.size > 0;
  /** The cadence's clock stands still on hold and while a promise is pending. */
  const cadencePaused = () => onHold() || state.pendingPromise !== null;
  const clock = new CadenceClock(cadenceElapsedMs, cadencePaused);

  async function waitStandingStill(remaining: () => number, bringForward?: () => boolean): Promise<boolean> {
    for (;;) {
      if (state.ceased) return false;
      if (cadencePaused()) {
        await condition(() => !cadencePaused() || state.ceased);
        continue;
      }
      if (bringForward?.()) return true;
      const left = remaining();
      if (left <= 0) return true;
      // Only a wait that can be brought forward wakes for a broken promise.
      await condition(() => cadencePaused() || state.ceased || (bringForward !== undefined && state.nextStepNow), left, { summary: cadenceWaitSummary(state.nextStep) });
    }
  }

  async function advanceTo(to: Stage, reason: string): Promise<void> {
    if (onHold()) {
      state.stageBeforeHold = to;
      log.info('stage change deferred until the hold is released', { accountId, to, reason });
      return;
    }
    await parts.moveTo(to, reason);
  }

  return {
    ...parts,
    clock,
    now: () => ({ at: Date.now() }),
    nowIso: () => new Date().toISOString(),
    onHold,
    cadencePaused,
    advanceTo,
    waitStandingStill,
    waitUntil: (at) => waitStandingStill(() => at - Date.now()),
  };
}

/**
 * A stage took an exit (it recorded the move and released the account's work): the story's
 * scope is cancelled and the run ends once every handler and the run's own writes are done.
 */
export async function afterExit<R>(story: CancellationScope, storyDone: Promise<void>, written: () => boolean, result: () => R): Promise<R> {
  story.cancel();
  await storyDone;
  await condition(() => allHandlersFinished() && written());
  return result();
}

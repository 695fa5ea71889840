/**
 * Promises to pay (SPEC §2 step 4): the recordPromise update, and the watch that judges a
 * pending promise once its date plus the grace period has passed. While a promise is pending
 * the cadence's clock stands still; kept → the cadence carries on; broken → its next step at
 * once. A promise pending at the cure is judged then, for the reports.
 */
import { condition, log, sleep } from '@temporalio/workflow';
import { localSteps } from './local-steps';
import type { createPromiseActivities } from '../../../activities/promises';
import { daysBetween } from '../../../src/domain/dates';
import { promiseToPaySchema, type PendingPromise } from '../../../src/domain/early-collection';
import { isExitStage } from '../../../src/domain/stages';
import { calendarDateIn } from '../../../src/domain/time-zones';
import { recordPromiseUpdate, type PromiseAccepted } from '../contract';
import type { AccountRun } from './account-run';
import { databaseStepOptions } from './step-options';
import { promiseCheckSummary } from './step-summaries';
import { setStoringUpdateHandler } from './update-handlers';

const promiseSteps = localSteps<Pick<ReturnType<typeof createPromiseActivities>, 'recordPromise' | 'settlePromise'>>(databaseStepOptions);

export interface Promises {
  /** Judges pending promises as they fall due, for as long as the run lasts. */
  watch(): Promise<never>;
  /** Judges `promise` now (kept, normally, at a cure). */
  settle(promise: PendingPromise): Promise<void>;
}

/** Registers recordPromise; call before the run's first await. */
export function promisesToPay(run: AccountRun): Promises {
  const { accountId, workflowId, state, clock, now } = run;

  /** Today in the bank's zone: promise dates are business days. */
  const businessToday = () => calendarDateIn(Date.now(), state.choice?.businessTimeZone ?? 'UTC');

  async function settle(promise: PendingPromise): Promise<void> {
    const { status, amountPaid } = await promiseSteps.settlePromise({ promiseId: promise.promiseId, accountId, ...now() });
    state.pendingPromise = null;
    if (status === 'KEPT') {
      state.promisesKept++;
    } else {
      state.promisesBroken++;
      state.nextStepNow = true; // the next escalation step, at once
    }
    clock.sync();
    log.info(`promise to pay ${status === 'KEPT' ? 'kept' : 'broken'}`, { accountId, promiseId: promise.promiseId, amountPaid });
  }

  async function watch(): Promise<never> {
    for (;;) {
      await condition(() => state.pendingPromise !== null);
      const promise = state.pendingPromise!;
      const remaining = Date.parse(promise.checkAt) - Date.now();
      if (remaining > 0) await sleep(remaining, { summary: promiseCheckSummary(promise) });
      await settle(promise);
    }
  }

  /**
   * A promise to pay. The validator rejects a date in the past or beyond the horizon, a
   * currency not the account's, and a second promise while one is pending.
   */
  setStoringUpdateHandler(recordPromiseUpdate, {
    schema: promiseToPaySchema,
    validate(promise) {
      if (isExitStage(state.stage) || run.isCured()) throw new Error(`account ${accountId} has nothing overdue: no promise needed`);
      if (!state.choice || !state.figures) throw new Error(`account ${accountId} is still being set up: try again in a moment`);
      if (state.pendingPromise || state.promiseBeingRecorded) throw new Error(`a promise is already pending${state.pendingPromise ? ` (for ${state.pendingPromise.promisedFor})` : ''}`);
      if (promise.currency !== state.figures.currency) throw new Error(`currency: the account is in ${state.figures.currency}, not ${promise.currency}`);
      const today = businessToday();
      const daysAhead = daysBetween(today, promise.promisedFor);
      if (daysAhead < 0) throw new Error(`promisedFor: ${promise.promisedFor} is in the past (today is ${today})`);
      const { horizonDays } = state.choice.promisePolicy;
      if (daysAhead > horizonDays) throw new Error(`promisedFor: ${promise.promisedFor} is more than ${horizonDays} days ahead (the horizon)`);
    },
    async store(promise): Promise<PromiseAccepted> {
      const choice = state.choice!; // the validator checked
      state.promiseBeingRecorded = true;
      try {
        const n = state.promisesMade++;
        const recorded = await promiseSteps.recordPromise({
          idempotencyKey: run.effectKey('promise', n),
          accountId,
          workflowId,
          promise,
          graceDays: choice.promisePolicy.graceDays,
          ...now(),
        });
        state.pendingPromise = { promiseId: recorded.promiseId, amount: recorded.amount, currency: promise.currency, promisedFor: promise.promisedFor, checkAt: recorded.checkAt };
        clock.sync();
        log.info('promise to pay recorded', { accountId, promiseId: recorded.promiseId, promisedFor: promise.promisedFor, checkAt: recorded.checkAt });
        return { promiseId: recorded.promiseId, checkAt: recorded.checkAt };
      } finally {
        state.promiseBeingRecorded = false;
      }
    },
    notStored: { type: 'PromiseNotRecorded', message: (err) => `the promise could not be stored: ${String(err)}` },
  });

  return { watch, settle };
}

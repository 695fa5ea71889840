/**
 * The run's local activities, one at a time (the local-steps-one-at-a-time patch).
 *
 * A run has several coroutines that reach Postgres through local activities: the story (the
 * stages), the payment signals, the holds and the cease-contact writer. When two of them have
 * a local activity in flight at once, the order of the run's next commands depends on which
 * results arrive together in one activation; a live worker groups them by completion time, a
 * replaying worker by the markers in history, and the two groupings can differ. `npm run
 * chaos` found it: a run whose payment step and treatment audit finished close together
 * replayed with its move to REMINDING before the payment's re-read of the statement
 * ("Activity type of recorded marker 'loadAccountStatement' does not match … 'recordStageTransition'"),
 * and its workflow task failed on every attempt after the worker was restarted. With one
 * local activity in flight per run, every result comes alone, live and in replay.
 *
 * Every stage module takes its local activities from `localSteps` instead of
 * `proxyLocalActivities`. Module state is per run (each run evaluates its own copy of the
 * workflow modules), so the lane is the run's own.
 */
import { proxyLocalActivities, type LocalActivityOptions } from '@temporalio/workflow';

/** Switched on by the kernel for runs whose history has the patch; older histories replay as they ran. */
let oneAtATime = false;
let lane: Promise<unknown> = Promise.resolve();

export function takeLocalStepsOneAtATime(): void {
  oneAtATime = true;
}

function inLane<T>(step: () => Promise<T>): Promise<T> {
  const result = lane.then(step, step);
  lane = result.catch(() => undefined);
  return result;
}

/** `proxyLocalActivities`, with each call waiting for the run's local activity in flight (once switched on). */
export function localSteps<A extends object>(options: LocalActivityOptions): A {
  const steps = proxyLocalActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>(options);
  return new Proxy({} as A, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      return (...args: unknown[]) => (oneAtATime ? inLane(() => steps[name]!(...args)) : steps[name]!(...args));
    },
  });
}

/**
 * Activity tests run the real activities against the shared test Postgres, with only the
 * SMS provider replaced by its outbox, each call inside a mock activity context (as
 * Temporal would run it: `log`, `Context.current()`).
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ActivityDeps } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import type { Pool } from '../src/db/pool';
import { testPool } from './support';

export interface ActivityTestbed {
  pool: Pool;
  activities: ReturnType<typeof createActivities>;
  /** the activities with other dependencies (a business zone, say) over the same pool */
  activitiesWith(deps: Partial<ActivityDeps>): ReturnType<typeof createActivities>;
}

/** Opens the pool before the file's tests and closes it after them. */
export function activityTestbed(): ActivityTestbed {
  const bed = {
    activitiesWith(deps: Partial<ActivityDeps>) {
      return createActivities({ pool: bed.pool, smsProvider: new OutboxSmsProvider(bed.pool), ...deps });
    },
  } as ActivityTestbed;
  beforeAll(() => {
    bed.pool = testPool();
    bed.activities = bed.activitiesWith({});
  });
  afterAll(async () => {
    await bed.pool.end();
  });
  return bed;
}

export function runActivity<I, O>(activity: (input: I) => Promise<O>, input: I): Promise<O> {
  return new MockActivityEnvironment().run(activity, input) as Promise<O>;
}

/** The business failure an activity call ends in (the test fails if it resolves or fails otherwise). */
export async function failureOf(work: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

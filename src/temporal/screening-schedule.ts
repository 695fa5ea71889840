/**
 * The daily screening Schedule (SPEC §2.1): `dailyScreening` once a day at a
 * configured local time in a configured zone. Ensured at every worker start: created
 * if missing, otherwise updated to the configured spec and action, so a changed
 * SCREENING_TIME takes effect on the next start. Its state (an operator's pause and
 * note) is left as it is. One written under a codec key the worker no longer holds is
 * recreated (see recreateSchedule).
 *
 * Policies: a run still going at the next tick makes that tick skip (SKIP); after an
 * outage, a missed tick is caught up within 23 hours, so at most one missed day runs
 * late and two never pile up (each screening covers the whole book anyway).
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleHandle,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Logger } from 'pino';
import { PayloadDecryptionError } from '../codec/encryption-codec';
import type { Config } from '../config';
import type { dailyScreening } from '../../workflows/daily-screening';
import { DAILY_SCREENING_WORKFLOW, type DailyScreeningInput } from '../../workflows/screening-messages';

export interface ScreeningScheduleSettings {
  scheduleId: string;
  /** HH:MM, 24-hour, local time in `timeZone` */
  time: string;
  timeZone: string;
  /** The worker's task queue: the screening and the account workflows it starts run there. */
  taskQueue: string;
}

export function screeningScheduleSettings(cfg: Pick<Config, 'SCREENING_SCHEDULE_ID' | 'SCREENING_TIME' | 'SCREENING_TIME_ZONE' | 'TEMPORAL_TASK_QUEUE'>): ScreeningScheduleSettings {
  return { scheduleId: cfg.SCREENING_SCHEDULE_ID, time: cfg.SCREENING_TIME, timeZone: cfg.SCREENING_TIME_ZONE, taskQueue: cfg.TEMPORAL_TASK_QUEUE };
}

type ScreeningAction = ScheduleOptionsStartWorkflowAction<typeof dailyScreening>;

/** What the Schedule should be: its spec, action and policies (the same for create and update). */
export function screeningScheduleDefinition(s: ScreeningScheduleSettings): Pick<ScheduleOptions<ScreeningAction>, 'spec' | 'action' | 'policies'> {
  const [hour, minute] = s.time.split(':').map(Number) as [number, number];
  const input: DailyScreeningInput = { timeZone: s.timeZone };
  return {
    spec: { calendars: [{ hour, minute, comment: `daily screening at ${s.time} ${s.timeZone}` }], timezone: s.timeZone },
    action: {
      type: 'startWorkflow',
      workflowType: DAILY_SCREENING_WORKFLOW,
      taskQueue: s.taskQueue,
      // the server appends the scheduled time: one workflow id per day
      workflowId: s.scheduleId,
      args: [input],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '23 hours', pauseOnFailure: false },
  };
}

const SCHEDULE_NOTE = 'Arrears: screens the loan book and starts the account workflows';

export async function ensureScreeningSchedule(client: Client, s: ScreeningScheduleSettings, log: Logger): Promise<'created' | 'updated' | 'recreated'> {
  const definition = screeningScheduleDefinition(s);
  try {
    await client.schedule.create<typeof dailyScreening>({ scheduleId: s.scheduleId, ...definition, state: { note: SCHEDULE_NOTE } });
    log.info({ scheduleId: s.scheduleId, time: s.time, timeZone: s.timeZone }, 'screening schedule created');
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(s.scheduleId);
  try {
    // An update reads the schedule first, its action's input included.
    await handle.update<typeof dailyScreening>((previous) => ({ ...previous, ...definition }));
  } catch (err) {
    if (!(err instanceof PayloadDecryptionError)) throw err;
    await recreateSchedule(client, handle, s, definition, err, log);
    return 'recreated';
  }
  log.info({ scheduleId: s.scheduleId, time: s.time, timeZone: s.timeZone }, 'screening schedule updated');
  return 'updated';
}

/**
 * The schedule's input was encrypted under a key this worker does not hold (a rotation
 * that dropped the previous key before every worker had started under the new one).
 * Everything in it is ours to rebuild from the configuration, so it is deleted and created
 * again under the current key, keeping an operator's pause and note (read without
 * decoding); only its list of recent runs is lost. Otherwise the worker would not start.
 */
async function recreateSchedule(
  client: Client,
  handle: ScheduleHandle,
  s: ScreeningScheduleSettings,
  definition: ReturnType<typeof screeningScheduleDefinition>,
  reason: PayloadDecryptionError,
  log: Logger,
): Promise<void> {
  const { schedule } = await client.workflowService.describeSchedule({ namespace: client.options.namespace, scheduleId: s.scheduleId });
  const paused = schedule?.state?.paused ?? false;
  const note = schedule?.state?.notes || SCHEDULE_NOTE;
  await handle.delete();
  try {
    await client.schedule.create<typeof dailyScreening>({ scheduleId: s.scheduleId, ...definition, state: { paused, note } });
  } catch (err) {
    // Another worker starting at the same moment recreated it first: the same definition.
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  log.warn({ scheduleId: s.scheduleId, paused, reason: reason.message }, 'screening schedule recreated under the current codec key: its input could not be decrypted');
}

/**
 * Runs the schedule's action now (as `temporal schedule trigger` does, but even while a
 * screening is still going: a second one duplicates nothing) and returns the handle of
 * the run it started. A schedule not there yet is waited for: the worker creates it as
 * it starts.
 */
export async function triggerScreening(client: Client, scheduleId: string, { timeoutMs = 60_000 } = {}): Promise<WorkflowHandle<typeof dailyScreening>> {
  const schedule = client.schedule.getHandle(scheduleId);
  const deadline = Date.now() + timeoutMs;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  const recentRuns = async () => (await schedule.describe()).info.recentActions.map((a) => a.action.workflow);
  let before: Set<string> | undefined;
  while (!before) {
    try {
      before = new Set((await recentRuns()).map((w) => w.firstExecutionRunId));
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError) || Date.now() > deadline) throw err;
      await pause();
    }
  }
  await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  for (;;) {
    const started = (await recentRuns()).find((w) => !before.has(w.firstExecutionRunId));
    if (started) return client.workflow.getHandle<typeof dailyScreening>(started.workflowId, started.firstExecutionRunId);
    if (Date.now() > deadline) throw new Error(`schedule ${scheduleId} was triggered but started no run within ${timeoutMs} ms`);
    await pause();
  }
}

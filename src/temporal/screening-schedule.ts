/**
 * The daily screening Schedule (SPEC §2.1): `dailyScreening` once a day at a
 * configured local time in a configured zone. Ensured at every worker start: created
 * if missing, otherwise updated to the configured spec and action, so a changed
 * SCREENING_TIME takes effect on the next start. Its state (an operator's pause and
 * note) is left as it is.
 *
 * Policies: a run still going at the next tick makes that tick skip (SKIP); after an
 * outage, a missed tick is caught up within 23 hours, so at most one missed day runs
 * late and two never pile up (each screening covers the whole book anyway).
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Logger } from 'pino';
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

export async function ensureScreeningSchedule(client: Client, s: ScreeningScheduleSettings, log: Logger): Promise<'created' | 'updated'> {
  const definition = screeningScheduleDefinition(s);
  try {
    await client.schedule.create<typeof dailyScreening>({ scheduleId: s.scheduleId, ...definition, state: { note: 'Arrears: screens the loan book and starts the account workflows' } });
    log.info({ scheduleId: s.scheduleId, time: s.time, timeZone: s.timeZone }, 'screening schedule created');
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(s.scheduleId).update<typeof dailyScreening>((previous) => ({ ...previous, ...definition }));
  log.info({ scheduleId: s.scheduleId, time: s.time, timeZone: s.timeZone }, 'screening schedule updated');
  return 'updated';
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

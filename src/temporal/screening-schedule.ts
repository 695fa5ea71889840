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
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
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

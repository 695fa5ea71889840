/**
 * Where a cure's time went, read off the run's own history (server timestamps): from the
 * completing payment's signal to the workflow task that cured the run. Tells a server that
 * queues workflow tasks (scheduled -> started) from a worker that is slow to answer them
 * (started -> completed), and counts tasks that timed out or failed on the way, such as a
 * sticky task that waited past its schedule-to-start timeout and went back to the normal queue.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

const ms = (event: HistoryEvent | undefined): number | undefined => {
  const t = event?.eventTime;
  if (!t) return undefined;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
};

export interface CureTaskTimes {
  /** signal recorded -> workflow task scheduled */
  signalToScheduled: number;
  /** scheduled -> started: the task waited in the queue */
  queued: number;
  /** started -> completed: the worker's time */
  worker: number;
  /** signal recorded -> run closed */
  signalToClosed: number;
  /** workflow tasks that timed out or failed after the signal */
  troubled: number;
  /** the cure's task came through a sticky (cached) queue */
  sticky: boolean;
}

/** Index of the last event of `type` before `end`, or -1. */
function lastIndexOf(events: HistoryEvent[], type: temporal.api.enums.v1.EventType, end: number): number {
  for (let i = end - 1; i >= 0; i--) if (events[i]?.eventType === type) return i;
  return -1;
}

/** The times of the workflow task that handled the last payment signal before the run closed. */
export function cureTaskTimes(events: HistoryEvent[]): CureTaskTimes | undefined {
  const signalIndex = lastIndexOf(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, events.length);
  if (signalIndex < 0) return undefined;
  const after = events.slice(signalIndex);
  const signal = after[0];
  const closed = after.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  const troubled = after.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length;
  // the task that completed last before the close is the one that cured the run
  const completedIndex = lastIndexOf(after, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, after.length);
  const completed = after[completedIndex];
  const started = after[lastIndexOf(after, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, completedIndex)];
  const scheduled = after[lastIndexOf(after, EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, completedIndex)];
  const firstScheduled = after.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  const [tSignal, tFirst, tScheduled, tStarted, tCompleted, tClosed] = [signal, firstScheduled, scheduled, started, completed, closed].map(ms);
  if ([tSignal, tFirst, tScheduled, tStarted, tCompleted, tClosed].some((t) => t === undefined)) return undefined;
  const kind = scheduled?.workflowTaskScheduledEventAttributes?.taskQueue?.kind;
  return {
    signalToScheduled: (tFirst as number) - (tSignal as number),
    queued: (tStarted as number) - (tScheduled as number),
    worker: (tCompleted as number) - (tStarted as number),
    signalToClosed: (tClosed as number) - (tSignal as number),
    troubled,
    sticky: kind === temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY,
  };
}

/** cureTaskTimes over the histories of `workflowIds`, 8 fetched at a time. */
export async function cureTaskTimesOf(client: Client, workflowIds: string[]): Promise<CureTaskTimes[]> {
  const times: CureTaskTimes[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < workflowIds.length) {
        const history = await client.workflow.getHandle(workflowIds[next++] as string).fetchHistory();
        const t = cureTaskTimes(history.events ?? []);
        if (t) times.push(t);
      }
    }),
  );
  return times;
}

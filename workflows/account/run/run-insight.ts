/**
 * What an operator sees of a run at a glance (issue 15 §3): the `timeline` query (the run's
 * recent events, bounded) and the current details the Temporal UI shows (setCurrentDetails).
 * Both follow the run's summary: after every activation in which it changed, the change is
 * told (run-timeline.ts) and the details rewritten. A condition with no timeout and a
 * metadata field make no commands, so replay checks nothing new.
 */
import { condition, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { TIMELINE_LIMIT, type TimelineEvent } from '../../../src/domain/timeline';
import { timelineQuery, type AccountSummary } from '../contract';
import { currentDetails, timelineChanges } from './run-timeline';

/** Call before the run's first await, with the same summary the `summary` query answers. */
export function followRun(summarise: () => AccountSummary): void {
  const events: TimelineEvent[] = [];
  setHandler(timelineQuery, () => events.slice().reverse());

  let last = summarise();
  let lastKey = JSON.stringify(last);
  setCurrentDetails(currentDetails(last));
  void (async () => {
    for (;;) {
      await condition(() => JSON.stringify(summarise()) !== lastKey);
      const now = summarise();
      events.push(...timelineChanges(last, now, new Date().toISOString()));
      if (events.length > TIMELINE_LIMIT) events.splice(0, events.length - TIMELINE_LIMIT);
      setCurrentDetails(currentDetails(now));
      last = now;
      lastKey = JSON.stringify(now);
    }
  })();
}

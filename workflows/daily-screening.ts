/**
 * dailyScreening: what the daily Schedule runs (SPEC §2.1, step 1).
 *
 * It screens the loan book for one business day, then brings every account on the
 * resulting collection list into its accountCollection workflow: a newly overdue
 * account gets a run, an account already in one gets its figures refreshed, and an
 * account whose last run closed (CURED) but is overdue again gets a new run under the
 * same workflow id.
 *
 * The day is the one the run was scheduled for, in the configured zone, read from
 * the schedule's `TemporalScheduledStartTime` (or the start time when started by
 * hand), so it is fixed in history: a retry or a late catch-up run screens the same day.
 */
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_FAILURES } from '../src/domain/failures';
import { calendarDateIn } from '../src/domain/time-zones';
import { parseWorkflowInput } from './workflow-input';
import { dailyScreeningInputSchema, TemporalScheduledStartTime, type DailyScreeningInput, type DailyScreeningResult } from './screening-messages';

const retry = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE_FAILURES };

// One set-based SQL pass: minutes at most, even for a large book.
const { runScreening } = proxyActivities<Activities>({ startToCloseTimeout: '30 minutes', retry });

// Long, but never silent: it heartbeats its progress, and a retry resumes from there.
const { startCollections } = proxyActivities<Activities>({ startToCloseTimeout: '6 hours', heartbeatTimeout: '30 seconds', retry });

export async function dailyScreening(rawInput: DailyScreeningInput): Promise<DailyScreeningResult> {
  const input = parseWorkflowInput('dailyScreening', dailyScreeningInputSchema, rawInput);
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? info.startTime;
  const asOf = input.asOf ?? calendarDateIn(scheduledAt, input.timeZone);

  // Keyed by this chain of runs: a retried activity finds the scan it already wrote.
  const screening = await runScreening({ asOf, idempotencyKey: `${info.workflowType}/${info.workflowId}/${info.firstExecutionRunId}` });
  log.info('loan book screened', { asOf, screeningRunId: screening.screeningRunId, overdueAccounts: screening.overdueAccounts, reused: screening.reused });

  const fannedOut = await startCollections({ screeningRunId: screening.screeningRunId, asOf, taskQueue: info.taskQueue });
  log.info('collection list fanned out', { asOf, screeningRunId: screening.screeningRunId, ...fannedOut });

  return {
    screeningRunId: screening.screeningRunId,
    asOf,
    accountsScanned: screening.accountsScanned,
    overdueAccounts: screening.overdueAccounts,
    screeningReused: screening.reused,
    ...fannedOut,
  };
}

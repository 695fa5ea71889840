/**
 * The daily screening workflow's contract: its type name, input and result, as
 * constants in a workflow-safe module that the schedule (a client) imports too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { z } from 'zod';
import { isoDateSchema, type IsoDate } from '../src/domain/dates';
import { canonicalTimeZone } from '../src/domain/time-zones';

export const DAILY_SCREENING_WORKFLOW = 'dailyScreening';

/** Set by the server on every workflow a Schedule starts: the nominal time of that action. */
export const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export const dailyScreeningInputSchema = z.strictObject({
  /** The IANA zone whose calendar day the screening is for. */
  timeZone: z.string().refine((name) => canonicalTimeZone(name) !== undefined, 'not an IANA time zone name'),
  /**
   * The business date to screen for. Omitted (the schedule's case): the day the run was
   * scheduled for in `timeZone`, so a late or retried run still screens its own day.
   */
  asOf: isoDateSchema.optional(),
});
export type DailyScreeningInput = z.infer<typeof dailyScreeningInputSchema>;

/** How far the fan-out got: every entry of the list up to `lastRank` is done. */
export interface FanOutProgress {
  lastRank: number;
  /** New accountCollection runs (a first run, or a new run after a closed one). */
  started: number;
  /** Runs already open, sent `figuresRefreshed`. */
  signalled: number;
  /** Entries the server refused for good (logged with the account id); the others went on. */
  refused: number;
}

export interface DailyScreeningResult extends FanOutProgress {
  screeningRunId: number;
  asOf: IsoDate;
  accountsScanned: number;
  overdueAccounts: number;
  /** The scan had already run under this workflow run's key (a retry): its list was reused. */
  screeningReused: boolean;
}

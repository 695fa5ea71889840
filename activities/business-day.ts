/**
 * The business day an activity works on. Business days are calendar days in the
 * bank's zone (SCREENING_TIME_ZONE): the daily screening and the account workflows
 * must agree on which day it is, or an account due "yesterday" in Shanghai would be
 * overdue to one and not yet to the other.
 *
 * The workflow passes its own clock (`at`, workflow time: deterministic, and skipped
 * in time-skipping tests) and the activity turns it into the zone's date. `asOf` is
 * what workflow code before this change passed (a UTC date); an activity retried
 * across the deploy may still carry it.
 */
import type { IsoDate } from '../src/domain/dates';
import { calendarDateIn, DEFAULT_BUSINESS_TIME_ZONE } from '../src/domain/time-zones';

export interface BusinessMoment {
  /** workflow time, ms since the epoch */
  at?: number;
  /** an explicit business day (older callers) */
  asOf?: IsoDate;
}

export function businessDayOf(moment: BusinessMoment, timeZone: string = DEFAULT_BUSINESS_TIME_ZONE): IsoDate {
  if (moment.asOf) return moment.asOf;
  return calendarDateIn(moment.at ?? Date.now(), timeZone);
}

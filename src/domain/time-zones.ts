/**
 * Calendar dates in a named (IANA) time zone: "which business day is it in
 * Shanghai at this instant". Workflow-safe: the caller passes the instant
 * (workflow time in workflows), and Intl is deterministic for a given instant.
 */
import type { IsoDate } from './dates';

/** Business days when no bank zone is configured (SCREENING_TIME_ZONE sets it in the worker and the API). */
export const DEFAULT_BUSINESS_TIME_ZONE = 'UTC';

/** The zone's canonical IANA spelling ('asia/shanghai' → 'Asia/Shanghai'), or undefined if there is no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

// Building a DateTimeFormat costs about a millisecond; formatting with one is cheap.
// Every activity reads its business day through here (bench:payments CPU profile).
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function calendarDateIn(instant: Date | number, timeZone: string): IsoDate {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * A fixed-offset zone (Etc/GMT±N) in which `instant` falls between 12:00 and 13:00, so
 * a test's contacts land well inside every preset's contact hours whatever the time of
 * day the test runs at (the contact policy judges the borrower's local time).
 */
export function daytimeZoneAt(instant: number): string {
  let offset = 12 - new Date(instant).getUTCHours();
  if (offset < -12) offset += 24;
  if (offset > 14) offset -= 24;
  // Etc/GMT's sign is inverted: Etc/GMT-8 is UTC+8.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

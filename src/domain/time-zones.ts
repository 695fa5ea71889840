/**
 * Calendar dates in a named (IANA) time zone: "which business day is it in
 * Shanghai at this instant". Workflow-safe: the caller passes the instant
 * (workflow time in workflows), and Intl is deterministic for a given instant.
 */
import type { IsoDate } from './dates';

/** The zone's canonical IANA spelling ('asia/shanghai' → 'Asia/Shanghai'), or undefined if there is no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The calendar date (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function calendarDateIn(instant: Date | number, timeZone: string): IsoDate {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

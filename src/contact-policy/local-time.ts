/**
 * Wall-clock time in the borrower's IANA zone, for contact hours and "a day" of a cap.
 * Workflow-safe: Intl only, deterministic for a given instant (see domain/time-zones.ts).
 */
import type { IsoDate } from '../domain/dates';

const MINUTE = 60_000;
export const DAY_MS = 86_400_000;

export interface LocalClock {
  date: IsoDate;
  /** minutes after local midnight (seconds dropped) */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallParts(instant: number, timeZone: string) {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant));
  const n = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: n('year'), month: n('month'), day: n('day'), hour: n('hour'), minute: n('minute'), second: n('second') };
}

export function localClock(instant: number, timeZone: string): LocalClock {
  const p = wallParts(instant, timeZone);
  const date = `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  return { date, minutes: p.hour * 60 + p.minute };
}

/** The zone's offset from UTC at `instant`, in ms (Shanghai: +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const p = wallParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}

/** Minutes after midnight as "HH:MM". */
export const clockTime = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const atOrAfter = (a: LocalClock, b: LocalClock) => a.date > b.date || (a.date === b.date && a.minutes >= b.minutes);

/**
 * The first instant the borrower's clock reads `minutes` on `date`. Across a DST change the
 * offset either side of the day is tried: when the wall time occurs twice (clocks back) the
 * earlier wins; when it never occurs (clocks forward) the first instant after the gap that
 * reads later wins, never an earlier one.
 */
export function instantOfLocal(date: IsoDate, minutes: number, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE;
  const target = { date, minutes };
  const candidates = [offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)].map((off) => wall - off);
  const exact = candidates.filter((t) => {
    const c = localClock(t, timeZone);
    return c.date === date && c.minutes === minutes;
  });
  if (exact.length > 0) return Math.min(...exact);
  return Math.min(...candidates.filter((t) => atOrAfter(localClock(t, timeZone), target)));
}

/** Local midnight starting `date` in the zone. */
export const startOfLocalDay = (date: IsoDate, timeZone: string) => instantOfLocal(date, 0, timeZone);

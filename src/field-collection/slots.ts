/**
 * Finding visit slots (issue 7 §1): times that suit the borrower and that a collector (and,
 * for a high-risk account, a security colleague) is free for. Pure: the caller reads the
 * calendars from Postgres; this only decides. The database still has the last word when a
 * slot is booked (the exclusion constraint on staff_bookings).
 *
 * A slot lies wholly inside
 *  - the borrower's preferred hours, in the borrower's zone (none known: no limit here);
 *  - the contact policy's allowed hours, in the borrower's zone: a visit is a contact;
 *  - the staff member's working hours, in the staff member's zone;
 * and overlaps none of the staff member's bookings (ranges are half-open: a visit may start
 * the moment the previous one ends). Slots start on a 30-minute grid of the borrower's
 * clock, so a zone 45 minutes off UTC still gets 09:30, not 09:15.
 *
 * Proposed slots are a choice: the earliest free slot of each day, on as many different days
 * as there are slots to propose; only when the horizon has fewer days with a free slot do
 * further slots of those days fill up (never overlapping one already chosen).
 */
import { addDays, instantOfLocal, localClock, startOfLocalDay } from '../contact-policy/local-time';

const MINUTE = 60_000;
const DAY = 86_400_000;
const GRID_MINUTES = 30;
const MIDNIGHT = 24 * 60;

/** Daily hours as minutes after local midnight, [from, until); until ≤ from: across midnight. */
export interface DailyHours {
  from: number;
  until: number;
}

export interface BookedRange {
  start: number;
  end: number;
}

/** A collector's or security colleague's calendar, as far as the search needs it. */
export interface StaffCalendar {
  staffId: string;
  timeZone: string;
  /** staff.work_from / work_until, in the staff member's zone (until > from) */
  workHours: DailyHours;
  /** BOOKED ranges (ms), those of the search horizon's weeks at least */
  booked: readonly BookedRange[];
}

export interface SlotSearch {
  /** no slot starts earlier (ms): the proposal's moment plus the lead time */
  from: number;
  searchDays: number;
  slotMinutes: number;
  slotsProposed: number;
  borrowerTimeZone: string;
  /** the borrower's preferred hours; null: none on file (the staff's hours decide) */
  preferredHours: DailyHours | null;
  /** the contact policy's allowed hours for the borrower's jurisdiction */
  contactHours: DailyHours;
  collectors: readonly StaffCalendar[];
  /** null: no security colleague needed */
  security: readonly StaffCalendar[] | null;
}

export interface FoundSlot {
  startsAt: number;
  endsAt: number;
  collectorId: string;
  securityId: string | null;
}

/** Whether [start, end) lies inside the daily hours on the zone's clock. */
export function withinDailyHours(start: number, end: number, timeZone: string, hours: DailyHours, clock: typeof localClock = localClock): boolean {
  const s = clock(start, timeZone);
  const e = clock(end, timeZone);
  // the end's minutes on the start's day: 24:00 when it ends at the next midnight
  const endMinutes = e.date === s.date ? e.minutes : e.date === addDays(s.date, 1) && e.minutes === 0 ? MIDNIGHT : Infinity;
  if (hours.until > hours.from) return s.minutes >= hours.from && endMinutes <= hours.until;
  // across midnight: the evening part or the morning part (a slot never spans midnight)
  return (s.minutes >= hours.from && endMinutes <= MIDNIGHT) || endMinutes <= hours.until;
}

/**
 * A preferred window shorter than one slot would never fit a visit: it is read as "starting
 * then" and stretched to one slot (a borrower free 18:00-19:00 can have 18:00-19:30).
 */
function stretchedToOneSlot(hours: DailyHours, slotMinutes: number): DailyHours {
  const length = hours.until > hours.from ? hours.until - hours.from : hours.until + MIDNIGHT - hours.from;
  if (length >= slotMinutes) return hours;
  return { from: hours.from, until: (hours.from + slotMinutes) % MIDNIGHT };
}

/** The first instant ≥ `from` on the borrower's 30-minute grid (a whole minute). */
function firstGridInstant(from: number, timeZone: string): number {
  const clock = localClock(from, timeZone);
  const rounded = Math.ceil(clock.minutes / GRID_MINUTES) * GRID_MINUTES;
  let t = rounded >= MIDNIGHT ? startOfLocalDay(addDays(clock.date, 1), timeZone) : instantOfLocal(clock.date, rounded, timeZone);
  while (t < from) t += GRID_MINUTES * MINUTE;
  return t;
}

const overlaps = (a: BookedRange, start: number, end: number) => a.start < end && start < a.end;

/** localClock, remembered: staff of one zone share the same instants (Intl is the slow part). */
function memoClock(): typeof localClock {
  const seen = new Map<string, ReturnType<typeof localClock>>();
  return (instant, timeZone) => {
    const key = `${timeZone}|${instant}`;
    let c = seen.get(key);
    if (!c) {
      c = localClock(instant, timeZone);
      seen.set(key, c);
    }
    return c;
  };
}

/** Bookings of the staff member's local week (Monday to Sunday) around `instant`: their load. */
function weekLoader(clock: typeof localClock) {
  const cache = new Map<string, number>();
  return (staff: StaffCalendar, instant: number): number => {
    const { date } = clock(instant, staff.timeZone);
    const dayOfWeek = new Date(`${date}T00:00:00Z`).getUTCDay();
    const monday = addDays(date, -((dayOfWeek + 6) % 7));
    const key = `${staff.staffId}|${monday}`;
    let load = cache.get(key);
    if (load === undefined) {
      const weekStart = startOfLocalDay(monday, staff.timeZone);
      const weekEnd = startOfLocalDay(addDays(monday, 7), staff.timeZone);
      load = staff.booked.filter((b) => b.start >= weekStart && b.start < weekEnd).length;
      cache.set(key, load);
    }
    return load;
  };
}

/**
 * The staff free for [start, end) (inside their working hours, no overlapping booking),
 * fewest bookings that week first, then by id: the order to try them in.
 */
export function rankFreeStaff(
  staff: readonly StaffCalendar[],
  start: number,
  end: number,
  clock: typeof localClock = memoClock(),
  loadOf: ReturnType<typeof weekLoader> = weekLoader(clock),
): StaffCalendar[] {
  return staff
    .filter((s) => !s.booked.some((b) => overlaps(b, start, end)) && withinDailyHours(start, end, s.timeZone, s.workHours, clock))
    .map((s) => ({ s, load: loadOf(s, start) }))
    .sort((a, b) => a.load - b.load || (a.s.staffId < b.s.staffId ? -1 : a.s.staffId > b.s.staffId ? 1 : 0))
    .map(({ s }) => s);
}

/**
 * Up to `slotsProposed` slots, earliest first, each with the collector (and security
 * colleague) the search would pick for it. Empty: nobody is free in the horizon at a time
 * that suits the borrower.
 */
export function findSlots(search: SlotSearch): FoundSlot[] {
  const { from, searchDays, slotMinutes, slotsProposed, borrowerTimeZone: zone } = search;
  const length = slotMinutes * MINUTE;
  const horizonEnd = from + searchDays * DAY;
  const preferred = search.preferredHours && stretchedToOneSlot(search.preferredHours, slotMinutes);
  const clock = memoClock();
  const loadOf = weekLoader(clock);

  const suitsBorrower = (start: number, end: number) =>
    withinDailyHours(start, end, zone, search.contactHours, clock) && (preferred === null || withinDailyHours(start, end, zone, preferred, clock));

  const staffFor = (start: number, end: number): FoundSlot | undefined => {
    const collector = rankFreeStaff(search.collectors, start, end, clock, loadOf)[0];
    if (!collector) return undefined;
    if (search.security === null) return { startsAt: start, endsAt: end, collectorId: collector.staffId, securityId: null };
    const security = rankFreeStaff(search.security, start, end, clock, loadOf)[0];
    return security && { startsAt: start, endsAt: end, collectorId: collector.staffId, securityId: security.staffId };
  };

  const candidates: number[] = [];
  for (let t = firstGridInstant(from, zone); t < horizonEnd; t += GRID_MINUTES * MINUTE) {
    // after a DST change of half an hour (Lord Howe) the grid is re-found on the new clock
    if (clock(t, zone).minutes % GRID_MINUTES !== 0) continue;
    if (suitsBorrower(t, t + length)) candidates.push(t);
  }

  const chosen: FoundSlot[] = [];
  const daysTaken = new Set<string>();
  for (const start of candidates) {
    if (chosen.length >= slotsProposed) break;
    const day = clock(start, zone).date;
    if (daysTaken.has(day)) continue;
    const slot = staffFor(start, start + length);
    if (!slot) continue;
    chosen.push(slot);
    daysTaken.add(day);
  }
  for (const start of candidates) {
    if (chosen.length >= slotsProposed) break;
    if (chosen.some((c) => overlaps({ start: c.startsAt, end: c.endsAt }, start, start + length))) continue;
    const slot = staffFor(start, start + length);
    if (slot) chosen.push(slot);
  }
  return chosen.sort((a, b) => a.startsAt - b.startsAt);
}

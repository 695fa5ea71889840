/**
 * The staff calendar (issue 7 §1): collectors' and security colleagues' working hours and
 * their booked visits. A collector is never double-booked, and the database is what makes
 * sure: staff_bookings has an exclusion constraint over (staff, time range) among BOOKED
 * rows. Code reads the calendar to choose whom to try, and then simply tries: an INSERT
 * that overlaps a booking committed meanwhile (or one still in flight, which it waits for)
 * is refused with exclusion_violation, and the next staff member is tried.
 */
import { z } from 'zod';
import type { BookedRange, StaffCalendar } from '../field-collection/slots';
import type { Queryable } from './pool';
import type { RoleOnVisit } from './appointments';

const EXCLUSION_VIOLATION = '23P01';
const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_ATTEMPTS = 3;

/** "HH:MM[:SS]" (a Postgres time) as minutes after midnight. */
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const calendarRow = z.object({
  id: z.string(),
  time_zone: z.string(),
  work_from: z.string(),
  work_until: z.string(),
  booked: z.array(z.tuple([z.number(), z.number()])),
});

/**
 * The active staff of a role with their BOOKED ranges between `from` and `until` (ms); ask
 * for a week either side of the slots to judge so the week's load is complete.
 */
export async function loadStaffCalendars(db: Queryable, role: RoleOnVisit, from: number, until: number): Promise<StaffCalendar[]> {
  const { rows } = await db.query(
    `SELECT s.id, s.time_zone, s.work_from::text AS work_from, s.work_until::text AS work_until,
            coalesce((SELECT json_agg(json_build_array(extract(epoch FROM lower(b.during)) * 1000, extract(epoch FROM upper(b.during)) * 1000)
                        ORDER BY lower(b.during))
                        FROM staff_bookings b
                       WHERE b.staff_id = s.id AND b.status = 'BOOKED' AND b.during && tstzrange($2, $3)), '[]') AS booked
       FROM staff s
      WHERE s.role = $1 AND s.active
      ORDER BY s.id`,
    [role, new Date(from), new Date(until)],
  );
  return rows.map((row) => {
    const r = calendarRow.parse(row);
    const booked: BookedRange[] = r.booked.map(([start, end]) => ({ start, end }));
    return { staffId: r.id, timeZone: r.time_zone, workHours: { from: minutesOf(r.work_from), until: minutesOf(r.work_until) }, booked };
  });
}

export interface NewBooking {
  staffId: string;
  appointmentId: number;
  role: RoleOnVisit;
  startsAt: Date;
  endsAt: Date;
  bookedAt: Date;
}

/**
 * Books the staff member for the range, or answers false when the constraint refuses it
 * (they are booked for an overlapping range). Inside the caller's transaction, under a
 * savepoint of its own, so that a refusal leaves the transaction usable for the next try.
 *
 * Bookings of one staff member queue on a lock of their own (to the end of the caller's
 * transaction) before the INSERT. Without it, transactions inserting overlapping bookings
 * for one collector at the same moment each find the other's row and wait for it: a
 * deadlock Postgres breaks only after deadlock_timeout (1 s), and a crowd confirming one
 * slot would then move on to the next collector together and collide again. With it, each
 * INSERT sees the bookings committed before it, and the constraint refuses or takes it at
 * once. The constraint still decides; the lock only keeps the contenders in line. A refused
 * try gives its lock back with the savepoint, so a transaction holds only the locks of the
 * staff it booked, taken collector first: no cycle. Should Postgres still report a deadlock
 * (40P01), the try is undone to the savepoint and asked again.
 */
export async function tryBookStaff(tx: Queryable, b: NewBooking): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    await tx.query('SAVEPOINT try_book_staff');
    try {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('staff-booking:' || $1, 0))`, [b.staffId]);
      await tx.query(
        `INSERT INTO staff_bookings (staff_id, appointment_id, role_on_visit, during, booked_at)
         VALUES ($1, $2, $3, tstzrange($4, $5), $6)`,
        [b.staffId, b.appointmentId, b.role, b.startsAt, b.endsAt, b.bookedAt],
      );
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT try_book_staff');
      const code = (err as { code?: unknown }).code;
      if (code === EXCLUSION_VIOLATION) return false;
      if (code === DEADLOCK_DETECTED && attempt < DEADLOCK_ATTEMPTS) continue;
      throw err;
    }
    await tx.query('RELEASE SAVEPOINT try_book_staff');
    return true;
  }
}

/** Tries each staff member in turn; the first the database books, or null when none. */
export async function bookFirstFree(tx: Queryable, staffIds: readonly string[], booking: Omit<NewBooking, 'staffId'>): Promise<string | null> {
  for (const staffId of staffIds) {
    if (await tryBookStaff(tx, { ...booking, staffId })) return staffId;
  }
  return null;
}

/**
 * Frees the appointment's bookings that have not begun by `at` (a cancelled or expired
 * visit); one under way or past stays as the record of where the staff member was.
 */
export async function releaseFutureBookings(db: Queryable, appointmentId: number, at: Date): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE staff_bookings SET status = 'RELEASED', released_at = $2
      WHERE appointment_id = $1 AND status = 'BOOKED' AND lower(during) > $2`,
    [appointmentId, at],
  );
  return rowCount ?? 0;
}

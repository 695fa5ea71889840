/**
 * An appointment's times as the messages about it need them (read only; the appointments
 * themselves are written by src/db/appointments.ts): what the borrower was offered, what was
 * booked, and the borrower's zone to write them in.
 */
import { z } from 'zod';
import type { Queryable } from './pool';

const timesRow = z.object({
  account_id: z.string(),
  proposed_slots: z.array(z.object({ slotId: z.string(), startsAt: z.string(), endsAt: z.string() })),
  starts_at: z.date().nullable(),
  ends_at: z.date().nullable(),
  time_zone: z.string(),
});

export interface AppointmentTimes {
  accountId: string;
  proposedSlots: Array<{ slotId: string; startsAt: string; endsAt: string }>;
  /** the booked visit, once there is one */
  visit: { startsAt: Date; endsAt: Date } | null;
  /** the borrower's zone */
  timeZone: string;
}

export async function loadAppointmentTimes(db: Queryable, appointmentId: number): Promise<AppointmentTimes | undefined> {
  const { rows } = await db.query(
    `SELECT a.account_id, a.proposed_slots, a.starts_at, a.ends_at, b.time_zone
     FROM appointments a JOIN borrowers b ON b.id = a.borrower_id
     WHERE a.id = $1`,
    [appointmentId],
  );
  if (!rows[0]) return undefined;
  const r = timesRow.parse(rows[0]);
  return {
    accountId: r.account_id,
    proposedSlots: r.proposed_slots,
    visit: r.starts_at && r.ends_at ? { startsAt: r.starts_at, endsAt: r.ends_at } : null,
    timeZone: r.time_zone,
  };
}

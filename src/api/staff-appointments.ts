/**
 * A collector's day (issue 7 §3): the visits of one staff member on one calendar day, with
 * the addresses to go to. Addresses are personal data (SPEC §5): only the staff member
 * themselves or a supervisor may read them, and every view is logged (ids and a count,
 * never an address) and recorded in the append-only audit record, one event per
 * appointment shown, so a dispute can tell who saw which borrower's address and when.
 * The API's route and the `arrears appointments` command both read it through here; each
 * view is also a row of the personal-data access log.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { listStaffAppointments, type StaffDayAppointment } from '../db/appointments';
import type { Queryable } from '../db/pool';
import type { IsoDate } from '../domain/dates';
import { calendarDateIn } from '../domain/time-zones';
import type { Caller } from '../identity/roles';
import { recordAccess } from '../db/access-log';

export interface StaffDayRequest {
  /** who asks, from their token: the staff member themselves, or a supervisor */
  viewer: Caller;
  staffId: string;
  /** the calendar day in the staff member's zone (default: today there) */
  date?: IsoDate;
  /** where the view came from, for the audit record */
  via: 'API' | 'CLI';
  /** now, ms (tests pin it) */
  now?: number;
}

/** pino's, or Fastify's request logger */
export interface ViewLog {
  info(fields: object, message: string): void;
}

export type StaffDay =
  | { kind: 'OK'; staffId: string; date: IsoDate; timeZone: string; appointments: StaffDayAppointment[] }
  | { kind: 'NOT_FOUND'; error: string }
  | { kind: 'FORBIDDEN'; error: string };

const staffRow = z.object({ id: z.string(), time_zone: z.string() });

async function staffMembers(db: Queryable, ids: string[]): Promise<Map<string, z.infer<typeof staffRow>>> {
  const { rows } = await db.query('SELECT id, time_zone FROM staff WHERE id = ANY($1::text[])', [ids]);
  return new Map(rows.map((row) => staffRow.parse(row)).map((s) => [s.id, s]));
}

export async function viewStaffDay(db: Queryable, log: ViewLog, request: StaffDayRequest): Promise<StaffDay> {
  const { viewer, staffId, via } = request;
  const viewerId = viewer.subject;
  const member = (await staffMembers(db, [staffId])).get(staffId);
  if (!member) return { kind: 'NOT_FOUND', error: `no staff member ${staffId}` };
  const allowed = viewerId === staffId || viewer.roles.includes('SUPERVISOR');
  if (!allowed) {
    log.info({ viewerId, staffId, via }, 'staff appointments refused');
    return { kind: 'FORBIDDEN', error: `${viewerId} may not see the appointments of ${staffId}: only the staff member themselves or a supervisor` };
  }

  const date = request.date ?? calendarDateIn(request.now ?? Date.now(), member.time_zone);
  const appointments = await listStaffAppointments(db, staffId, date);
  const at = new Date(request.now ?? Date.now());
  await recordViews(db, { viewerId, staffId, date, via, appointments, at });
  const shown = appointments.filter((a) => a.address !== null);
  if (shown.length > 0) {
    await recordAccess(db, { caller: viewer, kinds: ['ADDRESS'], accountIds: shown.map((a) => a.accountId), via, purpose: via === 'API' ? 'GET /staff/:staffId/appointments' : 'CLI appointments', at });
  }
  log.info({ viewerId, staffId, date, via, count: appointments.length }, 'staff appointments viewed');
  return { kind: 'OK', staffId, date, timeZone: member.time_zone, appointments };
}

/** One audit event per appointment shown: who saw whose visit address, from where. */
async function recordViews(
  db: Queryable,
  v: { viewerId: string; staffId: string; date: IsoDate; via: string; appointments: StaffDayAppointment[]; at: Date },
): Promise<void> {
  const shown = v.appointments.filter((a) => a.address !== null);
  if (shown.length === 0) return;
  const viewId = randomUUID();
  await db.query(
    `INSERT INTO audit_events (idempotency_key, account_id, workflow_id, kind, detail, occurred_at)
     SELECT 'view-' || $1 || '-' || appointment_id, account_id, workflow_id, 'VISIT_ADDRESS_VIEWED',
            jsonb_build_object('appointmentId', appointment_id, 'viewerId', $2::text, 'staffId', $3::text, 'date', $4::text, 'via', $5::text), $6
       FROM unnest($7::bigint[], $8::text[], $9::text[]) AS shown (appointment_id, account_id, workflow_id)`,
    [viewId, v.viewerId, v.staffId, v.date, v.via, v.at, shown.map((a) => a.appointmentId), shown.map((a) => a.accountId), shown.map((a) => a.workflowId)],
  );
}

/**
 * Appointments for visits (issue 7 §1-2): the rows the appointment activities write, and
 * the reads the field-staff API and CLI make. Rows are parsed by zod here, at the edge;
 * times leave as ISO strings. Addresses are personal data: only the readers that need
 * one (a collector's day, an unannounced visit) read appointment_addresses.
 */
import { z } from 'zod';
import type { AddressKind, ProposedSlot } from '../domain/field-collection';
import type { Queryable } from './pool';

export const APPOINTMENT_STATUSES = ['PROPOSED', 'CONFIRMED', 'VISITED', 'NO_SHOW', 'REPORT_OVERDUE', 'EXPIRED', 'CANCELLED'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export type AppointmentKind = 'ARRANGED' | 'UNANNOUNCED';
export type RoleOnVisit = 'COLLECTOR' | 'SECURITY';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

const proposedSlotsSchema = z.array(z.strictObject({ slotId: z.string(), startsAt: z.string(), endsAt: z.string() }));

/** Every column of appointments, as the activities read it. */
export const appointmentRowSchema = z.object({
  id: z.number().int(),
  idempotency_key: z.string(),
  account_id: z.string(),
  borrower_id: z.string(),
  workflow_id: z.string(),
  kind: z.enum(['ARRANGED', 'UNANNOUNCED']),
  visit_number: z.number().int(),
  rescheduled_from: z.number().int().nullable(),
  status: z.enum(APPOINTMENT_STATUSES),
  requires_security: z.boolean(),
  proposed_slots: proposedSlotsSchema,
  proposed_at: z.date().nullable(),
  confirm_by: z.date().nullable(),
  reached_via: z.enum(['CALL', 'SMS', 'EMAIL', 'FAMILY']).nullable(),
  starts_at: z.date().nullable(),
  ends_at: z.date().nullable(),
  collector_id: z.string().nullable(),
  security_id: z.string().nullable(),
  address_kind: z.enum(['HOME', 'WORKPLACE']).nullable(),
  confirmed_by: z.string().nullable(),
  confirmed_at: z.date().nullable(),
  report_due_by: z.date().nullable(),
  closed_at: z.date().nullable(),
  close_note: z.string().nullable(),
});
export type AppointmentRow = z.infer<typeof appointmentRowSchema>;

// ---------- reads for the API and the CLI ----------

export interface AppointmentView {
  appointmentId: number;
  accountId: string;
  workflowId: string;
  status: AppointmentStatus;
  kind: AppointmentKind;
  startsAt: string | null;
  endsAt: string | null;
  collectorId: string | null;
  securityId: string | null;
  proposedSlots: ProposedSlot[];
  confirmBy: string | null;
}

/** One appointment's facts (no personal data), or null when there is none of that id. */
export async function findAppointment(db: Queryable, appointmentId: number): Promise<AppointmentView | null> {
  const { rows } = await db.query('SELECT * FROM appointments WHERE id = $1', [appointmentId]);
  if (!rows[0]) return null;
  const r = appointmentRowSchema.parse(rows[0]);
  return {
    appointmentId: r.id,
    accountId: r.account_id,
    workflowId: r.workflow_id,
    status: r.status,
    kind: r.kind,
    startsAt: iso(r.starts_at),
    endsAt: iso(r.ends_at),
    collectorId: r.collector_id,
    securityId: r.security_id,
    proposedSlots: r.proposed_slots,
    confirmBy: iso(r.confirm_by),
  };
}

const staffDayRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  workflow_id: z.string(),
  kind: z.enum(['ARRANGED', 'UNANNOUNCED']),
  status: z.enum(APPOINTMENT_STATUSES),
  visit_number: z.number().int(),
  starts_at: z.date(),
  ends_at: z.date(),
  role: z.enum(['COLLECTOR', 'SECURITY']),
  collector_id: z.string(),
  security_id: z.string().nullable(),
  address_kind: z.enum(['HOME', 'WORKPLACE']).nullable(),
  address: z.string().nullable(),
  report_due_by: z.date().nullable(),
});

export interface StaffDayAppointment {
  appointmentId: number;
  accountId: string;
  workflowId: string;
  kind: AppointmentKind;
  status: AppointmentStatus;
  /** the staff member's part in the visit */
  role: RoleOnVisit;
  visitNumber: number;
  startsAt: string;
  endsAt: string;
  collectorId: string;
  securityId: string | null;
  addressKind: AddressKind | null;
  /** personal data: the caller logs the access */
  address: string | null;
  reportDueBy: string | null;
}

/**
 * A collector's (or security colleague's) visits on `date`, a calendar day in the staff
 * member's own time zone, earliest first: the confirmed ones and those since closed
 * (visited, no-show, …). Unknown staff: none.
 */
export async function listStaffAppointments(db: Queryable, staffId: string, date: string): Promise<StaffDayAppointment[]> {
  const { rows } = await db.query(
    `SELECT a.id, a.account_id, a.workflow_id, a.kind, a.status, a.visit_number, a.starts_at, a.ends_at,
            CASE WHEN a.collector_id = s.id THEN 'COLLECTOR' ELSE 'SECURITY' END AS role,
            a.collector_id, a.security_id, a.address_kind, ad.address, a.report_due_by
       FROM staff s
       JOIN appointments a ON s.id IN (a.collector_id, a.security_id)
       LEFT JOIN appointment_addresses ad ON ad.appointment_id = a.id
      WHERE s.id = $1
        AND a.starts_at >= ($2::date)::timestamp AT TIME ZONE s.time_zone
        AND a.starts_at < ($2::date + 1)::timestamp AT TIME ZONE s.time_zone
      ORDER BY a.starts_at, a.id`,
    [staffId, date],
  );
  return rows.map((row) => {
    const r = staffDayRow.parse(row);
    return {
      appointmentId: r.id,
      accountId: r.account_id,
      workflowId: r.workflow_id,
      kind: r.kind,
      status: r.status,
      role: r.role,
      visitNumber: r.visit_number,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      collectorId: r.collector_id,
      securityId: r.security_id,
      addressKind: r.address_kind,
      address: r.address,
      reportDueBy: iso(r.report_due_by),
    };
  });
}

export interface ProposedAppointment {
  appointmentId: number;
  accountId: string;
  workflowId: string;
  proposedSlots: ProposedSlot[];
  proposedAt: string | null;
  confirmBy: string | null;
  requiresSecurity: boolean;
  reachedVia: 'CALL' | 'SMS' | 'EMAIL' | 'FAMILY' | null;
}

/** The appointments waiting for a confirmation (of one account, or all), soonest deadline first. */
export async function listProposedAppointments(db: Queryable, filter: { accountId?: string } = {}): Promise<ProposedAppointment[]> {
  const { rows } = await db.query(
    `SELECT * FROM appointments
      WHERE status = 'PROPOSED' AND ($1::text IS NULL OR account_id = $1)
      ORDER BY confirm_by NULLS LAST, id`,
    [filter.accountId ?? null],
  );
  return rows.map((row) => {
    const r = appointmentRowSchema.parse(row);
    return {
      appointmentId: r.id,
      accountId: r.account_id,
      workflowId: r.workflow_id,
      proposedSlots: r.proposed_slots,
      proposedAt: iso(r.proposed_at),
      confirmBy: iso(r.confirm_by),
      requiresSecurity: r.requires_security,
      reachedVia: r.reached_via,
    };
  });
}

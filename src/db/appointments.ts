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

/** A slot as stored: what the borrower was offered, and whom the finder picked for it (a preference; nothing is booked). */
const slotOnOfferSchema = z.object({
  slotId: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  preferredCollectorId: z.string().nullable().default(null),
  preferredSecurityId: z.string().nullable().default(null),
});
export type SlotOnOffer = z.infer<typeof slotOnOfferSchema>;

/** What the borrower is shown: the slot, not who would come. */
export const offered = (slots: SlotOnOffer[]): ProposedSlot[] => slots.map(({ slotId, startsAt, endsAt }) => ({ slotId, startsAt, endsAt }));

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
  proposed_slots: z.array(slotOnOfferSchema),
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
    proposedSlots: offered(r.proposed_slots),
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
      proposedSlots: offered(r.proposed_slots),
      proposedAt: iso(r.proposed_at),
      confirmBy: iso(r.confirm_by),
      requiresSecurity: r.requires_security,
      reachedVia: r.reached_via,
    };
  });
}

// ---------- what the appointment activities read and write ----------

const hoursOf = (time: string | null) => (time === null ? null : Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)));

const visitPartyRow = z.object({
  account_id: z.string(),
  borrower_id: z.string(),
  currency: z.string(),
  risk_tier: z.string().nullable(),
  time_zone: z.string(),
  jurisdiction: z.string(),
  contact_from: z.string().nullable(),
  contact_until: z.string().nullable(),
});

/** The account and its borrower as a visit needs them: no personal data but the preferred hours. */
export interface VisitParty {
  accountId: string;
  borrowerId: string;
  currency: string;
  riskTier: string | null;
  timeZone: string;
  jurisdiction: string;
  /** minutes after local midnight: the preferred phone's hours, else any contact point's; null: none on file */
  preferredHours: { from: number; until: number } | null;
}

export async function loadVisitParty(db: Queryable, accountId: string): Promise<VisitParty | undefined> {
  const { rows } = await db.query(
    `SELECT a.id AS account_id, a.borrower_id, a.currency, a.risk_tier, b.time_zone, b.jurisdiction,
            cp.contact_from::text AS contact_from, cp.contact_until::text AS contact_until
       FROM accounts a
       JOIN borrowers b ON b.id = a.borrower_id
       LEFT JOIN LATERAL (
         SELECT p.contact_from, p.contact_until FROM borrower_contact_points p
          WHERE p.borrower_id = a.borrower_id AND p.contact_from IS NOT NULL
          ORDER BY (p.kind = 'PHONE' AND p.preferred) DESC, p.kind = 'PHONE' DESC, p.preferred DESC, p.label
          LIMIT 1) cp ON true
      WHERE a.id = $1`,
    [accountId],
  );
  if (!rows[0]) return undefined;
  const r = visitPartyRow.parse(rows[0]);
  const from = hoursOf(r.contact_from);
  const until = hoursOf(r.contact_until);
  return {
    accountId: r.account_id,
    borrowerId: r.borrower_id,
    currency: r.currency,
    riskTier: r.risk_tier,
    timeZone: r.time_zone,
    jurisdiction: r.jurisdiction,
    preferredHours: from === null || until === null ? null : { from, until },
  };
}

/** The borrower's home and work addresses on file (personal data: for the visit's record only). */
export async function addressesOnFile(db: Queryable, borrowerId: string): Promise<Record<AddressKind, string | null>> {
  const { rows } = await db.query('SELECT home_address, work_address FROM borrower_personal_data WHERE borrower_id = $1', [borrowerId]);
  const r = z.object({ home_address: z.string().nullable(), work_address: z.string().nullable() }).optional().parse(rows[0]);
  const usable = (s: string | null | undefined) => (s && s.trim().length > 0 ? s : null);
  return { HOME: usable(r?.home_address), WORKPLACE: usable(r?.work_address) };
}

const parseRow = (row: unknown) => appointmentRowSchema.parse(row);

export async function findAppointmentByKey(db: Queryable, idempotencyKey: string): Promise<AppointmentRow | undefined> {
  const { rows } = await db.query('SELECT * FROM appointments WHERE idempotency_key = $1', [idempotencyKey]);
  return rows[0] ? parseRow(rows[0]) : undefined;
}

/** The row, locked to the end of the caller's transaction. */
export async function lockAppointment(db: Queryable, appointmentId: number): Promise<AppointmentRow | undefined> {
  const { rows } = await db.query('SELECT * FROM appointments WHERE id = $1 FOR UPDATE', [appointmentId]);
  return rows[0] ? parseRow(rows[0]) : undefined;
}

export interface NewProposal {
  idempotencyKey: string;
  accountId: string;
  borrowerId: string;
  workflowId: string;
  requiresSecurity: boolean;
  slots: SlotOnOffer[];
  proposedAt: Date;
  confirmBy: Date;
}

/** Once per key: a second call (a retry) returns the first proposal. */
export async function insertProposal(db: Queryable, p: NewProposal): Promise<AppointmentRow> {
  const { rows } = await db.query(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, proposed_slots, proposed_at, confirm_by)
     VALUES ($1, $2, $3, $4, 'ARRANGED', 'PROPOSED', $5, $6, $7, $8)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING *`,
    [p.idempotencyKey, p.accountId, p.borrowerId, p.workflowId, p.requiresSecurity, JSON.stringify(p.slots), p.proposedAt, p.confirmBy],
  );
  return rows[0] ? parseRow(rows[0]) : ((await findAppointmentByKey(db, p.idempotencyKey)) as AppointmentRow);
}

export interface NewUnannouncedVisit {
  idempotencyKey: string;
  accountId: string;
  borrowerId: string;
  workflowId: string;
  visitNumber: number;
  rescheduledFrom: number | null;
  requiresSecurity: boolean;
  startsAt: Date;
  endsAt: Date;
  /** whom the calendar showed free; the caller's bookings settle who goes (setVisitStaff) */
  collectorId: string;
  securityId: string | null;
  addressKind: AddressKind;
  reportDueBy: Date;
}

/** Inserts the visit unless the key is known; undefined: it is (the caller reads the first). */
export async function insertUnannouncedVisit(db: Queryable, v: NewUnannouncedVisit): Promise<AppointmentRow | undefined> {
  const { rows } = await db.query(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, visit_number, rescheduled_from, status, requires_security,
                               starts_at, ends_at, collector_id, security_id, address_kind, report_due_by)
     VALUES ($1, $2, $3, $4, 'UNANNOUNCED', $5, $6, 'CONFIRMED', $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING *`,
    [v.idempotencyKey, v.accountId, v.borrowerId, v.workflowId, v.visitNumber, v.rescheduledFrom, v.requiresSecurity, v.startsAt, v.endsAt, v.collectorId, v.securityId, v.addressKind, v.reportDueBy],
  );
  return rows[0] ? parseRow(rows[0]) : undefined;
}

export interface Confirmation {
  startsAt: Date;
  endsAt: Date;
  collectorId: string;
  securityId: string | null;
  addressKind: AddressKind;
  confirmedBy: string;
  confirmedAt: Date;
  reportDueBy: Date;
}

export async function confirmProposal(db: Queryable, appointmentId: number, c: Confirmation): Promise<AppointmentRow> {
  const { rows } = await db.query(
    `UPDATE appointments
        SET status = 'CONFIRMED', starts_at = $2, ends_at = $3, collector_id = $4, security_id = $5, address_kind = $6,
            confirmed_by = $7, confirmed_at = $8, report_due_by = $9
      WHERE id = $1 AND status = 'PROPOSED'
      RETURNING *`,
    [appointmentId, c.startsAt, c.endsAt, c.collectorId, c.securityId, c.addressKind, c.confirmedBy, c.confirmedAt, c.reportDueBy],
  );
  if (!rows[0]) throw new Error(`appointment ${appointmentId} was not PROPOSED when confirmed`);
  return parseRow(rows[0]);
}

/** Who the database booked, when it was not the one the calendar first showed. */
export async function setVisitStaff(db: Queryable, appointmentId: number, collectorId: string, securityId: string | null): Promise<AppointmentRow> {
  const { rows } = await db.query('UPDATE appointments SET collector_id = $2, security_id = $3 WHERE id = $1 RETURNING *', [appointmentId, collectorId, securityId]);
  return parseRow(rows[0]);
}

/** The address to visit, once (personal data, apart). */
export async function recordVisitAddress(db: Queryable, appointmentId: number, address: string, collectedAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO appointment_addresses (appointment_id, address, collected_at) VALUES ($1, $2, $3)
     ON CONFLICT (appointment_id) DO NOTHING`,
    [appointmentId, address, collectedAt],
  );
}

/** The first channel that reached the borrower about it; a later one does not replace it. */
export async function markReached(db: Queryable, appointmentId: number, via: NonNullable<AppointmentRow['reached_via']>): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE appointments SET reached_via = coalesce(reached_via, $2) WHERE id = $1`,
    [appointmentId, via],
  );
  return rowCount === 1;
}

export type ClosingStatus = 'EXPIRED' | 'NO_SHOW' | 'REPORT_OVERDUE' | 'CANCELLED' | 'VISITED';

/** Closes an open (PROPOSED or CONFIRMED) appointment; undefined when it was not open. */
export async function closeOpenAppointment(db: Queryable, appointmentId: number, status: ClosingStatus, closedAt: Date, note: string | null): Promise<AppointmentRow | undefined> {
  const { rows } = await db.query(
    `UPDATE appointments SET status = $2, closed_at = $3, close_note = $4
      WHERE id = $1 AND status IN ('PROPOSED', 'CONFIRMED')
      RETURNING *`,
    [appointmentId, status, closedAt, note],
  );
  return rows[0] ? parseRow(rows[0]) : undefined;
}

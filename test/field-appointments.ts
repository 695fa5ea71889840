/**
 * Appointments as the appointment activities leave them (a proposal with its slots; a
 * confirmed visit with its collector booked and the address collected), written straight
 * into Postgres for tests of what the field staff read and send next. Staff come from
 * field-collection-seeds.ts.
 */
import type { Pool } from '../src/db/pool';
import { accountWorkflowId } from '../src/domain/ids';
import { uniqueId } from './support';

const MINUTE = 60_000;

/** An appointment waiting for the borrower's confirmation; returns its id. */
export async function seedProposal(pool: Pool, accountId: string, { proposedAt = new Date(), slots = 3 } = {}): Promise<number> {
  const proposedSlots = Array.from({ length: slots }, (_, n) => {
    const startsAt = proposedAt.getTime() + (n + 1) * 24 * 60 * MINUTE;
    return { slotId: `s${n + 1}`, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 90 * MINUTE).toISOString() };
  });
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, proposed_slots, proposed_at, confirm_by, reached_via)
     SELECT $1, a.id, a.borrower_id, $2, 'ARRANGED', 'PROPOSED', false, $3, $4, $4::timestamptz + interval '72 hours', 'SMS' FROM accounts a WHERE a.id = $5
     RETURNING id`,
    [uniqueId('proposal'), accountWorkflowId(accountId), JSON.stringify(proposedSlots), proposedAt, accountId],
  );
  return rows[0]?.id as number;
}

export interface SeedVisit {
  collectorId: string;
  securityId?: string;
  startsAt: Date;
  /** personal data; omitted: no address row */
  address?: string;
}

/** A confirmed visit: the collector (and security colleague) booked, the address collected; returns its id. */
export async function seedVisit(pool: Pool, accountId: string, visit: SeedVisit): Promise<number> {
  const endsAt = new Date(visit.startsAt.getTime() + 90 * MINUTE);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, starts_at, ends_at,
                               collector_id, security_id, address_kind, confirmed_by, confirmed_at, report_due_by)
     SELECT $1, a.id, a.borrower_id, $2, 'ARRANGED', 'CONFIRMED', $3::text IS NOT NULL, $4, $5, $6, $3, 'HOME', 'BORROWER', now(), $5::timestamptz + interval '48 hours'
       FROM accounts a WHERE a.id = $7
     RETURNING id`,
    [uniqueId('visit'), accountWorkflowId(accountId), visit.securityId ?? null, visit.startsAt, endsAt, visit.collectorId, accountId],
  );
  const appointmentId = rows[0]?.id as number;
  for (const [staffId, role] of [
    [visit.collectorId, 'COLLECTOR'],
    [visit.securityId, 'SECURITY'],
  ] as const) {
    if (staffId)
      await pool.query(`INSERT INTO staff_bookings (staff_id, appointment_id, role_on_visit, during) VALUES ($1, $2, $3, tstzrange($4, $5))`, [staffId, appointmentId, role, visit.startsAt, endsAt]);
  }
  if (visit.address !== undefined) await pool.query('INSERT INTO appointment_addresses (appointment_id, address, collected_at) VALUES ($1, $2, now())', [appointmentId, visit.address]);
  return appointmentId;
}

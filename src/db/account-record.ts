/**
 * What Postgres holds about one account for GET /accounts/:id (issue 15 §3): the account,
 * its stage as last recorded, holds, promises and appointments. No personal data here:
 * the borrower's fields and the visit addresses are read apart (borrowerPersonalFields),
 * only for roles that may see them.
 */
import { z } from 'zod';
import type { PersonalDataKind } from '../identity/personal-data';
import type { Queryable } from './pool';

const iso = z.date().transform((d) => d.toISOString());

const accountRow = z.object({
  id: z.string(),
  borrower_id: z.string(),
  product: z.string(),
  currency: z.string(),
  status: z.string(),
  risk_tier: z.string().nullable(),
  opened_on: z.string(),
  stage: z.string().nullable(),
  stage_since: iso.nullable(),
});

const holdRow = z.object({ hold_id: z.string().nullable(), reason: z.string(), placed_at: iso, released_at: iso.nullable() });
const promiseRow = z.object({
  id: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  promised_for: z.string(),
  channel: z.string(),
  status: z.string(),
  amount_paid: z.number().int().nullable(),
  recorded_by: z.string().nullable(),
  recorded_at: iso,
  check_at: iso,
});
const appointmentRow = z.object({
  id: z.number().int(),
  kind: z.string(),
  status: z.string(),
  visit_number: z.number().int(),
  starts_at: iso.nullable(),
  ends_at: iso.nullable(),
  confirm_by: iso.nullable(),
  collector_id: z.string().nullable(),
  security_id: z.string().nullable(),
  address_kind: z.string().nullable(),
});

export interface AccountRecord {
  account: { id: string; borrowerId: string; product: string; currency: string; status: string; riskTier: string | null; openedOn: string };
  stage: { stage: string; since: string } | null;
  holds: { holdId: string | null; reason: string; placedAt: string; releasedAt: string | null }[];
  promises: { promiseId: number; amount: number; currency: string; promisedFor: string; channel: string; status: string; amountPaid: number | null; recordedBy: string | null; recordedAt: string; checkAt: string }[];
  appointments: { appointmentId: number; kind: string; status: string; visitNumber: number; startsAt: string | null; endsAt: string | null; confirmBy: string | null; collectorId: string | null; securityId: string | null; addressKind: string | null }[];
}

/** The account's record, its lists newest first and at most `limit` each; undefined when there is no such account. */
export async function loadAccountRecord(db: Queryable, accountId: string, limit: number): Promise<AccountRecord | undefined> {
  const { rows } = await db.query(
    `SELECT a.id, a.borrower_id, a.product, a.currency, a.status, a.risk_tier, a.opened_on::text AS opened_on, t.to_stage AS stage, t.occurred_at AS stage_since
       FROM accounts a
       LEFT JOIN LATERAL (SELECT to_stage, occurred_at FROM stage_transitions s WHERE s.account_id = a.id ORDER BY s.occurred_at DESC, s.id DESC LIMIT 1) t ON true
      WHERE a.id = $1`,
    [accountId],
  );
  if (!rows[0]) return undefined;
  const a = accountRow.parse(rows[0]);
  const [holds, promises, appointments] = await Promise.all([
    db.query('SELECT hold_id, reason, placed_at, released_at FROM contact_holds WHERE account_id = $1 ORDER BY placed_at DESC LIMIT $2', [accountId, limit]),
    db.query(
      `SELECT id, amount, currency, promised_for::text AS promised_for, channel, status, amount_paid, recorded_by, recorded_at, check_at
         FROM payment_promises WHERE account_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT $2`,
      [accountId, limit],
    ),
    db.query(
      `SELECT id, kind, status, visit_number, starts_at, ends_at, confirm_by, collector_id, security_id, address_kind
         FROM appointments WHERE account_id = $1 ORDER BY id DESC LIMIT $2`,
      [accountId, limit],
    ),
  ]);
  return {
    account: { id: a.id, borrowerId: a.borrower_id, product: a.product, currency: a.currency, status: a.status, riskTier: a.risk_tier, openedOn: a.opened_on },
    stage: a.stage && a.stage_since ? { stage: a.stage, since: a.stage_since } : null,
    holds: holds.rows.map((r) => holdRow.parse(r)).map((h) => ({ holdId: h.hold_id, reason: h.reason, placedAt: h.placed_at, releasedAt: h.released_at })),
    promises: promises.rows
      .map((r) => promiseRow.parse(r))
      .map((p) => ({
        promiseId: p.id,
        amount: p.amount,
        currency: p.currency,
        promisedFor: p.promised_for,
        channel: p.channel,
        status: p.status,
        amountPaid: p.amount_paid,
        recordedBy: p.recorded_by,
        recordedAt: p.recorded_at,
        checkAt: p.check_at,
      })),
    appointments: appointments.rows
      .map((r) => appointmentRow.parse(r))
      .map((p) => ({
        appointmentId: p.id,
        kind: p.kind,
        status: p.status,
        visitNumber: p.visit_number,
        startsAt: p.starts_at,
        endsAt: p.ends_at,
        confirmBy: p.confirm_by,
        collectorId: p.collector_id,
        securityId: p.security_id,
        addressKind: p.address_kind,
      })),
  };
}

/** The borrower's personal fields of the kinds asked for (and the visit addresses, for ADDRESS). */
export interface BorrowerPersonalFields {
  name?: string | null;
  mobilePhone?: string | null;
  email?: string | null;
  homeAddress?: string | null;
  idNumber?: string | null;
  visitAddresses?: { appointmentId: number; address: string }[];
}

const personalRow = z.object({ full_name: z.string(), mobile_phone: z.string().nullable(), email: z.string().nullable(), home_address: z.string().nullable(), id_number: z.string().nullable() });

export async function borrowerPersonalFields(db: Queryable, record: AccountRecord, kinds: readonly PersonalDataKind[]): Promise<BorrowerPersonalFields> {
  const { rows } = await db.query('SELECT full_name, mobile_phone, email, home_address, id_number FROM borrower_personal_data WHERE borrower_id = $1', [record.account.borrowerId]);
  const p = rows[0] ? personalRow.parse(rows[0]) : undefined;
  const fields: BorrowerPersonalFields = {};
  if (kinds.includes('NAME')) fields.name = p?.full_name ?? null;
  if (kinds.includes('PHONE')) Object.assign(fields, { mobilePhone: p?.mobile_phone ?? null, email: p?.email ?? null });
  if (kinds.includes('ID_NUMBER')) fields.idNumber = p?.id_number ?? null;
  if (kinds.includes('ADDRESS')) {
    fields.homeAddress = p?.home_address ?? null;
    const ids = record.appointments.map((a) => a.appointmentId);
    const { rows: addresses } = await db.query<{ appointment_id: number; address: string }>(
      'SELECT appointment_id, address FROM appointment_addresses WHERE appointment_id = ANY($1::bigint[]) ORDER BY appointment_id DESC',
      [ids],
    );
    fields.visitAddresses = addresses.map((r) => ({ appointmentId: Number(r.appointment_id), address: r.address }));
  }
  return fields;
}

/**
 * Family contacts and the borrower's consents to use them (SPEC §3), in Postgres: naming a
 * family contact (its name and number apart, as personal data), recording and withdrawing a
 * consent, verifying a number; and what the rules in src/contact-policy/family.ts read.
 * The input schemas are exported for the API and the CLI, which parse with them at the edge.
 * Names and numbers are written here and read by familyContactRecipient only, never returned
 * with the facts, never logged.
 */
import { z } from 'zod';
import {
  FAMILY_CONSENT_FORMS,
  FAMILY_RELATIONS,
  LAWFUL_SOURCES,
  VERIFICATION_METHODS,
  type FamilyConsent,
  type FamilyContactFacts,
} from '../contact-policy/family';
import { BORROWER_CONTACT_LOCK_SQL } from '../contact-policy/lock';
import type { Queryable } from './pool';

const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an international phone number such as +8613800000000');
const borrowerId = z.string().min(1).max(64);
const id = z.number().int().positive();
/** an instant: a Date, or an ISO date-time with its offset (as the API and the CLI receive it) */
const moment = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);
const staffId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a staff id such as agent-01');

export const newFamilyContactSchema = z
  .strictObject({
    borrowerId,
    relation: z.enum(FAMILY_RELATIONS),
    source: z.enum(LAWFUL_SOURCES),
    /** which other lawful source (required for OTHER_LAWFUL) */
    sourceNote: z.string().trim().min(5).max(500).optional(),
    fullName: z.string().trim().min(1).max(200),
    phone,
  })
  .refine((c) => c.source !== 'OTHER_LAWFUL' || c.sourceNote !== undefined, { path: ['sourceNote'], message: 'OTHER_LAWFUL needs a note naming the lawful source' });
export type NewFamilyContact = z.infer<typeof newFamilyContactSchema>;

export const newConsentSchema = z.strictObject({
  borrowerId,
  /** null: every family contact the borrower named */
  familyContactId: id.nullable(),
  form: z.enum(FAMILY_CONSENT_FORMS),
  /** the purpose as stated on the form */
  purpose: z.string().trim().min(5).max(500),
  /** where the signed form is kept (document id, e-signature envelope) */
  documentRef: z.string().trim().min(1).max(200).optional(),
  givenAt: moment,
});
export type NewConsent = z.input<typeof newConsentSchema>;

export const verificationSchema = z.strictObject({
  familyContactId: id,
  method: z.enum(VERIFICATION_METHODS),
  verifiedBy: staffId,
  at: moment,
});
export type FamilyContactVerification = z.input<typeof verificationSchema>;

/** A write that names something that is not there (or not the borrower's): the API answers 404/409 with it. */
export class FamilyContactRecordError extends Error {
  override name = 'FamilyContactRecordError';
  constructor(
    readonly code: 'UNKNOWN_BORROWER' | 'UNKNOWN_FAMILY_CONTACT' | 'UNKNOWN_CONSENT',
    message: string,
  ) {
    super(message);
  }
}

const idRow = z.object({ id: z.number().int() });

/** Names a family contact of the borrower, its name and number apart; returns its id. Not verified yet. */
export async function addFamilyContact(db: Queryable, contact: NewFamilyContact): Promise<number> {
  const c = newFamilyContactSchema.parse(contact);
  const { rows } = await db.query(
    `WITH borrower AS (SELECT id FROM borrowers WHERE id = $1),
          added AS (INSERT INTO family_contacts (borrower_id, relation, source, source_note)
                    SELECT id, $2, $3, $4 FROM borrower RETURNING id),
          personal AS (INSERT INTO family_contact_personal_data (family_contact_id, full_name, phone)
                       SELECT id, $5, $6 FROM added)
     SELECT id FROM added`,
    [c.borrowerId, c.relation, c.source, c.sourceNote ?? null, c.fullName, c.phone],
  );
  if (!rows[0]) throw new FamilyContactRecordError('UNKNOWN_BORROWER', `no borrower ${c.borrowerId}`);
  return idRow.parse(rows[0]).id;
}

/** Records the borrower's consent to contact one family contact (or all); returns its id. */
export async function recordConsent(db: Queryable, consent: NewConsent): Promise<number> {
  const c = newConsentSchema.parse(consent);
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM borrowers WHERE id = $1) AS borrower_known,
            ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM family_contacts WHERE id = $2 AND borrower_id = $1)) AS contact_known`,
    [c.borrowerId, c.familyContactId],
  );
  const known = z.object({ borrower_known: z.boolean(), contact_known: z.boolean() }).parse(rows[0]);
  if (!known.borrower_known) throw new FamilyContactRecordError('UNKNOWN_BORROWER', `no borrower ${c.borrowerId}`);
  if (!known.contact_known) throw new FamilyContactRecordError('UNKNOWN_FAMILY_CONTACT', `borrower ${c.borrowerId} has no family contact ${c.familyContactId}`);
  const inserted = await db.query(
    `INSERT INTO contact_consents (borrower_id, scope, family_contact_id, form, purpose, document_ref, given_at)
     VALUES ($1, 'FAMILY_CONTACT', $2, $3, $4, $5, $6) RETURNING id`,
    [c.borrowerId, c.familyContactId, c.form, c.purpose, c.documentRef ?? null, c.givenAt],
  );
  return idRow.parse(inserted.rows[0]).id;
}

/**
 * Withdraws a consent from `at` on. The row stays: the contacts made before still name the
 * consent they relied on. A second withdrawal keeps the first moment; one stamped before the
 * consent was given (clocks apart) counts from the giving. Under the borrower's contact lock,
 * so a call-back request being checked right now either went out before or is refused.
 * Returns the moment it stands withdrawn from.
 */
export async function withdrawConsent(db: Queryable, consentId: number, at: Date): Promise<Date> {
  const { rows } = await db.query(
    `WITH locked AS (SELECT ${BORROWER_CONTACT_LOCK_SQL('borrower_id')} FROM contact_consents WHERE id = $1)
     UPDATE contact_consents c SET withdrawn_at = coalesce(c.withdrawn_at, greatest($2::timestamptz, c.given_at))
     FROM locked WHERE c.id = $1
     RETURNING c.withdrawn_at`,
    [id.parse(consentId), at],
  );
  if (!rows[0]) throw new FamilyContactRecordError('UNKNOWN_CONSENT', `no consent ${consentId}`);
  return z.date().parse(rows[0].withdrawn_at);
}

/** The number was confirmed (by SMS or call) to reach the person named. The first verification stays. */
export async function verifyFamilyContact(db: Queryable, verification: FamilyContactVerification): Promise<Date> {
  const v = verificationSchema.parse(verification);
  const { rows } = await db.query(
    `UPDATE family_contacts
     SET verified_at = coalesce(verified_at, $2), verification_method = coalesce(verification_method, $3), verified_by = coalesce(verified_by, $4)
     WHERE id = $1 RETURNING verified_at`,
    [v.familyContactId, v.at, v.method, v.verifiedBy],
  );
  if (!rows[0]) throw new FamilyContactRecordError('UNKNOWN_FAMILY_CONTACT', `no family contact ${v.familyContactId}`);
  return z.date().parse(rows[0].verified_at);
}

const contactRow = z.object({
  id: z.number().int(),
  relation: z.enum(FAMILY_RELATIONS),
  source: z.string(),
  source_note: z.string().nullable(),
  verified_at: z.date().nullable(),
});
const consentRow = z.object({
  id: z.number().int(),
  family_contact_id: z.number().int().nullable(),
  given_at: z.date(),
  withdrawn_at: z.date().nullable(),
});

export interface BorrowersFamilyContacts {
  /** in the order the borrower named them */
  contacts: FamilyContactFacts[];
  /** every FAMILY_CONTACT consent, withdrawn ones too */
  consents: FamilyConsent[];
}

/** The borrower's family contacts and consents as the rules read them: no name, no number. */
export async function familyContactsOf(db: Queryable, borrower: string): Promise<BorrowersFamilyContacts> {
  // One after the other: db may be the policy's transaction, one connection.
  const contacts = await db.query('SELECT id, relation, source, source_note, verified_at FROM family_contacts WHERE borrower_id = $1 ORDER BY id', [borrower]);
  const consents = await db.query(`SELECT id, family_contact_id, given_at, withdrawn_at FROM contact_consents WHERE borrower_id = $1 AND scope = 'FAMILY_CONTACT' ORDER BY id`, [
    borrower,
  ]);
  return {
    contacts: contacts.rows.map((r) => {
      const c = contactRow.parse(r);
      return { id: c.id, relation: c.relation, source: c.source, sourceNote: c.source_note, verifiedAt: c.verified_at };
    }),
    consents: consents.rows.map((r) => {
      const c = consentRow.parse(r);
      return { id: c.id, familyContactId: c.family_contact_id, givenAt: c.given_at, withdrawnAt: c.withdrawn_at };
    }),
  };
}

/** The family contact's number: personal data, for the hand-off only (never returned to a workflow or logged). */
export async function familyContactRecipient(db: Queryable, familyContactId: number): Promise<string | undefined> {
  const { rows } = await db.query('SELECT phone FROM family_contact_personal_data WHERE family_contact_id = $1', [familyContactId]);
  return rows[0] ? z.string().parse(rows[0].phone) : undefined;
}

const familyAttemptRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  status: z.enum(['SENT', 'FAILED', 'BLOCKED']),
  provider_message_id: z.string().nullable(),
  rendered_text: z.string(),
  family_contact_id: z.number().int().nullable(),
  consent_id: z.number().int().nullable(),
});
export type FamilyContactAttempt = z.infer<typeof familyAttemptRow>;

/** The contact recorded under a call-back request's key, with the family contact and the consent it relied on. */
export async function findFamilyContactAttempt(db: Queryable, idempotencyKey: string): Promise<FamilyContactAttempt | undefined> {
  const { rows } = await db.query(
    `SELECT id, account_id, status, provider_message_id, rendered_text, family_contact_id, consent_id
     FROM contact_attempts WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  return rows[0] ? familyAttemptRow.parse(rows[0]) : undefined;
}

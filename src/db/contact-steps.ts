/**
 * What a cadence's contact step reads and writes besides the shared contact record
 * (contact-attempts.ts): whom to reach on a channel, and the rest of an attempt (e-mail
 * subject, the provider's message id) once it is known. Personal data (the recipient) is
 * read here, inside the activity, and never returned to a workflow or logged.
 */
import { z } from 'zod';
import type { Queryable } from './pool';

export type StepChannel = 'SMS' | 'CALL' | 'EMAIL';

const targetRow = z.object({
  borrower_id: z.string(),
  product: z.enum(['LOAN', 'CREDIT_CARD']),
  recipient: z.string().nullable(),
});

export interface ContactTarget {
  borrowerId: string;
  product: 'LOAN' | 'CREDIT_CARD';
  /** the number or address for the channel; null: none on file */
  recipient: string | null;
}

/**
 * The loan book's contact points first: an SMS goes to the MOBILE number; a call to the
 * phone the borrower prefers, else the mobile; an e-mail to the preferred address, else
 * any. borrower_personal_data (which keeps the preferred phone and e-mail) is the fallback
 * for borrowers whose contact points were never imported.
 */
const TARGET_SQL = `
  SELECT a.borrower_id, a.product,
         CASE $2
           WHEN 'SMS' THEN coalesce(
             (SELECT p.value FROM borrower_contact_points p WHERE p.borrower_id = a.borrower_id AND p.kind = 'PHONE' AND p.label = 'MOBILE'),
             d.mobile_phone)
           WHEN 'CALL' THEN coalesce(
             (SELECT p.value FROM borrower_contact_points p WHERE p.borrower_id = a.borrower_id AND p.kind = 'PHONE'
              ORDER BY p.preferred DESC, p.label = 'MOBILE' DESC, p.label LIMIT 1),
             d.mobile_phone)
           ELSE coalesce(
             (SELECT p.value FROM borrower_contact_points p WHERE p.borrower_id = a.borrower_id AND p.kind = 'EMAIL'
              ORDER BY p.preferred DESC, p.label LIMIT 1),
             d.email)
         END AS recipient
  FROM accounts a LEFT JOIN borrower_personal_data d ON d.borrower_id = a.borrower_id
  WHERE a.id = $1`;

export async function loadContactTarget(db: Queryable, accountId: string, channel: StepChannel): Promise<ContactTarget | undefined> {
  const { rows } = await db.query(TARGET_SQL, [accountId, channel]);
  if (!rows[0]) return undefined;
  const r = targetRow.parse(rows[0]);
  return { borrowerId: r.borrower_id, product: r.product, recipient: r.recipient };
}

const stepAttemptRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  channel: z.enum(['SMS', 'CALL', 'EMAIL']),
  status: z.enum(['SENT', 'FAILED', 'BLOCKED']),
  provider: z.string(),
  provider_message_id: z.string().nullable(),
  rendered_text: z.string(),
  rendered_subject: z.string().nullable(),
});
export type StepAttempt = z.infer<typeof stepAttemptRow>;

/** The attempt recorded under the step's key, with what was rendered (to hand it off again). */
export async function findStepAttempt(db: Queryable, idempotencyKey: string): Promise<StepAttempt | undefined> {
  const { rows } = await db.query(
    `SELECT id, account_id, channel, status, provider, provider_message_id, rendered_text, rendered_subject
     FROM contact_attempts WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  return rows[0] ? stepAttemptRow.parse(rows[0]) : undefined;
}

/**
 * Fills in what the shared insert does not take: the e-mail subject and the provider's
 * message id once known (a value already there stays: a retry changes nothing), and the
 * moment of a fresh attempt (the workflow's clock rather than the database's).
 */
export async function completeStepAttempt(
  db: Queryable,
  attemptId: number,
  { renderedSubject, providerMessageId, attemptedAt }: { renderedSubject?: string; providerMessageId?: string; attemptedAt?: Date },
): Promise<void> {
  await db.query(
    `UPDATE contact_attempts
     SET rendered_subject = coalesce(rendered_subject, $2), provider_message_id = coalesce(provider_message_id, $3),
         attempted_at = coalesce($4, attempted_at)
     WHERE id = $1`,
    [attemptId, renderedSubject ?? null, providerMessageId ?? null, attemptedAt ?? null],
  );
}

/**
 * The provider refused the message itself (a number the gateway does not take, a mailbox
 * the server does not know): the attempt did not reach anyone, so it is FAILED, not
 * counted by the policy, and a retry of the step finds it so.
 */
export async function markStepUndeliverable(db: Queryable, attemptId: number): Promise<void> {
  await db.query(`UPDATE contact_attempts SET status = 'FAILED' WHERE id = $1 AND status = 'SENT' AND provider_message_id IS NULL`, [attemptId]);
}

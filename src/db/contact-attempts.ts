/** The record of outbound contacts; the idempotency key is unique, so a retry finds the first. */
import { z } from 'zod';
import type { Queryable } from './pool';

export const CONTACT_STATUSES = ['SENT', 'FAILED', 'BLOCKED'] as const;

const contactAttemptRow = z.object({
  id: z.number().int(),
  idempotency_key: z.string(),
  account_id: z.string(),
  channel: z.enum(['SMS', 'CALL', 'EMAIL']),
  template_id: z.string(),
  template_version: z.number().int(),
  status: z.enum(CONTACT_STATUSES),
  provider: z.string(),
  provider_message_id: z.string().nullable(),
});
export type ContactAttemptRow = z.infer<typeof contactAttemptRow>;

export interface NewContactAttempt {
  idempotencyKey: string;
  accountId: string;
  borrowerId: string;
  workflowId: string;
  channel: 'SMS' | 'CALL' | 'EMAIL';
  templateId: string;
  templateVersion: number;
  renderedText: string;
  status: (typeof CONTACT_STATUSES)[number];
  provider: string;
  providerMessageId: string | null;
}

const COLUMNS = 'id, idempotency_key, account_id, channel, template_id, template_version, status, provider, provider_message_id';

export async function findContactAttempt(db: Queryable, idempotencyKey: string): Promise<ContactAttemptRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM contact_attempts WHERE idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? contactAttemptRow.parse(rows[0]) : undefined;
}

/** Inserts once per key; returns the row that holds the key (the new one or the first). */
export async function recordContactAttempt(db: Queryable, a: NewContactAttempt): Promise<ContactAttemptRow> {
  const { rows } = await db.query(
    `INSERT INTO contact_attempts (idempotency_key, account_id, borrower_id, workflow_id, channel, template_id,
                                   template_version, rendered_text, status, provider, provider_message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [a.idempotencyKey, a.accountId, a.borrowerId, a.workflowId, a.channel, a.templateId, a.templateVersion, a.renderedText, a.status, a.provider, a.providerMessageId],
  );
  if (rows[0]) return contactAttemptRow.parse(rows[0]);
  return (await findContactAttempt(db, a.idempotencyKey)) as ContactAttemptRow;
}

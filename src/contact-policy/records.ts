/**
 * What the contact policy reads besides past contacts: call outcomes and opt-outs per
 * channel. Holds and cease-contact, written by the workflow's signals, are in src/db/holds.ts.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import type { CallOutcome } from './decide';
import type { ContactChannel } from './policy';

/** Whether a call connected (a conversation) or not; only calls have an outcome. */
export async function recordCallOutcome(db: Queryable, contactAttemptId: number, outcome: CallOutcome): Promise<void> {
  const { rowCount } = await db.query(`UPDATE contact_attempts SET call_outcome = $2 WHERE id = $1 AND channel = 'CALL'`, [contactAttemptId, outcome]);
  if (rowCount !== 1) throw new Error(`no call attempt ${contactAttemptId}`);
}

/** Where an opt-out came from: a staff member (their token's subject) or the borrower's SMS reply (the provider's message id). */
export type OptOutSource = { kind: 'STAFF'; recordedBy: string } | { kind: 'SMS_REPLY'; inboundMessageId: string };

export interface OptOutRecord {
  optedOutAt: Date;
  source: OptOutSource['kind'] | null;
  /** false: an opt-out was already in force, and stays as it was recorded */
  recordedNow: boolean;
}

const optOutRow = z.object({ opted_out_at: z.date(), source: z.enum(['STAFF', 'SMS_REPLY']).nullable(), recorded_now: z.boolean() });

/**
 * Opts the borrower out of one channel, with its source. An opt-out already in force keeps
 * its first time and source (asking twice changes nothing); a withdrawn one comes back.
 * `at`: when the borrower opted out (default now; a simulation gives its own clock's instant).
 */
export async function recordOptOut(db: Queryable, borrowerId: string, channel: ContactChannel, source: OptOutSource, at?: Date): Promise<OptOutRecord> {
  const recordedBy = source.kind === 'STAFF' ? source.recordedBy : null;
  const inboundMessageId = source.kind === 'SMS_REPLY' ? source.inboundMessageId : null;
  const { rows } = await db.query(
    `WITH upserted AS (
       INSERT INTO contact_opt_outs (borrower_id, channel, source, recorded_by, inbound_message_id, opted_out_at) VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
       ON CONFLICT (borrower_id, channel) DO UPDATE
         SET opted_out_at = coalesce($6, now()), withdrawn_at = NULL, source = $3, recorded_by = $4, inbound_message_id = $5
         WHERE contact_opt_outs.withdrawn_at IS NOT NULL
       RETURNING opted_out_at, source, true AS recorded_now)
     SELECT * FROM upserted
     UNION ALL
     SELECT opted_out_at, source, false FROM contact_opt_outs
      WHERE borrower_id = $1 AND channel = $2 AND NOT EXISTS (SELECT 1 FROM upserted)`,
    [borrowerId, channel, source.kind, recordedBy, inboundMessageId, at ?? null],
  );
  const row = optOutRow.parse(rows[0]);
  return { optedOutAt: row.opted_out_at, source: row.source, recordedNow: row.recorded_now };
}

/** A staff member's opt-out for the borrower of `accountId` (every account of theirs); null when there is no such account. */
export async function recordStaffOptOut(db: Queryable, accountId: string, channel: ContactChannel, recordedBy: string): Promise<OptOutRecord | null> {
  const { rows } = await db.query<{ borrower_id: string }>('SELECT borrower_id FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ? recordOptOut(db, rows[0].borrower_id, channel, { kind: 'STAFF', recordedBy }) : null;
}

export async function withdrawOptOut(db: Queryable, borrowerId: string, channel: ContactChannel): Promise<void> {
  await db.query('UPDATE contact_opt_outs SET withdrawn_at = now() WHERE borrower_id = $1 AND channel = $2 AND withdrawn_at IS NULL', [borrowerId, channel]);
}

/**
 * What the contact policy reads besides past contacts: call outcomes and opt-outs per
 * channel. Holds and cease-contact, written by the workflow's signals, are in src/db/holds.ts.
 */
import type { Queryable } from '../db/pool';
import type { CallOutcome } from './decide';
import type { ContactChannel } from './policy';

/** Whether a call connected (a conversation) or not; only calls have an outcome. */
export async function recordCallOutcome(db: Queryable, contactAttemptId: number, outcome: CallOutcome): Promise<void> {
  const { rowCount } = await db.query(`UPDATE contact_attempts SET call_outcome = $2 WHERE id = $1 AND channel = 'CALL'`, [contactAttemptId, outcome]);
  if (rowCount !== 1) throw new Error(`no call attempt ${contactAttemptId}`);
}

export async function recordOptOut(db: Queryable, borrowerId: string, channel: ContactChannel): Promise<void> {
  await db.query(
    `INSERT INTO contact_opt_outs (borrower_id, channel) VALUES ($1, $2)
     ON CONFLICT (borrower_id, channel) DO UPDATE SET opted_out_at = now(), withdrawn_at = NULL
     WHERE contact_opt_outs.withdrawn_at IS NOT NULL`,
    [borrowerId, channel],
  );
}

export async function withdrawOptOut(db: Queryable, borrowerId: string, channel: ContactChannel): Promise<void> {
  await db.query('UPDATE contact_opt_outs SET withdrawn_at = now() WHERE borrower_id = $1 AND channel = $2 AND withdrawn_at IS NULL', [borrowerId, channel]);
}

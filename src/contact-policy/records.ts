/**
 * What the contact policy reads besides past contacts: call outcomes, opt-outs per channel,
 * cease-contact and holds. Small named writes; the workflow's signals (holdPlaced,
 * holdReleased, ceaseContact) and the agent's call outcome will land here once wired.
 */
import type { Queryable } from '../db/pool';
import type { CallOutcome } from './decide';
import type { ContactChannel, HoldReason } from './policy';

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

/** For good. `accountId` null: every account of the borrower. */
export async function recordCeaseContact(db: Queryable, borrowerId: string, accountId: string | null): Promise<void> {
  await db.query('INSERT INTO contact_cease_requests (borrower_id, account_id) VALUES ($1, $2)', [borrowerId, accountId]);
}

/** Returns the hold's id, for its release. */
export async function placeHold(db: Queryable, accountId: string, reason: HoldReason): Promise<number> {
  const { rows } = await db.query<{ id: number }>('INSERT INTO contact_holds (account_id, reason) VALUES ($1, $2) RETURNING id', [accountId, reason]);
  return (rows[0] as { id: number }).id;
}

export async function releaseHold(db: Queryable, holdId: number): Promise<void> {
  await db.query('UPDATE contact_holds SET released_at = now() WHERE id = $1 AND released_at IS NULL', [holdId]);
}

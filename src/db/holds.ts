/**
 * Holds and cease-contact as the account workflow's signals write them (SPEC §2.10), keyed
 * by the sender's id: a repeated signal or a retried activity finds the first row. The
 * contact policy (src/contact-policy/permit.ts) reads these tables before every contact.
 */
import { z } from 'zod';
import type { HoldReason } from '../contact-policy/policy';
import type { Queryable } from './pool';

/** The borrower whose account it is (a cease-contact may cover all their accounts). */
export async function borrowerOfAccount(db: Queryable, accountId: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT borrower_id FROM accounts WHERE id = $1', [accountId]);
  return rows[0] ? z.string().parse(rows[0].borrower_id) : undefined;
}

export interface NewHold {
  holdId: string;
  accountId: string;
  workflowId: string;
  reason: HoldReason;
  note: string | null;
  placedAt: Date;
}

/** Returns whether this call placed it (false: the hold id was already known). */
export async function placeHoldOnce(db: Queryable, h: NewHold): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO contact_holds (hold_id, account_id, workflow_id, reason, note, placed_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (hold_id) DO NOTHING`,
    [h.holdId, h.accountId, h.workflowId, h.reason, h.note, h.placedAt],
  );
  return rowCount === 1;
}

/**
 * Releases the account's hold of that id; returns whether this call released it (false:
 * unknown, another account's, or released already). Never before it was placed: a release
 * stamped earlier (clocks apart) counts from the placing.
 */
export async function releaseHoldOnce(db: Queryable, accountId: string, holdId: string, releasedAt: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE contact_holds SET released_at = greatest($3::timestamptz, placed_at)
      WHERE hold_id = $1 AND account_id = $2 AND released_at IS NULL`,
    [holdId, accountId, releasedAt],
  );
  return rowCount === 1;
}

export interface NewCeaseRequest {
  requestId: string;
  borrowerId: string;
  /** null: every account of the borrower */
  accountId: string | null;
  workflowId: string;
  requestedAt: Date;
}

/** For good. Returns whether this call recorded it (false: the request id was already known). */
export async function recordCeaseRequestOnce(db: Queryable, r: NewCeaseRequest): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO contact_cease_requests (request_id, borrower_id, account_id, workflow_id, requested_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (request_id) DO NOTHING`,
    [r.requestId, r.borrowerId, r.accountId, r.workflowId, r.requestedAt],
  );
  return rowCount === 1;
}

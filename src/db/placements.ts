/**
 * Agency placements and their recalls in Postgres (issue 17 §2): a placement once per key,
 * one in force per account; a recall once per placement (the first reason stands), sent
 * and marked, or escalated to staff when the agency refuses it.
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import { PLACEMENT_STATUSES, RECALL_REASONS, type PlacementView, type RecallReason } from '../domain/legal';
import type { Queryable } from './pool';

const placementRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  agency_id: z.string(),
  commission_rate: z.coerce.number(),
  currency: z.string(),
  placed_amount: z.number().int(),
  placed_at: z.date(),
  recall_by: z.string(),
  status: z.enum(PLACEMENT_STATUSES),
  sent_at: z.date().nullable(),
  recall_reason: z.enum(RECALL_REASONS).nullable(),
  requested_by: z.string().nullable(),
  requested_at: z.date().nullable(),
  recall_sent_at: z.date().nullable(),
  attempts: z.number().int().nullable(),
  recall_status: z.enum(['PENDING', 'SENT', 'ESCALATED']).nullable(),
});
export type PlacementRow = z.infer<typeof placementRow>;

const SELECT_PLACEMENT = `SELECT p.id, p.account_id, p.agency_id, p.commission_rate, p.currency, p.placed_amount, p.placed_at, p.recall_by, p.status, p.sent_at,
       r.reason AS recall_reason, r.requested_by, r.requested_at, r.sent_at AS recall_sent_at, r.attempts, r.status AS recall_status
  FROM agency_placements p LEFT JOIN placement_recalls r ON r.placement_id = p.id`;

export async function findPlacementByKey(db: Queryable, idempotencyKey: string): Promise<PlacementRow | undefined> {
  const { rows } = await db.query(`${SELECT_PLACEMENT} WHERE p.idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? placementRow.parse(rows[0]) : undefined;
}

export async function loadPlacement(db: Queryable, placementId: number): Promise<PlacementRow | undefined> {
  const { rows } = await db.query(`${SELECT_PLACEMENT} WHERE p.id = $1`, [placementId]);
  return rows[0] ? placementRow.parse(rows[0]) : undefined;
}

export async function placementInForce(db: Queryable, accountId: string): Promise<PlacementRow | undefined> {
  const { rows } = await db.query(`${SELECT_PLACEMENT} WHERE p.account_id = $1 AND p.status <> 'RECALLED'`, [accountId]);
  return rows[0] ? placementRow.parse(rows[0]) : undefined;
}

export async function listPlacements(db: Queryable, filter: { accountId?: string; agencyId?: string; inForce?: boolean; limit: number }): Promise<PlacementRow[]> {
  const { rows } = await db.query(
    `${SELECT_PLACEMENT} WHERE ($1::text IS NULL OR p.account_id = $1) AND ($2::text IS NULL OR p.agency_id = $2) AND (NOT $3 OR p.status <> 'RECALLED')
      ORDER BY p.placed_at DESC, p.id DESC LIMIT $4`,
    [filter.accountId ?? null, filter.agencyId ?? null, filter.inForce ?? false, filter.limit],
  );
  return rows.map((r) => placementRow.parse(r));
}

export async function insertPlacement(db: Queryable, p: { idempotencyKey: string; accountId: string; workflowId: string; decisionId: number | null; agencyId: string; commissionRate: number; currency: string; placedAmount: number; recallBy: IsoDate; at: Date }): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO agency_placements (idempotency_key, account_id, workflow_id, decision_id, agency_id, commission_rate, currency, placed_amount, placed_at, recall_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [p.idempotencyKey, p.accountId, p.workflowId, p.decisionId, p.agencyId, p.commissionRate, p.currency, p.placedAmount, p.at, p.recallBy],
  );
  return rows[0] ? z.number().int().parse(rows[0].id) : undefined;
}

export async function markPlacementSent(db: Queryable, placementId: number, agencyReference: string, at: Date): Promise<void> {
  await db.query('UPDATE agency_placements SET sent_at = coalesce(sent_at, $3), agency_reference = coalesce(agency_reference, $2) WHERE id = $1', [placementId, agencyReference, at]);
}

/** The recall, once per placement: a second request (another key, another reason) finds the first. The placement waits for it to be sent. */
export async function insertRecall(db: Queryable, r: { idempotencyKey: string; placementId: number; reason: RecallReason; requestedBy: string | null; note: string | null; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO placement_recalls (idempotency_key, placement_id, reason, requested_by, note, requested_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [r.idempotencyKey, r.placementId, r.reason, r.requestedBy, r.note, r.at],
  );
  await db.query(`UPDATE agency_placements SET status = 'RECALL_PENDING' WHERE id = $1 AND status = 'PLACED'`, [r.placementId]);
}

export async function recallKeyOf(db: Queryable, placementId: number): Promise<{ idempotencyKey: string; reason: RecallReason } | undefined> {
  const { rows } = await db.query('SELECT idempotency_key, reason FROM placement_recalls WHERE placement_id = $1', [placementId]);
  return rows[0] ? { idempotencyKey: z.string().parse(rows[0].idempotency_key), reason: z.enum(RECALL_REASONS).parse(rows[0].reason) } : undefined;
}

export async function recallAttempted(db: Queryable, placementId: number, error: string | null, status: 'PENDING' | 'ESCALATED'): Promise<void> {
  await db.query(`UPDATE placement_recalls SET attempts = attempts + 1, last_error = $2, status = CASE WHEN status = 'SENT' THEN status ELSE $3 END WHERE placement_id = $1`, [placementId, error, status]);
}

export async function recallSent(db: Queryable, placementId: number, at: Date): Promise<void> {
  await db.query(`UPDATE placement_recalls SET attempts = attempts + 1, last_error = NULL, status = 'SENT', sent_at = coalesce(sent_at, $2) WHERE placement_id = $1`, [placementId, at]);
  await db.query(`UPDATE agency_placements SET status = 'RECALLED', recalled_at = coalesce(recalled_at, $2) WHERE id = $1`, [placementId, at]);
}

/** Recalls not yet taken by their agency (pending or escalated), oldest first: the retry's work list. */
export async function unsentRecalls(db: Queryable, limit: number): Promise<{ placementId: number; accountId: string }[]> {
  const { rows } = await db.query(
    `SELECT r.placement_id, p.account_id FROM placement_recalls r JOIN agency_placements p ON p.id = r.placement_id WHERE r.status <> 'SENT' ORDER BY r.requested_at LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ placementId: z.number().int().parse(r.placement_id), accountId: z.string().parse(r.account_id) }));
}

export function placementView(r: PlacementRow): PlacementView {
  return {
    placementId: r.id,
    accountId: r.account_id,
    agencyId: r.agency_id,
    commissionRate: r.commission_rate,
    currency: r.currency,
    placedAmount: r.placed_amount,
    placedAt: r.placed_at.toISOString(),
    recallBy: r.recall_by,
    status: r.status,
    sent: r.sent_at !== null,
    recall:
      r.recall_reason === null || r.requested_at === null
        ? null
        : { reason: r.recall_reason, requestedBy: r.requested_by, requestedAt: r.requested_at.toISOString(), sentAt: r.recall_sent_at?.toISOString() ?? null, attempts: r.attempts ?? 0 },
  };
}

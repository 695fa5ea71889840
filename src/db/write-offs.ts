/**
 * Write-offs, recoveries after them, and account closures in Postgres (issue 17 §3): a
 * recommendation once per key and one open per account, decided once by a supervisor; a
 * payment after the write-off recorded as a recovery once per payment event; a closure
 * once per event and per account. Approving and closing set the account's status, which
 * takes it out of screening; a later payment re-opens nothing.
 */
import { z } from 'zod';
import { CLOSURE_REASONS, WRITE_OFF_STATUSES, type AccountClosed, type WriteOffView } from '../domain/legal';
import { recordAuditEvent } from './audit';
import { inTransaction, type Pool, type Queryable } from './pool';

const writeOffRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  status: z.enum(WRITE_OFF_STATUSES),
  basis: z.enum(['CHARGE_OFF_REACHED', 'LEGAL_DOES_NOT_PAY']),
  currency: z.string(),
  amount: z.number().int(),
  recommended_at: z.date(),
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
  decided_at: z.date().nullable(),
  recovered: z.number().int(),
});
export type WriteOffRow = z.infer<typeof writeOffRow>;

const SELECT_WRITE_OFF = `SELECT w.id, w.account_id, w.status, w.basis, w.currency, w.amount, w.recommended_at, w.decided_by, w.decision_reason, w.decided_at,
       coalesce((SELECT sum(r.amount) FROM write_off_recoveries r WHERE r.write_off_id = w.id), 0)::bigint AS recovered
  FROM write_offs w`;

export async function findWriteOffByKey(db: Queryable, idempotencyKey: string): Promise<WriteOffRow | undefined> {
  const { rows } = await db.query(`${SELECT_WRITE_OFF} WHERE w.idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? writeOffRow.parse(rows[0]) : undefined;
}

export async function loadWriteOff(db: Queryable, id: number, { lock = false } = {}): Promise<WriteOffRow | undefined> {
  if (lock) await db.query('SELECT 1 FROM write_offs WHERE id = $1 FOR UPDATE', [id]);
  const { rows } = await db.query(`${SELECT_WRITE_OFF} WHERE w.id = $1`, [id]);
  return rows[0] ? writeOffRow.parse(rows[0]) : undefined;
}

export async function listWriteOffs(db: Queryable, filter: { accountId?: string; status?: (typeof WRITE_OFF_STATUSES)[number]; limit: number }): Promise<WriteOffRow[]> {
  const { rows } = await db.query(`${SELECT_WRITE_OFF} WHERE ($1::text IS NULL OR w.account_id = $1) AND ($2::text IS NULL OR w.status = $2) ORDER BY w.recommended_at DESC, w.id DESC LIMIT $3`, [
    filter.accountId ?? null,
    filter.status ?? null,
    filter.limit,
  ]);
  return rows.map((r) => writeOffRow.parse(r));
}

/** One open recommendation per account: a second (another key) while one is open finds that one. */
export async function insertRecommendation(db: Queryable, w: { idempotencyKey: string; accountId: string; workflowId: string; decisionId: number | null; basis: WriteOffRow['basis']; currency: string; amount: number; at: Date }): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO write_offs (idempotency_key, account_id, workflow_id, decision_id, basis, currency, amount, recommended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
    [w.idempotencyKey, w.accountId, w.workflowId, w.decisionId, w.basis, w.currency, w.amount, w.at],
  );
  if (rows[0]) return z.number().int().parse(rows[0].id);
  const open = await db.query(`SELECT id FROM write_offs WHERE idempotency_key = $1 OR (account_id = $2 AND status = 'RECOMMENDED') ORDER BY (idempotency_key = $1) DESC LIMIT 1`, [w.idempotencyKey, w.accountId]);
  return open.rows[0] ? z.number().int().parse(open.rows[0].id) : undefined;
}

export async function decideWriteOffRow(db: Queryable, d: { id: number; status: 'APPROVED' | 'DECLINED'; amount: number; decidedBy: string; reason: string; at: Date }): Promise<void> {
  await db.query(`UPDATE write_offs SET status = $2, amount = $3, decided_by = $4, decision_reason = $5, decided_at = $6 WHERE id = $1 AND status = 'RECOMMENDED'`, [d.id, d.status, d.amount, d.decidedBy, d.reason, d.at]);
  if (d.status === 'APPROVED') await db.query(`UPDATE accounts SET status = 'WRITTEN_OFF' FROM write_offs w WHERE w.id = $1 AND accounts.id = w.account_id`, [d.id]);
}

export async function approvedWriteOffOf(db: Queryable, accountId: string): Promise<WriteOffRow | undefined> {
  const { rows } = await db.query(`${SELECT_WRITE_OFF} WHERE w.account_id = $1 AND w.status = 'APPROVED'`, [accountId]);
  return rows[0] ? writeOffRow.parse(rows[0]) : undefined;
}

/** A payment (not reversed) after the account's write-off, recorded once as a recovery; false when it is not one or already recorded. */
export async function insertRecovery(db: Queryable, r: { accountId: string; paymentEventId: string; at: Date }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO write_off_recoveries (write_off_id, account_id, payment_event_id, amount, currency, recorded_at)
     SELECT w.id, w.account_id, p.event_id, p.amount, p.currency, $3
       FROM write_offs w JOIN payments p ON p.account_id = w.account_id AND p.event_id = $2 AND p.reversed_at IS NULL
      WHERE w.account_id = $1 AND w.status = 'APPROVED'
     ON CONFLICT (payment_event_id) DO NOTHING`,
    [r.accountId, r.paymentEventId, r.at],
  );
  return rowCount === 1;
}

/**
 * A payment after the write-off, recorded as a recovery and audited, once per payment event;
 * false when the account is not written off or the payment is already recorded. The legal
 * activity and the payments relay (a payment for a run that has ended) both record it here.
 */
export async function recordWriteOffRecovery(pool: Pool, r: { accountId: string; paymentEventId: string; at: Date }): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    const fresh = await insertRecovery(tx, r);
    if (fresh)
      await recordAuditEvent(tx, { idempotencyKey: `WRITE_OFF_RECOVERY:${r.paymentEventId}`, accountId: r.accountId, workflowId: null, kind: 'WRITE_OFF_RECOVERY', detail: { paymentEventId: r.paymentEventId }, occurredAt: r.at.toISOString() });
    return fresh;
  });
}

export function writeOffView(r: WriteOffRow): WriteOffView {
  return {
    recommendationId: r.id,
    accountId: r.account_id,
    status: r.status,
    currency: r.currency,
    amount: r.amount,
    recommendedAt: r.recommended_at.toISOString(),
    basis: r.basis,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
    decidedAt: r.decided_at?.toISOString() ?? null,
    recovered: r.recovered,
  };
}

// ---------- closures ----------

const closureRow = z.object({ id: z.number().int(), account_id: z.string(), reason: z.enum(CLOSURE_REASONS), closed_on: z.string(), source: z.enum(['IMPORT', 'API']), idempotency_key: z.string() });
export type ClosureRow = z.infer<typeof closureRow>;

/** The account closed once: the first event stands (another event for the same account finds it). A written-off account keeps WRITTEN_OFF. */
export async function insertClosure(db: Queryable, c: { accountId: string; event: AccountClosed; at: Date }): Promise<ClosureRow> {
  await db.query(
    `INSERT INTO account_closures (idempotency_key, account_id, reason, closed_on, source, note, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [c.event.eventId, c.accountId, c.event.reason, c.event.closedOn, c.event.source, c.event.note ?? null, c.at],
  );
  await db.query(`UPDATE accounts SET status = 'CLOSED' WHERE id = $1 AND status = 'OPEN'`, [c.accountId]);
  const { rows } = await db.query('SELECT id, account_id, reason, closed_on, source, idempotency_key FROM account_closures WHERE account_id = $1', [c.accountId]);
  return closureRow.parse(rows[0]);
}

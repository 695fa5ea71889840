/** The append-only record: stage transitions and other audit events, each once per key. */
import type { Queryable } from './pool';

export interface StageTransition {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  runId: string;
  fromStage: string | null;
  toStage: string;
  reason: string;
  /** ISO instant (workflow time) */
  occurredAt: string;
  /** The move's place in its chain of runs (absent from runs on older code): recorded once per place. */
  chain?: { chainId: string; seq: number };
}

/**
 * Records a move once. A second record of the same move (same key) changes nothing; a record
 * of another move at a place the chain already has is refused too (the unique place), and
 * the move already there is answered instead, so the caller can tell.
 */
export async function recordStageTransition(db: Queryable, t: StageTransition): Promise<{ recorded: boolean; atPlace: { idempotencyKey: string; toStage: string } | null }> {
  const inserted = await db.query(
    `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at, chain_id, seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
    [t.idempotencyKey, t.accountId, t.workflowId, t.runId, t.fromStage, t.toStage, t.reason, t.occurredAt, t.chain?.chainId ?? null, t.chain?.seq ?? null],
  );
  if (inserted.rowCount === 1 || !t.chain) return { recorded: inserted.rowCount === 1, atPlace: null };
  const { rows } = await db.query<{ idempotency_key: string; to_stage: string }>(
    `SELECT idempotency_key, to_stage FROM stage_transitions WHERE chain_id = $1 AND seq = $2`,
    [t.chain.chainId, t.chain.seq],
  );
  return { recorded: false, atPlace: rows[0] ? { idempotencyKey: rows[0].idempotency_key, toStage: rows[0].to_stage } : null };
}

export interface AuditEvent {
  idempotencyKey: string;
  accountId: string;
  workflowId: string | null;
  kind: string;
  /** No personal data. */
  detail: Record<string, unknown>;
  occurredAt: string;
}

export async function recordAuditEvent(db: Queryable, e: AuditEvent): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (idempotency_key, account_id, workflow_id, kind, detail, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
    [e.idempotencyKey, e.accountId, e.workflowId, e.kind, JSON.stringify(e.detail), e.occurredAt],
  );
}

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
}

export async function recordStageTransition(db: Queryable, t: StageTransition): Promise<void> {
  await db.query(
    `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
    [t.idempotencyKey, t.accountId, t.workflowId, t.runId, t.fromStage, t.toStage, t.reason, t.occurredAt],
  );
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

/** The append-only record: stage transitions and other audit events, each once per key. */
import { inTransaction, type Pool, type Queryable } from './pool';

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

/** Where a move stands in its chain once recorded. */
export interface RecordedMove {
  /** false: the move was there already (a retried step, or the same move reached by another path) */
  recorded: boolean;
  /** the move's place in its chain as Postgres holds it; null for a run on older code (no chain) */
  seq: number | null;
}

interface ChainRow {
  seq: number;
  to_stage: string;
}

/**
 * Records a move once, keeping its chain linked (issue 14 §4). A run proposes the place it
 * counts (`chain.seq`); Postgres keeps what really happened:
 * - the same move again (its key, or the same stage at that place: a cure by a payment step
 *   and by the run) records nothing and answers its place;
 * - a move whose chain already stands in its stage (the place before holds the same stage)
 *   records nothing: it would be the same move twice;
 * - a place taken by another move — recorded by a workflow task that failed after its local
 *   activity ran, whose retry took another path (a signal arrived in between) — sends this
 *   move to the end of the chain, from the stage the chain ended in.
 * The run follows the place answered (the moves-follow-the-chain patch), so its next move
 * takes the next free place.
 */
export async function recordStageTransition(pool: Pool, t: StageTransition): Promise<RecordedMove> {
  /** The insert's values for this move under `key`, from `fromStage`, at a place in a chain (or none). */
  const values = (key: string, fromStage: string | null, chainId: string | null, at: number | null) => [key, t.accountId, t.workflowId, t.runId, fromStage, t.toStage, t.reason, t.occurredAt, chainId, at];
  if (!t.chain) {
    const inserted = await pool.query(
      `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at, chain_id, seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      values(t.idempotencyKey, t.fromStage, null, null),
    );
    return { recorded: inserted.rowCount === 1, seq: null };
  }
  const { chainId, seq } = t.chain;
  /** The key of this move when its place was taken: still one per move, so a retry finds it. */
  const keyAtTheEnd = `${t.idempotencyKey}/to-${t.toStage}`;
  return inTransaction(pool, async (db) => {
    // One writer per chain at a time: the place checks below and the insert are one step.
    await db.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [chainId]);
    const find = async (where: string, params: unknown[]) =>
      (await db.query<ChainRow>(`SELECT seq, to_stage FROM stage_transitions WHERE ${where} LIMIT 1`, params)).rows[0];
    const insert = async (key: string, at: number, fromStage: string | null): Promise<RecordedMove> => {
      await db.query(
        `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at, chain_id, seq)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        values(key, fromStage, chainId, at),
      );
      return { recorded: true, seq: at };
    };
    for (const key of [t.idempotencyKey, keyAtTheEnd]) {
      const same = await find('idempotency_key = $1 AND to_stage = $2', [key, t.toStage]);
      if (same) return { recorded: false, seq: same.seq };
    }
    const atPlace = await find('chain_id = $1 AND seq = $2', [chainId, seq]);
    if (atPlace?.to_stage === t.toStage) return { recorded: false, seq };
    if (atPlace) {
      const last = (await find('chain_id = $1 ORDER BY seq DESC', [chainId])) as ChainRow;
      if (last.to_stage === t.toStage) return { recorded: false, seq: last.seq };
      return insert(keyAtTheEnd, last.seq + 1, last.to_stage);
    }
    const before = seq > 0 ? await find('chain_id = $1 AND seq = $2', [chainId, seq - 1]) : undefined;
    if (before?.to_stage === t.toStage) return { recorded: false, seq: before.seq };
    // The key taken by another move elsewhere in the chain (a step that failed and took another path): keep both.
    const keyTaken = await find('idempotency_key = $1', [t.idempotencyKey]);
    // The place before may still be on its way (another step of the same run): the run's own word then.
    return insert(keyTaken ? keyAtTheEnd : t.idempotencyKey, seq, before ? before.to_stage : t.fromStage);
  });
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

/**
 * The agent's call outcomes (issue 6 §2): one per call task. The task row is locked while
 * its outcome is stored, so an update and its retry, or two agents answering at once,
 * store one outcome: the first.
 */
import { z } from 'zod';
import type { CallOutcome } from '../domain/early-collection';
import type { Queryable } from './pool';

const callTaskRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  contact_attempt_id: z.number().int().nullable(),
  status: z.enum(['OPEN', 'DONE', 'EXPIRED', 'CANCELLED']),
});
export type CallTaskRow = z.infer<typeof callTaskRow>;

/** The call task, locked to the end of the caller's transaction. */
export async function lockCallTask(db: Queryable, taskId: number): Promise<CallTaskRow | undefined> {
  const { rows } = await db.query(`SELECT id, account_id, contact_attempt_id, status FROM agent_tasks WHERE id = $1 AND kind = 'CALL' FOR UPDATE`, [taskId]);
  return rows[0] ? callTaskRow.parse(rows[0]) : undefined;
}

export interface NewCallOutcome {
  accountId: string;
  workflowId: string;
  outcome: CallOutcome;
  recordedAt: Date;
}

/** Inserts the task's outcome once; `inserted` false: the task already had one, whose id is returned. */
export async function insertCallOutcome(db: Queryable, o: NewCallOutcome): Promise<{ id: number; inserted: boolean }> {
  const { outcome } = o;
  const { rows } = await db.query(
    `INSERT INTO call_outcomes (agent_task_id, account_id, workflow_id, agent_id, right_party_reached, reason,
                                income_change, household_change, note, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (agent_task_id) DO NOTHING
     RETURNING id`,
    [
      outcome.taskId,
      o.accountId,
      o.workflowId,
      outcome.agentId,
      outcome.rightPartyReached,
      outcome.reason ?? null,
      outcome.incomeChange ?? null,
      outcome.householdChange ?? null,
      outcome.note ?? null,
      o.recordedAt,
    ],
  );
  if (rows[0]) return { id: z.number().int().parse(rows[0].id), inserted: true };
  const first = await db.query('SELECT id FROM call_outcomes WHERE agent_task_id = $1', [outcome.taskId]);
  return { id: z.number().int().parse(first.rows[0]?.id), inserted: false };
}

/** The task is done once an outcome is in, even if its call window had passed (EXPIRED) or it was no longer needed (CANCELLED). */
export async function closeCallTask(db: Queryable, taskId: number, closedAt: Date): Promise<void> {
  await db.query(`UPDATE agent_tasks SET status = 'DONE', closed_at = $2 WHERE id = $1 AND status <> 'DONE'`, [taskId, closedAt]);
}

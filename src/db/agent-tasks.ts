/**
 * The agent queue's call tasks (issue 6 §2): a call step of a cadence opens one, assigned
 * to the least-loaded active agent; the call window's end or the account's cure closes it.
 * The agent's outcome (DONE) is written by src/db/call-outcomes.ts.
 */
import { z } from 'zod';
import { AGENT_TASK_STATUSES, type AgentTaskStatus } from './agent-queue';
import type { Queryable } from './pool';

const openedTaskRow = z.object({
  id: z.number().int(),
  assigned_agent: z.string().nullable(),
  due_by: z.date(),
});

export interface OpenedCallTask {
  taskId: number;
  assignedAgent: string | null;
  dueBy: Date;
}

export interface NewCallTask {
  /** the contact step's key: one task per step, a retry finds it */
  idempotencyKey: string;
  accountId: string;
  borrowerId: string;
  workflowId: string;
  contactAttemptId: number;
  templateId: string;
  templateVersion: number;
  script: string;
  openedAt: Date;
  dueBy: Date;
}

const toOpened = (row: unknown): OpenedCallTask => {
  const r = openedTaskRow.parse(row);
  return { taskId: r.id, assignedAgent: r.assigned_agent, dueBy: r.due_by };
};

export async function findCallTask(db: Queryable, idempotencyKey: string): Promise<OpenedCallTask | undefined> {
  const { rows } = await db.query(`SELECT id, assigned_agent, due_by FROM agent_tasks WHERE idempotency_key = $1 AND kind = 'CALL'`, [idempotencyKey]);
  return rows[0] ? toOpened(rows[0]) : undefined;
}

/**
 * Opens the step's call task once. The agent is the active AGENT with the fewest OPEN
 * tasks (then the lowest id), or none when there is no agent. Assignments take a lock of
 * their own (to the end of the caller's transaction), so two tasks opened at once for
 * different borrowers see each other's load instead of both landing on the same agent.
 */
export async function openCallTask(db: Queryable, t: NewCallTask): Promise<OpenedCallTask> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('agent-task-assignment', 0))`);
  const { rows } = await db.query(
    `INSERT INTO agent_tasks (idempotency_key, kind, account_id, borrower_id, workflow_id, contact_attempt_id, assigned_agent,
                              template_id, template_version, script, opened_at, due_by)
     VALUES ($1, 'CALL', $2, $3, $4, $5,
             (SELECT s.id FROM staff s
              WHERE s.role = 'AGENT' AND s.active
              ORDER BY (SELECT count(*) FROM agent_tasks o WHERE o.assigned_agent = s.id AND o.status = 'OPEN'), s.id
              LIMIT 1),
             $6, $7, $8, $9, $10)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id, assigned_agent, due_by`,
    [t.idempotencyKey, t.accountId, t.borrowerId, t.workflowId, t.contactAttemptId, t.templateId, t.templateVersion, t.script, t.openedAt, t.dueBy],
  );
  if (rows[0]) return toOpened(rows[0]);
  return (await findCallTask(db, t.idempotencyKey)) as OpenedCallTask;
}

/**
 * Closes the task as EXPIRED or CANCELLED if it is still OPEN; a task already closed keeps
 * its status (an outcome recorded in time stays DONE). Returns the status after, or
 * undefined when there is no such task.
 */
export async function closeOpenCallTask(db: Queryable, taskId: number, status: 'EXPIRED' | 'CANCELLED', closedAt: Date): Promise<AgentTaskStatus | undefined> {
  const { rows } = await db.query(
    `WITH closed AS (
       UPDATE agent_tasks SET status = $2, closed_at = $3 WHERE id = $1 AND kind = 'CALL' AND status = 'OPEN' RETURNING status)
     SELECT status FROM closed
     UNION ALL SELECT status FROM agent_tasks WHERE id = $1 AND kind = 'CALL' AND NOT EXISTS (SELECT 1 FROM closed)`,
    [taskId, status, closedAt],
  );
  return rows[0] ? z.enum(AGENT_TASK_STATUSES).parse(rows[0].status) : undefined;
}

/**
 * The agent queue as agents read it (GET /agent/tasks, `arrears agent-tasks`): call tasks
 * with their script, never the borrower's name or number (the agent's phone system dials
 * from the task). The call steps of the cadence open and assign the tasks (agent-tasks.ts).
 */
import { z } from 'zod';
import type { Queryable } from './pool';

export const AGENT_TASK_STATUSES = ['OPEN', 'DONE', 'EXPIRED', 'CANCELLED'] as const;
export type AgentTaskStatus = (typeof AGENT_TASK_STATUSES)[number];

const agentTaskRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  workflow_id: z.string(),
  assigned_agent: z.string().nullable(),
  status: z.enum(AGENT_TASK_STATUSES),
  opened_at: z.date(),
  due_by: z.date(),
  closed_at: z.date().nullable(),
  script: z.string(),
  template_id: z.string(),
  template_version: z.number().int(),
});

export interface AgentTask {
  id: number;
  accountId: string;
  workflowId: string;
  assignedAgent: string | null;
  status: AgentTaskStatus;
  openedAt: string;
  dueBy: string;
  closedAt: string | null;
  script: string;
  templateId: string;
  templateVersion: number;
}

function taskOf(row: unknown): AgentTask {
  const r = agentTaskRow.parse(row);
  return {
    id: r.id,
    accountId: r.account_id,
    workflowId: r.workflow_id,
    assignedAgent: r.assigned_agent,
    status: r.status,
    openedAt: r.opened_at.toISOString(),
    dueBy: r.due_by.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    script: r.script,
    templateId: r.template_id,
    templateVersion: r.template_version,
  };
}

const COLUMNS = 'id, account_id, workflow_id, assigned_agent, status, opened_at, due_by, closed_at, script, template_id, template_version';

export interface AgentTaskFilter {
  /** one agent's tasks; all agents' when absent */
  agentId?: string;
  status: AgentTaskStatus;
  limit: number;
}

/** Open tasks soonest due first (the order to call in); closed ones latest closed first. */
export async function listAgentTasks(db: Queryable, { agentId, status, limit }: AgentTaskFilter): Promise<AgentTask[]> {
  const order = status === 'OPEN' ? 'due_by, id' : 'closed_at DESC, id DESC';
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM agent_tasks
      WHERE status = $1 AND ($2::text IS NULL OR assigned_agent = $2)
      ORDER BY ${order} LIMIT $3`,
    [status, agentId ?? null, limit],
  );
  return rows.map(taskOf);
}

export async function findAgentTask(db: Queryable, taskId: number): Promise<AgentTask | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM agent_tasks WHERE id = $1`, [taskId]);
  return rows[0] ? taskOf(rows[0]) : undefined;
}

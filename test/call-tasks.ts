/**
 * Call tasks as the cadence's call step leaves them (a CALL contact attempt and an OPEN
 * task in the agent queue), written straight into Postgres for tests of what happens
 * next: the agent's outcome, the queue's API.
 */
import { recordContactAttempt } from '../src/db/contact-attempts';
import type { Pool } from '../src/db/pool';
import { accountWorkflowId } from '../src/domain/ids';
import { uniqueId } from './support';

export interface SeededCallTask {
  taskId: number;
  contactAttemptId: number;
}

export async function seedCallTask(
  pool: Pool,
  accountId: string,
  { status = 'OPEN', assignedAgent = null, openedAt = new Date() }: { status?: 'OPEN' | 'EXPIRED' | 'CANCELLED'; assignedAgent?: string | null; openedAt?: Date } = {},
): Promise<SeededCallTask> {
  const key = uniqueId('call-step');
  const borrower = await pool.query<{ borrower_id: string }>('SELECT borrower_id FROM accounts WHERE id = $1', [accountId]);
  const borrowerId = borrower.rows[0]?.borrower_id as string;
  const attempt = await recordContactAttempt(pool, {
    idempotencyKey: key,
    accountId,
    borrowerId,
    workflowId: accountWorkflowId(accountId),
    channel: 'CALL',
    templateId: 'call-script',
    templateVersion: 1,
    renderedText: 'Call script: CNY 2500.00 overdue.',
    status: 'SENT',
    provider: 'agent-queue',
    providerMessageId: null,
  });
  const dueBy = new Date(openedAt.getTime() + 8 * 3_600_000);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO agent_tasks (idempotency_key, kind, account_id, borrower_id, workflow_id, contact_attempt_id, assigned_agent,
                              template_id, template_version, script, status, opened_at, due_by, closed_at)
     VALUES ($1, 'CALL', $2, $3, $4, $5, $6, 'call-script', 1, 'Call script: CNY 2500.00 overdue.', $7, $8, $9,
             CASE WHEN $7 = 'OPEN' THEN NULL ELSE $9::timestamptz END)
     RETURNING id`,
    [key, accountId, borrowerId, accountWorkflowId(accountId), attempt.id, assignedAgent, status, openedAt, dueBy],
  );
  return { taskId: rows[0]?.id as number, contactAttemptId: attempt.id };
}

/**
 * The agent's call outcome against the real Postgres: stored once per task, the task
 * closed, the call attempt marked connected or not; a late answer to an EXPIRED task
 * still counts; a task of another account is refused for good.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CallOutcome, CallOutcomeRecorded, RecordCallOutcomeInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import { seedCallTask } from '../test/call-tasks';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { isoDateFrom, seedAccount } from '../test/support';

const bed = activityTestbed();

const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
const AT = Date.parse('2026-11-23T03:15:00Z');

const recordCallOutcome = (input: RecordCallOutcomeInput): Promise<CallOutcomeRecorded> => runActivity(bed.activities.recordCallOutcome, input);
const input = (accountId: string, outcome: CallOutcome, at = AT): RecordCallOutcomeInput => ({ accountId, workflowId: accountWorkflowId(accountId), outcome, at });

async function taskRow(taskId: number) {
  const { rows } = await bed.pool.query('SELECT status, closed_at FROM agent_tasks WHERE id = $1', [taskId]);
  return rows[0];
}
async function attemptOutcome(contactAttemptId: number) {
  const { rows } = await bed.pool.query('SELECT call_outcome FROM contact_attempts WHERE id = $1', [contactAttemptId]);
  return rows[0]?.call_outcome;
}

test('a conversation: the outcome is stored, the task DONE at the workflow time, the attempt CONNECTED', async () => {
  const accountId = await overdue();
  const { taskId, contactAttemptId } = await seedCallTask(bed.pool, accountId, { openedAt: new Date(AT - 3_600_000) });
  const outcome: CallOutcome = { taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'INCOME_DROP', incomeChange: 'DECREASED', householdChange: 'NEW_DEPENDANT', note: 'Lost overtime hours.' };

  const result = await recordCallOutcome(input(accountId, outcome));

  expect(result.taskId).toBe(taskId);
  const { rows } = await bed.pool.query('SELECT * FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows).toEqual([
    expect.objectContaining({
      id: result.callOutcomeId,
      account_id: accountId,
      workflow_id: accountWorkflowId(accountId),
      agent_id: 'agent-01',
      right_party_reached: true,
      reason: 'INCOME_DROP',
      income_change: 'DECREASED',
      household_change: 'NEW_DEPENDANT',
      note: 'Lost overtime hours.',
      recorded_at: new Date(AT),
    }),
  ]);
  expect(await taskRow(taskId)).toEqual({ status: 'DONE', closed_at: new Date(AT) });
  expect(await attemptOutcome(contactAttemptId)).toBe('CONNECTED');
});

test('nobody answered: the attempt is UNANSWERED and the outcome has no reason', async () => {
  const accountId = await overdue();
  const { taskId, contactAttemptId } = await seedCallTask(bed.pool, accountId, { openedAt: new Date(AT - 3_600_000) });

  await recordCallOutcome(input(accountId, { taskId, agentId: 'agent-02', rightPartyReached: false }));

  const { rows } = await bed.pool.query('SELECT right_party_reached, reason, note FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows).toEqual([{ right_party_reached: false, reason: null, note: null }]);
  expect(await attemptOutcome(contactAttemptId)).toBe('UNANSWERED');
});

test('a retry, and a second different answer, find the first outcome and change nothing', async () => {
  const accountId = await overdue();
  const { taskId, contactAttemptId } = await seedCallTask(bed.pool, accountId, { openedAt: new Date(AT - 3_600_000) });
  const first = await recordCallOutcome(input(accountId, { taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'OVERSIGHT' }));

  const retried = await recordCallOutcome(input(accountId, { taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'OVERSIGHT' }, AT + 60_000));
  const other = await recordCallOutcome(input(accountId, { taskId, agentId: 'agent-03', rightPartyReached: false }, AT + 120_000));

  expect(retried).toEqual(first);
  expect(other).toEqual(first);
  const { rows } = await bed.pool.query('SELECT agent_id, right_party_reached FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows).toEqual([{ agent_id: 'agent-01', right_party_reached: true }]);
  expect(await taskRow(taskId)).toEqual({ status: 'DONE', closed_at: new Date(AT) });
  expect(await attemptOutcome(contactAttemptId)).toBe('CONNECTED');
});

test('a late answer to an EXPIRED task still counts: stored, and the task DONE', async () => {
  const accountId = await overdue();
  const { taskId, contactAttemptId } = await seedCallTask(bed.pool, accountId, { status: 'EXPIRED', openedAt: new Date(AT - 10 * 3_600_000) });

  const result = await recordCallOutcome(input(accountId, { taskId, agentId: 'agent-01', rightPartyReached: true, reason: 'ILLNESS' }));

  const { rows } = await bed.pool.query('SELECT id, reason FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows).toEqual([{ id: result.callOutcomeId, reason: 'ILLNESS' }]);
  expect(await taskRow(taskId)).toEqual({ status: 'DONE', closed_at: new Date(AT) });
  expect(await attemptOutcome(contactAttemptId)).toBe('CONNECTED');
});

test("another account's task, or no such task: refused for good, nothing stored", async () => {
  const accountId = await overdue();
  const otherAccount = await overdue();
  const { taskId, contactAttemptId } = await seedCallTask(bed.pool, otherAccount);

  for (const id of [taskId, 2_000_000_000]) {
    const failure = await recordCallOutcome(input(accountId, { taskId: id, agentId: 'agent-01', rightPartyReached: false })).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.UnknownCallTask, nonRetryable: true, message: `call task ${id} is not a call task of account ${accountId}` });
  }
  const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows[0].n).toBe(0);
  expect((await taskRow(taskId)).status).toBe('OPEN');
  expect(await attemptOutcome(contactAttemptId)).toBeNull();
});

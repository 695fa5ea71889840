/**
 * The call task → outcome path end to end (issue 6 §5), on the Temporal dev server with
 * a worker running the real activities and the real Postgres: an account's workflow on the
 * `strong` treatment (an SMS, then a call the same day) opens a call task; the agent finds
 * it with GET /agent/tasks and answers it with POST /agent/tasks/:taskId/outcome; the
 * outcome is stored and the cadence moves on. Bad outcomes are refused and store nothing.
 * Promises go the same way, through POST /accounts/:accountId/promises.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { accountWorkflowId } from '../domain/ids';
import { seedCallTask } from '../../test/call-tasks';
import { apiTestbed } from '../../test/api-testbed';
import { eventually, isoDateFrom, seedAccount, uniqueId } from '../../test/support';
import { ACCOUNT_COLLECTION_WORKFLOW, summaryQuery, type AccountSummary } from '../../workflows/account/contract';

// at least one agent on duty, so the call task is assigned
const bed = apiTestbed('agent-calls', async (pool) => {
  await pool.query(`INSERT INTO staff (id, display_name, role) VALUES ($1, 'Test agent', 'AGENT')`, [uniqueId('agent')]);
});
const call = bed.call;

const summaryOf = (handle: WorkflowHandle) => handle.query(summaryQuery);
const outcomesOf = async (accountId: string) => (await bed.pool.query('SELECT agent_task_id, agent_id, right_party_reached, reason, note FROM call_outcomes WHERE account_id = $1 ORDER BY id', [accountId])).rows;

describe('an account on the strong treatment, at its call step', () => {
  let accountId: string;
  let handle: WorkflowHandle;
  let taskId: number;
  let agent: string;

  beforeAll(async () => {
    // CNY 2500.00 overdue since 12 days ago; the borrower lives where it is midday now
    accountId = await seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }, { dueDate: isoDateFrom(Date.now(), 20), amount: 250_000 }] });
    handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, {
      taskQueue: bed.taskQueue,
      workflowId: accountWorkflowId(accountId),
      args: [{ accountId, overrides: { treatment: 'strong' } }],
    });
    const summary = await eventually(
      () => summaryOf(handle),
      (s) => Boolean(s.openCallTask),
    );
    taskId = summary.openCallTask!.taskId;
    agent = summary.assignedAgent!;
  });

  afterAll(async () => {
    await handle?.terminate('test over').catch(() => undefined);
  });

  test('the task is in its agent’s queue, with the script and the call window', async () => {
    const { status, json } = await call('GET', `/agent/tasks?agentId=${agent}&limit=500`);
    expect(status).toBe(200);
    const task = (json.tasks as Array<Record<string, unknown>>).find((t) => t.id === taskId);
    expect(task).toMatchObject({ accountId, workflowId: accountWorkflowId(accountId), assignedAgent: agent, status: 'OPEN', templateId: 'call-reminder', closedAt: null });
    expect(task?.script).toContain('2500.00');
    // config/treatments.json: calls.windowHours 24
    expect(Date.parse(String(task?.dueBy)) - Date.parse(String(task?.openedAt))).toBe(24 * 3_600_000);
  });

  test('a bad outcome is a 400 and one for a task the workflow did not open a 409; nothing is stored', async () => {
    const bad = await call('POST', `/agent/tasks/${taskId}/outcome`, { agentId: agent, rightPartyReached: false, reason: 'ILLNESS' }, { subject: agent });
    const stray = await seedCallTask(bed.pool, accountId);
    const notItsTask = await call('POST', `/agent/tasks/${stray.taskId}/outcome`, { agentId: agent, rightPartyReached: false }, { subject: agent });

    expect(bad.status).toBe(400);
    expect(notItsTask).toEqual({ status: 409, json: { error: `task ${stray.taskId} is not a call task of account ${accountId}` } });
    expect(await outcomesOf(accountId)).toEqual([]);
    expect((await summaryOf(handle)).openCallTask?.taskId).toBe(taskId);
  });

  test('the outcome: 200, stored, the task DONE, and the cadence moves on to its e-mail step; the same request again answers the same', async () => {
    const body = { agentId: agent, rightPartyReached: true, reason: 'INCOME_DROP', incomeChange: 'DECREASED', note: 'Hours cut at work; can pay part on Friday.' };

    const answered = await call('POST', `/agent/tasks/${taskId}/outcome`, body, { subject: agent });
    const again = await call('POST', `/agent/tasks/${taskId}/outcome`, body, { subject: agent });

    expect(answered).toEqual({ status: 200, json: { taskId, callOutcomeId: expect.any(Number) } });
    expect(again).toEqual(answered);
    expect(await outcomesOf(accountId)).toEqual([{ agent_task_id: taskId, agent_id: agent, right_party_reached: true, reason: 'INCOME_DROP', note: body.note }]);
    const { rows } = await bed.pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId]);
    expect(rows[0].status).toBe('DONE');
    const summary = await eventually(
      () => summaryOf(handle),
      (s: AccountSummary) => s.openCallTask === null && Boolean(s.nextStep?.action.startsWith('EMAIL')),
    );
    expect(summary).toMatchObject({ stage: 'REMINDING', treatment: 'strong', openCallTask: null, nextStep: { action: 'EMAIL email-urgent-reminder' } });
  });

  test('a promise: 200 with when it is judged; a second while it is pending is a 409', async () => {
    const promisedFor = isoDateFrom(Date.now(), 3);
    const promise = { amount: '1200.50', currency: 'CNY', promisedFor, channel: 'CALL', recordedBy: agent };

    const accepted = await call('POST', `/accounts/${accountId}/promises`, promise, { subject: agent });
    const second = await call('POST', `/accounts/${accountId}/promises`, promise, { subject: agent });

    expect(accepted).toEqual({ status: 200, json: { promiseId: expect.any(Number), checkAt: expect.any(String) } });
    expect(second.status).toBe(409);
    expect(second.json.error).toContain('a promise is already pending');
    const { rows } = await bed.pool.query('SELECT id, amount, promised_for, status FROM payment_promises WHERE account_id = $1', [accountId]);
    expect(rows).toEqual([{ id: accepted.json.promiseId, amount: 120_050, promised_for: promisedFor, status: 'PENDING' }]);
  });
});

test('a promise for a past day is refused by the validator: 409 naming the date, nothing stored', async () => {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
  const handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
  try {
    await eventually(
      () => summaryOf(handle),
      (s) => s.stage === 'REMINDING',
    );
    const pastDay = isoDateFrom(Date.now(), -3);
    const { status, json } = await call('POST', `/accounts/${accountId}/promises`, { amount: '100.00', currency: 'CNY', promisedFor: pastDay, channel: 'SMS' });
    expect(status).toBe(409);
    expect(json.error).toContain(`promisedFor: ${pastDay} is in the past`);
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM payment_promises WHERE account_id = $1', [accountId]);
    expect(rows[0].n).toBe(0);
  } finally {
    await handle.terminate('test over').catch(() => undefined);
  }
});

/**
 * The agent queue's routes against the real Postgres and the Temporal dev server: the
 * list and its filters, and every refusal of an outcome before it reaches a workflow
 * (a bad body, an unknown task, an account whose workflow is not running). The outcome
 * reaching a running workflow is agent-routes.integration.test.ts.
 */
import { accountWorkflowId } from '../domain/ids';
import { seedCallTask } from '../../test/call-tasks';
import { apiTestbed } from '../../test/api-testbed';
import { isoDateFrom, seedAccount, uniqueId } from '../../test/support';

const bed = apiTestbed('agent-api');
const call = bed.call;

const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
const HOUR = 3_600_000;

describe('GET /agent/tasks', () => {
  test("an agent's open tasks, soonest due first, with the script and no personal data", async () => {
    const agentId = uniqueId('agent');
    await bed.pool.query(`INSERT INTO staff (id, display_name, role) VALUES ($1, 'Test agent', 'AGENT')`, [agentId]);
    const accountId = await overdue();
    const later = await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, openedAt: new Date(Date.now() - HOUR) });
    const sooner = await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, openedAt: new Date(Date.now() - 2 * HOUR) });
    await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, status: 'EXPIRED' });
    await seedCallTask(bed.pool, accountId, { assignedAgent: null });

    const { status, json } = await call('GET', `/agent/tasks?agentId=${agentId}`);

    expect(status).toBe(200);
    expect(json.tasks).toEqual([
      {
        id: sooner.taskId,
        accountId,
        workflowId: accountWorkflowId(accountId),
        assignedAgent: agentId,
        status: 'OPEN',
        openedAt: expect.any(String),
        dueBy: expect.any(String),
        closedAt: null,
        script: 'Call script: CNY 2500.00 overdue.',
        templateId: 'call-script',
        templateVersion: 1,
      },
      expect.objectContaining({ id: later.taskId }),
    ]);
    const [first] = json.tasks as Array<{ openedAt: string; dueBy: string }>;
    expect(Date.parse(first!.dueBy) - Date.parse(first!.openedAt)).toBe(8 * HOUR);
    expect(JSON.stringify(json)).not.toContain('Test Borrower');
    expect(JSON.stringify(json)).not.toContain('+8613800000000');
  });

  test('by status, and at most limit tasks', async () => {
    const agentId = uniqueId('agent');
    await bed.pool.query(`INSERT INTO staff (id, display_name, role) VALUES ($1, 'Test agent', 'AGENT')`, [agentId]);
    const accountId = await overdue();
    const expired = await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, status: 'EXPIRED' });
    await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, openedAt: new Date(Date.now() - 2 * HOUR) });
    await seedCallTask(bed.pool, accountId, { assignedAgent: agentId });

    const expiredOnly = await call('GET', `/agent/tasks?agentId=${agentId}&status=EXPIRED`);
    const limited = await call('GET', `/agent/tasks?agentId=${agentId}&limit=1`);

    expect((expiredOnly.json.tasks as Array<{ id: number; status: string }>).map((t) => [t.id, t.status])).toEqual([[expired.taskId, 'EXPIRED']]);
    expect(limited.json.tasks).toHaveLength(1);
  });

  test.each([
    ['status=LATE', 'status:'],
    ['limit=0', 'limit:'],
    ['agentId=no%20spaces', 'agentId:'],
    ['colour=red', 'colour'],
  ])('?%s is a 400 that names it (%s)', async (query, named) => {
    const { status, json } = await call('GET', `/agent/tasks?${query}`);
    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain(named);
  });
});

describe('POST /agent/tasks/:taskId/outcome, refused before any workflow', () => {
  test.each([
    [{ agentId: 'no spaces', rightPartyReached: true }, 'agentId:'],
    [{ agentId: 'test-agent', rightPartyReached: 'yes' }, 'rightPartyReached:'],
    [{ agentId: 'test-agent', rightPartyReached: true, reason: 'BAD_LUCK' }, 'reason:'],
    [{ agentId: 'test-agent', rightPartyReached: true, taskId: 5 }, 'taskId'],
    [{ agentId: 'test-agent', rightPartyReached: false, reason: 'REFUSAL' }, 'rightPartyReached: reason, incomeChange and householdChange come from a conversation'],
  ])('%j: 400 naming the field, nothing stored', async (body, issue) => {
    const accountId = await overdue();
    const { taskId } = await seedCallTask(bed.pool, accountId);

    const { status, json } = await call('POST', `/agent/tasks/${taskId}/outcome`, body);

    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain(issue);
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
    expect(rows[0].n).toBe(0);
  });

  test('an outcome in the name of another agent is a 403 (the token says who calls), nothing stored', async () => {
    const accountId = await overdue();
    const { taskId } = await seedCallTask(bed.pool, accountId);

    const { status, json } = await call('POST', `/agent/tasks/${taskId}/outcome`, { agentId: 'agent-01', rightPartyReached: false });

    expect({ status, json }).toEqual({ status: 403, json: { error: 'agentId must be you (test-agent): the token says who is calling' } });
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
    expect(rows[0].n).toBe(0);
  });

  test('an unknown task is a 404', async () => {
    const { status, json } = await call('POST', '/agent/tasks/2000000000/outcome', { agentId: 'test-agent', rightPartyReached: false });
    expect({ status, json }).toEqual({ status: 404, json: { error: 'no call task 2000000000' } });
  });

  test("a task whose account's workflow is not running is a 409, nothing stored", async () => {
    const accountId = await overdue();
    const { taskId } = await seedCallTask(bed.pool, accountId);

    const { status, json } = await call('POST', `/agent/tasks/${taskId}/outcome`, { agentId: 'test-agent', rightPartyReached: false });

    expect({ status, json }).toEqual({ status: 409, json: { error: `no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})` } });
    const { rows } = await bed.pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId]);
    expect(rows[0].status).toBe('OPEN');
  });
});

test('/openapi.json documents the agent queue', async () => {
  const { json } = await call('GET', '/openapi.json');
  expect(Object.keys(json.paths as object)).toEqual(expect.arrayContaining(['/agent/tasks', '/agent/tasks/{taskId}/outcome']));
});

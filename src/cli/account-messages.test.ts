/**
 * The staff commands as staff run them: `arrears` in a child process, configured by
 * environment variables for the test Postgres and the Temporal dev server, with the
 * workers' encryption key. Its output, its exit code, and what reached the workflow.
 */
import { accountWorkflowId } from '../domain/ids';
import { arrearsCli } from '../../test/arrears-cli';
import { seedCallTask } from '../../test/call-tasks';
import { runningAccountWorkflow, signalsReceived } from '../../test/account-workflow';
import { summaryQuery } from '../../workflows/account/contract';
import { eventually, isoDateFrom, seedAccount, uniqueId } from '../../test/support';
import { workerTestbed } from '../../test/worker-testbed';

const bed = workerTestbed('cli');
const arrears = arrearsCli(bed.codecKeys);

const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });

test("agent-tasks lists an agent's open tasks with their script", async () => {
  const agentId = uniqueId('agent');
  await bed.pool.query(`INSERT INTO staff (id, display_name, role) VALUES ($1, 'Test agent', 'AGENT')`, [agentId]);
  const accountId = await overdue();
  const { taskId } = await seedCallTask(bed.pool, accountId, { assignedAgent: agentId, openedAt: new Date('2026-11-23T02:00:00Z') });

  const run = await arrears('agent-tasks', '--agent', agentId);

  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.split('\n')).toEqual([
    expect.stringMatching(/^\s*task {2}account\s+agent\s+status {2}opened\s+due by\s+closed$/),
    expect.stringMatching(new RegExp(`^\\s*${taskId}  ${accountId}  ${agentId}  OPEN    2026-11-23 02:00Z  2026-11-23 10:00Z$`)),
    expect.stringMatching(/^\s+Call script: CNY 2500.00 overdue.$/),
    '',
  ]);
});

test('call-outcome for an account whose workflow is not running: refused, exit code 1, nothing stored', async () => {
  const accountId = await overdue();
  const { taskId } = await seedCallTask(bed.pool, accountId);

  await arrears('login', '--staff', 'test-agent');
  const run = await arrears('call-outcome', String(taskId), '--not-reached');

  expect(run).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})\n` });
  const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM call_outcomes WHERE agent_task_id = $1', [taskId]);
  expect(rows[0].n).toBe(0);
});

test('call-outcome in the name of another agent: refused, nothing sent', async () => {
  const accountId = await overdue();
  const { taskId } = await seedCallTask(bed.pool, accountId);

  await arrears('login', '--staff', 'test-agent');
  const run = await arrears('call-outcome', String(taskId), '--agent', 'agent-01', '--not-reached');

  expect(run).toEqual({ code: 1, stdout: '', stderr: 'arrears: --agent must be you (test-agent): you are signed in as them (arrears login)\n' });
});

test('a bad option is refused before anything is sent, naming the flag', async () => {
  const run = await arrears('promise', 'DEMO-A00001', '--amount', '12,50', '--currency', 'CNY', '--date', '2030-01-01', '--channel', 'CALL');
  expect(run).toEqual({ code: 1, stdout: '', stderr: 'arrears: --amount: an amount in major units such as 1200.50\n' });
});

describe('hold, release-hold and cease-contact signal the running workflow', () => {
  const workflow = runningAccountWorkflow(async () => ({ client: bed.worker.client, taskQueue: bed.taskQueue, accountId: await overdue() }));

  test('each prints where it went; the history has them in order', async () => {
    const { accountId, handle } = workflow;
    const holdId = uniqueId('hold');
    await arrears('login', '--staff', 'test-supervisor');
    const runs = [
      await arrears('hold', accountId, '--hold-id', holdId, '--reason', 'HARDSHIP_REVIEW'),
      await arrears('release-hold', accountId, '--hold-id', holdId),
      await arrears('cease-contact', accountId, '--request-id', 'req-1'),
    ];

    const workflowId = accountWorkflowId(accountId);
    expect(runs).toEqual([
      { code: 0, stderr: '', stdout: `holdPlaced (${holdId}, HARDSHIP_REVIEW) sent to ${workflowId}.\n` },
      { code: 0, stderr: '', stdout: `holdReleased (${holdId}) sent to ${workflowId}.\n` },
      { code: 0, stderr: '', stdout: `ceaseContact (req-1, BORROWER) sent to ${workflowId}.\n` },
    ]);
    expect(await signalsReceived(handle, 3)).toEqual(['holdPlaced', 'holdReleased', 'ceaseContact']);
  });
});

describe('promise', () => {
  const workflow = runningAccountWorkflow(async () => ({ client: bed.worker.client, taskQueue: bed.taskQueue, accountId: await overdue() }));

  test('recorded through the update, with when it is judged; the same again is refused while it is pending', async () => {
    const { accountId, handle } = workflow;
    await eventually(
      () => handle.query(summaryQuery),
      (s) => s.stage === 'REMINDING',
    );
    const promisedFor = isoDateFrom(Date.now(), 5);
    const args = ['promise', accountId, '--amount', '1200.50', '--currency', 'CNY', '--date', promisedFor, '--channel', 'CALL'];
    await arrears('login', '--staff', 'test-agent');

    const first = await arrears(...args);
    const second = await arrears(...args);

    const { rows } = await bed.pool.query('SELECT id, amount, recorded_by, check_at FROM payment_promises WHERE account_id = $1', [accountId]);
    expect(rows).toEqual([{ id: expect.any(Number), amount: 120_050, recorded_by: 'test-agent', check_at: expect.any(Date) }]);
    const [promise] = rows;
    expect(first).toEqual({
      code: 0,
      stderr: '',
      stdout: `Promise ${promise.id} recorded for ${accountId}: CNY 1200.50 by ${promisedFor} (CALL); judged kept or broken at ${promise.check_at.toISOString()}.\n`,
    });
    expect(second).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: a promise is already pending (for ${promisedFor})\n` });
  });
});

/**
 * `arrears agent-tasks [--agent ID] [--status S] [--limit N]`: the agent queue, as
 * GET /agent/tasks gives it: open call tasks soonest due first, each with its script.
 * No names or numbers: the agent's phone system dials from the task.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { AGENT_TASK_STATUSES, listAgentTasks, type AgentTask } from '../../db/agent-queue';
import { optionsOf, writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { formatTable, minuteUtc } from '../table';

const optionsSchema = z.strictObject({
  agent: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '--agent takes a staff id such as agent-01').optional(),
  status: z.enum(AGENT_TASK_STATUSES, `--status is one of ${AGENT_TASK_STATUSES.join(', ')}`).default('OPEN'),
  limit: z.coerce.number().int('--limit takes a whole number').min(1, '--limit is at least 1').max(500, '--limit is at most 500').default(50),
});

export function printAgentTasks(tasks: AgentTask[], write: (line: string) => void): void {
  if (tasks.length === 0) {
    write('No tasks.');
    return;
  }
  const table = formatTable(
    ['task', 'account', 'agent', 'status', 'opened', 'due by', 'closed'],
    tasks.map((t) => [String(t.id), t.accountId, t.assignedAgent ?? '-', t.status, minuteUtc(t.openedAt), minuteUtc(t.dueBy), minuteUtc(t.closedAt)]),
  );
  write(table.header);
  for (const [n, t] of tasks.entries()) {
    write(table.rows[n] ?? '');
    for (const scriptLine of t.script.split('\n')) write(`${' '.repeat(table.indent)}${scriptLine}`);
  }
}

export function registerAgentTasksCommand(program: Command): void {
  program
    .command('agent-tasks')
    .description('The agent queue: call tasks with their scripts (answer one with arrears call-outcome)')
    .option('--agent <id>', "one agent's tasks, such as agent-01 (default: everyone's)")
    .option('--status <status>', AGENT_TASK_STATUSES.join(', '), 'OPEN')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (raw: unknown) => {
      const { agent, ...filter } = optionsOf(optionsSchema, raw);
      const tasks = await withCliContext(({ pool }) => listAgentTasks(pool, { ...filter, ...(agent ? { agentId: agent } : {}) }));
      printAgentTasks(tasks, writeLine);
    });
}

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

const optionsSchema = z.strictObject({
  agent: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '--agent takes a staff id such as agent-01').optional(),
  status: z.enum(AGENT_TASK_STATUSES, `--status is one of ${AGENT_TASK_STATUSES.join(', ')}`).default('OPEN'),
  limit: z.coerce.number().int('--limit takes a whole number').min(1, '--limit is at least 1').max(500, '--limit is at most 500').default(50),
});

/** "2026-11-23 10:05Z": to the minute, in UTC, as the API's instants are. */
const minute = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : '');

export function printAgentTasks(tasks: AgentTask[], write: (line: string) => void): void {
  if (tasks.length === 0) {
    write('No tasks.');
    return;
  }
  const header = ['task', 'account', 'agent', 'status', 'opened', 'due by', 'closed'];
  const rows = tasks.map((t) => [String(t.id), t.accountId, t.assignedAgent ?? '-', t.status, minute(t.openedAt), minute(t.dueBy), minute(t.closedAt)]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  // the task number right-aligned, the rest left-aligned, two spaces apart
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padStart(widths[0] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  write(line(header));
  for (const [n, t] of tasks.entries()) {
    write(line(rows[n] ?? []));
    for (const scriptLine of t.script.split('\n')) write(`${' '.repeat((widths[0] ?? 0) + 2)}${scriptLine}`);
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

/**
 * `arrears call-outcome <taskId> [--agent ID] (--reached | --not-reached) [--reason R]
 * [--income-change C] [--household-change C] [--note TEXT]`: answers a call task of the
 * agent queue, as the `recordCallOutcome` update of the account's workflow (what
 * POST /agent/tasks/:taskId/outcome does).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { sendCallOutcome } from '../../api/account-messages';
import { HOUSEHOLD_CHANGES, INCOME_CHANGES, LATENESS_REASONS } from '../../domain/early-collection';
import { actingId, answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';

const oneOf = <const T extends readonly [string, ...string[]]>(flag: string, values: T) => z.enum(values, `${flag} is one of ${values.join(', ')}`).optional();

const optionsSchema = z
  .strictObject({
    agent: z.string('--agent takes your staff id, such as agent-01').regex(/^[A-Za-z0-9._-]{1,64}$/, '--agent takes a staff id such as agent-01').optional(),
    reached: z.boolean().optional(),
    notReached: z.boolean().optional(),
    reason: oneOf('--reason', LATENESS_REASONS),
    incomeChange: oneOf('--income-change', INCOME_CHANGES),
    householdChange: oneOf('--household-change', HOUSEHOLD_CHANGES),
    note: z.string().max(2000, '--note is at most 2000 characters').optional(),
  })
  .refine((o) => Boolean(o.reached) !== Boolean(o.notReached), 'say whether the borrower was reached: --reached or --not-reached')
  .refine((o) => o.reached || (!o.reason && !o.incomeChange && !o.householdChange), '--reason, --income-change and --household-change are what the borrower said: only with --reached');

const taskIdSchema = z.coerce.number('a task number').int('a task number').positive('a task number');

export function registerCallOutcomeCommand(program: Command): void {
  program
    .command('call-outcome')
    .description("Record the outcome of a call task (arrears agent-tasks lists them) on the account's workflow")
    .argument('<taskId>', 'the call task')
    .option('--agent <id>', 'your staff id (default: who you are signed in as)')
    .option('--reached', 'you spoke with the borrower')
    .option('--not-reached', 'nobody answered, or not the borrower')
    .option('--reason <reason>', `the borrower's reason for lateness: ${LATENESS_REASONS.join(', ')}`)
    .option('--income-change <change>', `a change in income: ${INCOME_CHANGES.join(', ')}`)
    .option('--household-change <change>', `a change in the household: ${HOUSEHOLD_CHANGES.join(', ')}`)
    .option('--note <text>', 'a free note (stored with the outcome, never logged)')
    .action(async (rawTaskId: string, rawOptions: unknown) => {
      const taskId = optionsOf(taskIdSchema, rawTaskId, '<taskId>');
      const { agent, reached, notReached: _, ...said } = optionsOf(optionsSchema, rawOptions);
      const recorded = answerOf(
        await withAccountMessages('POST /agent/tasks/:taskId/outcome', (deps, caller) =>
          sendCallOutcome(deps, taskId, { agentId: actingId(caller, agent, '--agent'), rightPartyReached: reached === true, ...said }),
        ),
      );
      // A task takes one outcome: answering it again returns the first one stored, which
      // may differ from what was sent now, so only the stored ids are echoed.
      writeLine(`Call outcome ${recorded.callOutcomeId} is stored for task ${recorded.taskId}.`);
    });
}

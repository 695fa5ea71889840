/**
 * `arrears override-stage <accountId> --to APPOINTMENT|VISIT|NEGOTIATION [--by SUPERVISOR_ID] --reason TEXT` (signed in as that supervisor):
 * a supervisor moves an account to another stage, with a reason, as the `overrideStage`
 * update of its workflow (what POST /accounts/:accountId/stage-override does). The workflow
 * checks the supervisor and records the transition with the reason.
 */
import type { Command } from 'commander';
import { sendStageOverride } from '../../api/field-messages';
import { OVERRIDABLE_STAGES, overrideStageSchema } from '../../domain/field-collection';
import { accountIdSchema, accountWorkflowId } from '../../domain/ids';
import { actingId, answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';

export function registerOverrideStageCommand(program: Command): void {
  program
    .command('override-stage')
    .description("A supervisor moves an account to another stage, with a reason (recorded in the account's stage transitions)")
    .argument('<accountId>', 'the account, such as DEMO-A00251')
    .requiredOption('--to <stage>', OVERRIDABLE_STAGES.join(', '))
    .option('--by <supervisorId>', 'your staff id (default: who you are signed in as)')
    .requiredOption('--reason <text>', 'why (5 to 500 characters)')
    .action(async (rawAccountId: string, raw: { to: string; by?: string; reason: string }) => {
      const accountId = optionsOf(accountIdSchema, rawAccountId, '<accountId>');
      const override = optionsOf(overrideStageSchema.partial({ supervisorId: true }), { to: raw.to, supervisorId: raw.by, reason: raw.reason }, { to: '--to', supervisorId: '--by', reason: '--reason' });
      const moved = answerOf(
        await withAccountMessages('POST /accounts/:accountId/stage-override', (deps, caller) =>
          sendStageOverride(deps, accountId, { ...override, supervisorId: actingId(caller, override.supervisorId, '--by') }),
        ),
      );
      writeLine(`${accountWorkflowId(accountId)} moved from ${moved.from} to ${moved.to}.`);
    });
}

/**
 * `arrears hold <accountId> --hold-id ID --reason R [--note TEXT]`,
 * `arrears release-hold <accountId> --hold-id ID` and
 * `arrears cease-contact <accountId> --request-id ID [--scope ACCOUNT|BORROWER]`: the
 * `holdPlaced`, `holdReleased` and `ceaseContact` signals of the account's workflow (what
 * the API's POST /accounts/:accountId/holds, …/release and …/cease-contact do). Each is
 * idempotent by its id: sending it again changes nothing.
 */
import type { Command } from 'commander';
import { sendCeaseContact, sendHoldPlaced, sendHoldReleased, type AccountMessageDeps, type SignalOutcome } from '../../api/account-messages';
import { ceaseContactSchema, HOLD_REASONS, holdPlacedSchema, holdReleasedSchema } from '../../domain/early-collection';
import { accountIdSchema } from '../../domain/ids';
import { answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';

/** Sends one signal and says where it went. */
async function signal(route: string, rawAccountId: string, what: string, send: (deps: AccountMessageDeps, accountId: string) => Promise<SignalOutcome>): Promise<void> {
  const accountId = optionsOf(accountIdSchema, rawAccountId, '<accountId>');
  const { workflowId } = answerOf(await withAccountMessages(route, (deps) => send(deps, accountId)));
  writeLine(`${what} sent to ${workflowId}.`);
}

export function registerHoldCommands(program: Command): void {
  program
    .command('hold')
    .description('Place a hold on an account: all contact pauses and the cadence timers stop until it is released')
    .argument('<accountId>', 'the account, such as DEMO-A00251')
    .requiredOption('--hold-id <id>', 'your id for this hold (release-hold names it)')
    .requiredOption('--reason <reason>', `why: ${HOLD_REASONS.join(', ')}`)
    .option('--note <text>', 'a note (stored, never logged)')
    .action(async (accountId: string, raw: { holdId: string; reason: string; note?: string }) => {
      const hold = optionsOf(holdPlacedSchema, raw, { holdId: '--hold-id', reason: '--reason', note: '--note' });
      await signal('POST /accounts/:accountId/holds', accountId, `holdPlaced (${hold.holdId}, ${hold.reason})`, (deps, id) => sendHoldPlaced(deps, id, hold));
    });

  program
    .command('release-hold')
    .description('Release a hold; once the last is released, the cadence resumes with the time it had left')
    .argument('<accountId>', 'the account')
    .requiredOption('--hold-id <id>', 'the hold to release')
    .action(async (accountId: string, raw: { holdId: string }) => {
      const release = optionsOf(holdReleasedSchema, raw, { holdId: '--hold-id' });
      await signal('POST /accounts/:accountId/holds/:holdId/release', accountId, `holdReleased (${release.holdId})`, (deps, id) => sendHoldReleased(deps, id, release));
    });

  program
    .command('cease-contact')
    .description('Stop outbound contact for good (legal escalation stays possible)')
    .argument('<accountId>', 'the account')
    .requiredOption('--request-id <id>', "the borrower's request, by your id for it")
    .option('--scope <scope>', 'BORROWER: every account of the borrower; ACCOUNT: this one', 'BORROWER')
    .action(async (accountId: string, raw: { requestId: string; scope: string }) => {
      const request = optionsOf(ceaseContactSchema, raw, { requestId: '--request-id', scope: '--scope' });
      await signal('POST /accounts/:accountId/cease-contact', accountId, `ceaseContact (${request.requestId}, ${request.scope})`, (deps, id) => sendCeaseContact(deps, id, request));
    });
}

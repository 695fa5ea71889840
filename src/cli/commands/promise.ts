/**
 * `arrears promise <accountId> --amount 1200.50 --currency CNY --date YYYY-MM-DD --channel CALL
 * [--by ID]`: records a promise to pay, as the `recordPromise` update of the account's
 * workflow (what POST /accounts/:accountId/promises does). The workflow judges it kept or
 * broken after the date plus its treatment's grace period.
 */
import type { Command } from 'commander';
import { sendPromise } from '../../api/account-messages';
import { PROMISE_CHANNELS, promiseToPaySchema } from '../../domain/early-collection';
import { accountIdSchema } from '../../domain/ids';
import { actingId, answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';

const FLAGS = { amount: '--amount', currency: '--currency', promisedFor: '--date', channel: '--channel', recordedBy: '--by' };

export function registerPromiseCommand(program: Command): void {
  program
    .command('promise')
    .description("Record a borrower's promise to pay on the account's workflow")
    .argument('<accountId>', 'the account, such as DEMO-A00251')
    .requiredOption('--amount <amount>', 'decimal major units, exactly as promised: 1200.50')
    .requiredOption('--currency <code>', "the account's currency, such as CNY")
    .requiredOption('--date <date>', 'the day the borrower will pay by, YYYY-MM-DD')
    .requiredOption('--channel <channel>', `where the promise was given: ${PROMISE_CHANNELS.join(', ')}`)
    .option('--by <id>', 'your staff id (default: who you are signed in as)')
    .action(async (rawAccountId: string, raw: { amount: string; currency: string; date: string; channel: string; by?: string }) => {
      const accountId = optionsOf(accountIdSchema, rawAccountId, '<accountId>');
      const promise = optionsOf(promiseToPaySchema, { amount: raw.amount, currency: raw.currency, promisedFor: raw.date, channel: raw.channel, ...(raw.by ? { recordedBy: raw.by } : {}) }, FLAGS);
      const accepted = answerOf(
        await withAccountMessages('POST /accounts/:accountId/promises', (deps, caller) => sendPromise(deps, accountId, { ...promise, recordedBy: actingId(caller, promise.recordedBy, '--by') })),
      );
      writeLine(`Promise ${accepted.promiseId} recorded for ${accountId}: ${promise.currency} ${promise.amount} by ${promise.promisedFor} (${promise.channel}); judged kept or broken at ${accepted.checkAt}.`);
    });
}

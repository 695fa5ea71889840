/**
 * `arrears offer <accountId>` and `arrears plan <accountId>` (issue 16 §4): the account's
 * newest offer with each option's exact schedule, and its plan in force with what payments
 * have covered, read from Postgres as GET /accounts/:id/offer and …/plan give them (the
 * borrower's surplus withheld: personal data). Answering and deciding waivers come with
 * the stage modules (they are updates of the workflow).
 */
import type { Command } from 'commander';
import { loadLatestOfferView } from '../../db/negotiations';
import { loadPlanView } from '../../db/plans';
import { accountIdSchema } from '../../domain/ids';
import { optionsOf, writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { printOffer, printPlan } from '../negotiation-print';

export function registerNegotiationCommands(program: Command): void {
  program
    .command('offer')
    .description("The account's newest offer: its options with their exact schedules, waivers, and what waits for a supervisor")
    .argument('<accountId>', 'the account, such as DEMO-A00251')
    .action(async (raw: string) => {
      const accountId = optionsOf(accountIdSchema, raw, '<accountId>');
      const offer = await withCliContext(({ pool }) => loadLatestOfferView(pool, accountId));
      if (!offer) {
        writeLine(`No offer has been made to ${accountId}.`);
        process.exitCode = 1;
        return;
      }
      printOffer({ ...offer, surplus: null, instalmentBudget: null }, writeLine);
    });

  program
    .command('plan')
    .description("The account's plan in force: its instalments and what payments since it started have covered")
    .argument('<accountId>', 'the account')
    .action(async (raw: string) => {
      const accountId = optionsOf(accountIdSchema, raw, '<accountId>');
      const plan = await withCliContext(({ pool }) => loadPlanView(pool, { accountId }));
      if (!plan) {
        writeLine(`${accountId} has no plan in force.`);
        process.exitCode = 1;
        return;
      }
      printPlan(plan, writeLine);
    });
}

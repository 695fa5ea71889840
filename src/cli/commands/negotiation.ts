/**
 * `arrears offer <accountId>` and `arrears plan <accountId>` (issue 16 §4): the account's
 * newest offer with each option's exact schedule, and its plan in force with what payments
 * have covered, read from Postgres as GET /accounts/:id/offer and …/plan give them (the
 * borrower's surplus withheld: personal data).
 *
 * `arrears respond <accountId> --offer ID (--accept OPTION | --decline | --counter --income X
 * --outgoings Y)` and `arrears waiver <waiverId> (--approve | --reduce AMOUNT | --refuse)
 * --reason TEXT`, signed in (arrears login): the borrower's answer and a supervisor's waiver
 * decision, as the respondToPlan and approveWaiver updates (what POST
 * /accounts/:id/offer/response and POST /waivers/:id/decision do).
 */
import type { Command } from 'commander';
import { loadLatestOfferView } from '../../db/negotiations';
import { loadPlanView } from '../../db/plans';
import { z } from 'zod';
import { sendPlanResponse, sendWaiverDecision } from '../../api/negotiation-messages';
import { accountIdSchema, accountWorkflowId } from '../../domain/ids';
import { OPTION_KINDS, approveWaiverSchema, respondToPlanSchema } from '../../domain/negotiation';
import { actingId, answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';
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

  program
    .command('respond')
    .description("The borrower's answer to the account's open offer: accept an option, decline, or counter with a stated income and outgoings")
    .argument('<accountId>', 'the account')
    .requiredOption('--offer <offerId>', 'the offer answered (arrears offer shows it)')
    .option('--accept <option>', OPTION_KINDS.join(', '))
    .option('--decline', 'the borrower declines')
    .option('--counter', 'the borrower asks for another offer: give --income and --outgoings')
    .option('--income <amount>', 'COUNTER: the monthly income the borrower states, such as 6600.00')
    .option('--outgoings <amount>', 'COUNTER: the monthly outgoings, such as 6100.00')
    .option('--note <text>', 'what the borrower said')
    .option('--borrower', "the borrower answered themselves (default: you took the answer)")
    .option('--by <staffId>', 'your staff id (default: who you are signed in as)')
    .action(async (rawAccountId: string, raw: { offer: string; accept?: string; decline?: boolean; counter?: boolean; income?: string; outgoings?: string; note?: string; borrower?: boolean; by?: string }) => {
      const accountId = optionsOf(accountIdSchema, rawAccountId, '<accountId>');
      const chosen = [raw.accept !== undefined, raw.decline === true, raw.counter === true].filter(Boolean).length;
      if (chosen !== 1) throw new Error('give exactly one of --accept <option>, --decline, --counter');
      const answer = raw.accept !== undefined ? 'ACCEPT' : raw.decline ? 'DECLINE' : 'COUNTER';
      const response = optionsOf(
        respondToPlanSchema,
        {
          answer,
          offerId: Number(raw.offer),
          respondedBy: 'BORROWER',
          via: 'CLI',
          ...(answer === 'ACCEPT' ? { option: raw.accept } : {}),
          ...(answer === 'COUNTER' ? { statedMonthlyIncome: raw.income, statedMonthlyOutgoings: raw.outgoings } : {}),
          ...(raw.note !== undefined && answer !== 'ACCEPT' ? { note: raw.note } : {}),
        },
        { offerId: '--offer', option: '--accept', statedMonthlyIncome: '--income', statedMonthlyOutgoings: '--outgoings', note: '--note' },
      );
      const answered = answerOf(
        await withAccountMessages('POST /accounts/:accountId/offer/response', (deps, caller) =>
          sendPlanResponse(deps, accountId, { ...response, respondedBy: raw.borrower ? 'BORROWER' : actingId(caller, raw.by, '--by') }),
        ),
      );
      writeLine(`${accountWorkflowId(accountId)}: offer ${answered.offerId} ${answered.outcome.toLowerCase().replace('_', ' ')}${answered.planId ? ` (plan ${answered.planId})` : ''}.`);
    });

  program
    .command('waiver')
    .description("A supervisor's decision on a waiver beyond the tier's limit: approve, reduce to an amount, or refuse, with a reason")
    .argument('<waiverId>', 'the waiver (arrears offer lists those waiting)')
    .option('--approve', 'approve the whole excess')
    .option('--reduce <amount>', 'approve part of it, such as 25.00')
    .option('--refuse', 'refuse it')
    .requiredOption('--reason <text>', 'why (5 to 500 characters)')
    .option('--by <supervisorId>', 'your staff id (default: who you are signed in as)')
    .action(async (rawWaiverId: string, raw: { approve?: boolean; reduce?: string; refuse?: boolean; reason: string; by?: string }) => {
      const waiverId = optionsOf(z.coerce.number().int().positive(), rawWaiverId, '<waiverId>');
      const chosen = [raw.approve === true, raw.reduce !== undefined, raw.refuse === true].filter(Boolean).length;
      if (chosen !== 1) throw new Error('give exactly one of --approve, --reduce <amount>, --refuse');
      const decision = optionsOf(
        approveWaiverSchema,
        {
          waiverId,
          supervisorId: 'placeholder',
          decision: raw.approve ? 'APPROVE' : raw.refuse ? 'REFUSE' : 'REDUCE',
          ...(raw.reduce !== undefined ? { approvedAmount: raw.reduce } : {}),
          reason: raw.reason,
        },
        { approvedAmount: '--reduce', reason: '--reason' },
      );
      const offer = answerOf(
        await withAccountMessages('POST /waivers/:waiverId/decision', (deps, caller) => sendWaiverDecision(deps, waiverId, { ...decision, supervisorId: actingId(caller, raw.by, '--by') })),
      );
      writeLine(`Waiver ${waiverId}: ${decision.decision.toLowerCase()}d. Offer ${offer.offerId} is ${offer.status}.`);
    });
}

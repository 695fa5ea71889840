/**
 * "In the demo some accounts reach NEGOTIATION with offers" (issue 16): supervisor-01 moves a
 * few accounts still in REMINDING straight to NEGOTIATION with the overrideStage update, as a
 * supervisor does when a borrower calls in asking for a plan. The workflow makes its offer at
 * once: no visit report, so the options are sized from the book (the instalment plan over the
 * longest term the policy allows). An operator then approves its waivers (arrears waiver),
 * answers for the borrower (arrears respond) and watches the plan run (PlanStatus in the UI).
 *
 * Not by filing visit reports: a report is refused before the visit's start (issue 19 §3b),
 * and the demo's visits are booked for the next day.
 *
 * Idempotent across starts: accounts already in NEGOTIATION or PLAN_ACTIVE count, and only
 * accounts still in REMINDING are moved.
 */
import type { AccountMessageDeps } from '../api/account-messages';
import type { AccountFigures } from '../domain/account';
import { sendStageOverride } from '../api/field-messages';
import type { Offer } from '../domain/negotiation';
import { accountHandle } from '../temporal/account-workflow';
import { summaryQuery } from '../../workflows/account/contract';
import { DEMO_SUPERVISOR, settle } from './field-stages';

export const DEMO_NEGOTIATION_REASON = 'demo: the borrower called in asking for a repayment plan';

export interface NegotiationDemo {
  /** the accounts now negotiating (or on a plan) */
  negotiation: string[];
  /** one account's offer, to try arrears offer, waiver and respond on */
  offer?: Offer;
}

/**
 * The accounts a supervisor would offer a plan first, from the overdue list (longest overdue
 * first) less those sent to the field: the loan still running (a term extension to offer) and
 * more than 30 days past due (a settlement discount), so the offer shows all three options;
 * then the others.
 */
export function negotiationDemoCandidates(overdue: readonly Pick<AccountFigures, 'accountId' | 'daysPastDue'>[], stillRunning: ReadonlySet<string>, inTheField: ReadonlySet<string>): string[] {
  const free = overdue.filter((a) => !inTheField.has(a.accountId));
  const full = (a: (typeof free)[number]) => a.daysPastDue > 30 && stillRunning.has(a.accountId);
  return [...free.filter(full), ...free.filter((a) => !full(a))].map((a) => a.accountId);
}

/** Moves candidates (in order) until `count` accounts negotiate; waits up to `settleMs` for the first offer. */
export async function moveDemoAccountsToNegotiation(deps: AccountMessageDeps, candidates: readonly string[], { count = 2, settleMs = 20_000 } = {}): Promise<NegotiationDemo> {
  const deadline = Date.now() + settleMs;
  const demo: NegotiationDemo = { negotiation: [] };
  for (const accountId of candidates) {
    if (demo.negotiation.length >= count) break;
    const handle = accountHandle(deps.temporal, accountId);
    // a run just started by the screening is SCREENED until its treatment is chosen
    const summary = await settle(() => handle.query(summaryQuery).catch(() => null), (s) => s === null || s.stage !== 'SCREENED', deadline);
    if (summary?.stage === 'NEGOTIATION' || summary?.stage === 'PLAN_ACTIVE') {
      demo.negotiation.push(accountId);
      continue;
    }
    if (summary?.stage !== 'REMINDING') continue;
    const outcome = await sendStageOverride(deps, accountId, { to: 'NEGOTIATION', supervisorId: DEMO_SUPERVISOR, reason: DEMO_NEGOTIATION_REASON });
    if (outcome.kind === 'DONE') demo.negotiation.push(accountId);
  }
  // The first offer the workflows have made.
  const offers = await settle(
    () => Promise.all(demo.negotiation.map((id) => accountHandle(deps.temporal, id).query(summaryQuery).then((s) => s.offer, () => null))),
    (all) => all.some((o) => o),
    deadline,
  );
  const offer = offers?.find((o) => o);
  if (offer) demo.offer = offer;
  return demo;
}

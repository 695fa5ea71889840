/**
 * The negotiation's messages to an account's workflow (issue 16 §4): the borrower's answer
 * to the offer (respondToPlan) and a supervisor's decision on a waiver (approveWaiver), each
 * an update the workflow validates and answers once stored. The API's routes and the
 * `arrears` CLI both send them through here.
 *
 * Postgres is read only to find the account (of the waiver); the workflow writes everything.
 */
import { loadWaiver } from '../db/negotiations';
import { accountCurrency } from '../db/payments';
import { approveWaiverSchema, respondToPlanSchema, type Offer, type PlanAnswer, type PlanResponse, type WaiverDecision } from '../domain/negotiation';
import { accountHandle } from '../temporal/account-workflow';
import { approveWaiverUpdate, respondToPlanUpdate } from '../../workflows/account/contract';
import { issuesOf, runUpdate, unknownAccount, type AccountMessageDeps, type UpdateOutcome } from './account-messages';

/**
 * The borrower's answer to an offer. One update id per offer: a repeated request (a client
 * retry) gets the first answer back, and a second, different answer is refused (answered).
 */
export async function sendPlanResponse(deps: AccountMessageDeps, accountId: string, response: PlanResponse | Record<string, unknown>): Promise<UpdateOutcome<PlanAnswer>> {
  const parsed = respondToPlanSchema.safeParse(response);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, response) };
  if (!(await accountCurrency(deps.pool, accountId))) return unknownAccount(accountId);
  const handle = accountHandle(deps.temporal, accountId);
  return runUpdate(deps, accountId, () => handle.executeUpdate(respondToPlanUpdate, { args: [parsed.data], updateId: `respond-to-offer-${parsed.data.offerId}` }));
}

/** A supervisor's decision on a waiver beyond the tier's limit; the waiver's offer names the account. */
export async function sendWaiverDecision(deps: AccountMessageDeps, waiverId: number, decision: Omit<WaiverDecision, 'waiverId'>): Promise<UpdateOutcome<Offer>> {
  const payload = { ...decision, waiverId };
  const parsed = approveWaiverSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, payload) };
  const waiver = await loadWaiver(deps.pool, waiverId);
  if (!waiver) return { kind: 'NOT_FOUND', error: `no waiver ${waiverId}` };
  const handle = accountHandle(deps.temporal, waiver.account_id);
  return runUpdate(deps, waiver.account_id, () => handle.executeUpdate(approveWaiverUpdate, { args: [parsed.data], updateId: `waiver-decision-${waiverId}` }));
}

/**
 * What a message about an offer or a plan says of it, and whether it is still worth sending
 * (issue 16 §2-3): an offer's message goes out only while the offer is OFFERED (not while a
 * waiver awaits a supervisor, nor once answered, expired or withdrawn); a plan's reminder
 * or call-back only while the plan is in force and its instalment unpaid. A contact step
 * that names an offer or a plan of another account is a workflow bug: refused for good.
 */
import { loadOffer } from '../src/db/negotiations';
import { contractDueBy, loadPlanView } from '../src/db/plans';
import type { Queryable } from '../src/db/pool';
import type { ContactStepInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { formatOfferOptions, formatPlanInstalment } from '../src/templates/offer-text';
import { failure } from './appointments';

export interface NegotiationMessageContext {
  offerOptions?: string;
  offerValidUntil?: string;
  planInstalment?: string;
  /** set when the step is about an offer or a plan: whether it is still needed (else: whether anything is overdue) */
  needed?: boolean;
}

export async function negotiationMessageContext(db: Queryable, { accountId, offerId, planInstalment }: Pick<ContactStepInput, 'accountId' | 'offerId' | 'planInstalment'>): Promise<NegotiationMessageContext> {
  if (offerId !== undefined) {
    const offer = await loadOffer(db, offerId);
    if (!offer || offer.account_id !== accountId) throw failure(FailureType.UnknownOffer, `offer ${offerId} is not an offer to account ${accountId}`);
    return { offerOptions: formatOfferOptions(offer.options, offer.currency), offerValidUntil: offer.valid_until, needed: offer.status === 'OFFERED' };
  }
  if (planInstalment !== undefined) {
    const plan = await loadPlanView(db, { planId: planInstalment.planId });
    if (!plan || plan.accountId !== accountId) throw failure(FailureType.UnknownPlan, `plan ${planInstalment.planId} is not a plan of account ${accountId}`);
    const instalment = plan.instalments.find((i) => i.instalmentNo === planInstalment.instalmentNo);
    if (!instalment) throw failure(FailureType.UnknownPlan, `plan ${plan.planId} has no instalment ${planInstalment.instalmentNo}`);
    const contractDue = plan.kind === 'INSTALMENT_PLAN' ? await contractDueBy(db, plan.planId, instalment.instalmentNo) : 0;
    return { planInstalment: formatPlanInstalment(instalment, plan.currency, contractDue), needed: (plan.status === 'ACTIVE' || plan.status === 'LATE') && instalment.paid < instalment.amount };
  }
  return {};
}

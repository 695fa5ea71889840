/**
 * Issue 16: negotiation and plans, the activities under the NEGOTIATION and PLAN_ACTIVE
 * stages. Each is idempotent: an offer once per key, an answer once per key (the offer
 * records it), a waiver decided once (the same decision again is answered as before), a
 * plan once per offer; statuses only move forward.
 *
 * - makeOffer: sizes the offer from the account's balance and the borrower's surplus (the
 *   latest visit report's, or a counter-offer's stated one) with config/negotiation.json,
 *   withdraws any offer still open, and stores it: OFFERED, or AWAITING_APPROVAL while a
 *   waiver beyond the tier's limit waits for a supervisor (until the approval deadline).
 * - decideWaiver / lapseWaivers: a supervisor's decision (approve, reduce, refuse), or the
 *   deadline; the options are recomputed from the offer's own basis, so a payment that
 *   landed meanwhile does not change the terms under the supervisor's eyes.
 * - respondToOffer: the borrower's answer. Accepting writes the plan, its instalments and
 *   its waivers (non-cash adjustments, with the approval each rests on) in one transaction.
 * - expireOffer, loadPlan, setPlanStatus: the stage's clock and its follow-up.
 */
import { log } from '@temporalio/activity';
import { addDays } from '../src/contact-policy/local-time';
import { loadAccountFigures } from '../src/db/account-figures';
import {
  closeOffer,
  decideWaiverRow,
  findOfferByKey,
  insertOffer,
  lapsePendingWaivers,
  loadLatestOfferView,
  latestVisitSurplus,
  loadAccountBalance,
  loadOffer,
  loadWaiver,
  nextRound,
  offerWaivers,
  openOfferOf,
  recordAnswer,
  updateOfferTerms,
  offerView,
  type OfferRow,
  type WaiverRow,
} from '../src/db/negotiations';
import { applyWriteDowns, findPlanIdByKey, insertPlan, loadPlanView, setPlanStatus, type Adjustment } from '../src/db/plans';
import { inTransaction, type Queryable } from '../src/db/pool';
import { activeStaffRole } from '../src/db/staff';
import { FailureType } from '../src/domain/failures';
import {
  type Balance,
  type DecideWaiverInput,
  type MakeOfferInput,
  type Offer,
  type OfferAnswered,
  type OfferBasis,
  type OfferOption,
  type OfferRef,
  type OfferTerms,
  type PlanView,
  type RespondToOfferInput,
  type SetPlanStatusInput,
} from '../src/domain/negotiation';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../src/domain/time-zones';
import { majorToMinorUnits } from '../src/loan-book/major-units';
import { loadNegotiationConfig } from '../src/negotiation/load';
import { negotiationPolicy, type NegotiationPolicy } from '../src/negotiation/schema';
import { composeOffer, waiverKey, waitingForApproval, type ApprovedExcess } from '../src/negotiation/offer';
import { businessDayOf } from './business-day';
import { failure } from './appointments';
import { accountNotFound } from './contact';
import type { ActivityDeps } from './deps';

/** The excess approved so far, per option and subject (a lapsed or refused waiver: nothing). */
const approvedExcess = (waivers: WaiverRow[]): ApprovedExcess => Object.fromEntries(waivers.map((w) => [waiverKey(w.option_kind, w.subject), w.approved_amount ?? 0]));

/** A balance's component for a waiver subject, and the write-down's components. */
const WRITE_DOWN_COMPONENTS: [keyof Balance, Adjustment['component']][] = [
  ['penaltyFees', 'PENALTY_FEES'],
  ['lateInterest', 'LATE_INTEREST'],
  ['contractInterest', 'CONTRACT_INTEREST'],
  ['principal', 'PRINCIPAL'],
];

/** The accepted option's non-cash adjustments, each with the supervisor whose approval it needed (none within the limit). */
function adjustmentsOf(option: OfferOption, waivers: WaiverRow[]): Adjustment[] {
  const decided = (subject: string) => waivers.find((w) => w.option_kind === option.kind && w.subject === subject && (w.approved_amount ?? 0) > 0);
  if (option.kind === 'SETTLEMENT') {
    const approval = decided('SETTLEMENT_DISCOUNT');
    return WRITE_DOWN_COMPONENTS.filter(([part]) => option.writeDown[part] > 0).map(([part, component]) => ({
      kind: 'WRITE_DOWN',
      component,
      amount: option.writeDown[part],
      waiverId: approval?.id ?? null,
      approvedBy: approval?.decided_by ?? null,
    }));
  }
  return option.waivers
    .filter((w) => w.granted > 0 && w.subject !== 'SETTLEMENT_DISCOUNT')
    .map((w) => {
      const approval = w.granted > w.withinLimit ? decided(w.subject) : undefined;
      return { kind: 'WAIVER', component: w.subject as Adjustment['component'], amount: w.granted, waiverId: approval?.id ?? null, approvedBy: approval?.decided_by ?? null };
    });
}

export function createNegotiationActivities({ pool, businessTimeZone = DEFAULT_BUSINESS_TIME_ZONE, ...deps }: ActivityDeps) {
  // Loaded once, when the worker starts: a bad file stops it there.
  const config = deps.negotiation ?? loadNegotiationConfig();

  async function view(db: Queryable, offerId: number): Promise<Offer> {
    const row = await loadOffer(db, offerId);
    if (!row) throw new Error(`offer ${offerId} vanished`);
    return offerView(row, await offerWaivers(db, offerId));
  }

  /** The options again from the offer's own basis and the decisions so far; OFFERED once nothing waits. */
  async function recompose(db: Queryable, row: OfferRow): Promise<void> {
    const waivers = await offerWaivers(db, row.id);
    const basis = { ...(row.basis as unknown as OfferBasis), surplus: row.surplus_source === null || row.monthly_surplus === null ? null : { monthly: row.monthly_surplus, source: row.surplus_source } };
    const terms = composeOffer(basis, config, approvedExcess(waivers));
    const waiting = waivers.some((w) => w.status === 'PENDING');
    await updateOfferTerms(db, row.id, terms, waiting ? 'AWAITING_APPROVAL' : 'OFFERED');
  }

  async function offerOf(accountId: string, offerId: number, db: Queryable, lock = false): Promise<OfferRow> {
    const row = await loadOffer(db, offerId, { lock });
    if (!row || row.account_id !== accountId) throw failure(FailureType.UnknownOffer, `offer ${offerId} is not an offer to account ${accountId}`);
    return row;
  }

  return {
    /** The policy the stages follow, with its version: recorded in the run's history, so a config change never alters a running plan. */
    async loadNegotiationPolicy(): Promise<NegotiationPolicy> {
      return negotiationPolicy(config);
    },

    async makeOffer({ idempotencyKey, accountId, workflowId, statedSurplus, at }: MakeOfferInput): Promise<Offer> {
      const earlier = await findOfferByKey(pool, idempotencyKey);
      if (earlier) return offerView(earlier, await offerWaivers(pool, earlier.id));
      const asOf = businessDayOf({ at }, businessTimeZone);
      const [figures, balance] = await Promise.all([loadAccountFigures(pool, accountId, asOf), loadAccountBalance(pool, accountId, asOf)]);
      if (!figures || !balance) throw accountNotFound(accountId);
      const visitSurplus = statedSurplus === undefined ? await latestVisitSurplus(pool, accountId) : undefined;
      const basis: OfferBasis = {
        accountId,
        currency: balance.currency,
        product: balance.product,
        riskTier: figures.riskTier,
        bucket: figures.bucket,
        daysPastDue: figures.daysPastDue,
        asOf,
        overdue: balance.overdue,
        notYetDue: balance.notYetDue,
        surplus: statedSurplus !== undefined ? { monthly: statedSurplus, source: 'STATED' } : visitSurplus !== undefined ? { monthly: visitSurplus, source: 'VISIT_REPORT' } : null,
        contractRateBps: null,
      };
      const terms: OfferTerms = composeOffer(basis, config);
      const waiting = waitingForApproval(terms).length > 0;
      const offerId = await inTransaction(pool, async (tx) => {
        // Taken under the account's row lock, so two offers never race for the one open slot.
        await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
        const raced = await findOfferByKey(tx, idempotencyKey);
        if (raced) return raced.id;
        const open = await openOfferOf(tx, accountId);
        if (open) await closeOffer(tx, open.id, 'WITHDRAWN', new Date(at));
        const id = await insertOffer(tx, {
          idempotencyKey,
          accountId,
          workflowId,
          round: await nextRound(tx, accountId, workflowId),
          status: waiting ? 'AWAITING_APPROVAL' : 'OFFERED',
          basis,
          terms,
          validUntil: addDays(asOf, config.answer.offerValidityDays),
          approvalDeadline: waiting ? new Date(at + config.waivers.approvalDeadlineHours * 3_600_000) : null,
          createdAt: new Date(at),
        });
        if (id === undefined) throw new Error(`offer key ${idempotencyKey} taken inside its own lock`);
        return id;
      });
      const offer = await view(pool, offerId);
      log.info('offer made', { accountId, workflowId, offerId, round: offer.round, status: offer.status, options: offer.options.map((o) => o.kind), waitingWaivers: offer.pendingWaivers.length });
      return offer;
    },

    /** A supervisor's decision on one waiver beyond the limits; answers the offer as it stands after it. */
    async decideWaiver({ accountId, decision, at }: DecideWaiverInput): Promise<Offer> {
      const { waiverId, supervisorId } = decision;
      const role = await activeStaffRole(pool, supervisorId);
      if (role !== 'SUPERVISOR') throw failure(FailureType.NotASupervisor, `${supervisorId} is not an active supervisor${role === undefined ? '' : ` (role ${role})`}`);
      const offerId = await inTransaction(pool, async (tx) => {
        const waiver = await loadWaiver(tx, waiverId, { lock: true });
        if (!waiver || waiver.account_id !== accountId) throw failure(FailureType.UnknownWaiver, `waiver ${waiverId} is not a waiver of account ${accountId}`);
        const offer = await offerOf(accountId, waiver.offer_id, tx, true);
        const status = decision.decision === 'APPROVE' ? 'APPROVED' : decision.decision === 'REDUCE' ? 'REDUCED' : 'REFUSED';
        if (waiver.status !== 'PENDING') {
          // The same decision again (a retried update) is answered as before; any other is refused.
          if (waiver.status === status && waiver.decided_by === supervisorId) return offer.id;
          throw failure(FailureType.WaiverNotOpen, `waiver ${waiverId} is already ${waiver.status.toLowerCase()}`);
        }
        if (offer.status !== 'AWAITING_APPROVAL') throw failure(FailureType.WaiverNotOpen, `offer ${offer.id} is ${offer.status.toLowerCase()}: its waivers are no longer decided`);
        let approvedAmount = decision.decision === 'APPROVE' ? waiver.needs_approval : 0;
        if (decision.decision === 'REDUCE') {
          const amount = majorToMinorUnits(decision.approvedAmount ?? '', offer.currency);
          if (!amount.ok) throw failure(FailureType.WaiverNotAccepted, `approvedAmount: ${amount.message}`);
          if (amount.minor <= 0 || amount.minor >= waiver.needs_approval)
            throw failure(FailureType.WaiverNotAccepted, `approvedAmount: a reduction is more than nothing and less than the ${waiver.needs_approval} minor units awaiting approval`);
          approvedAmount = amount.minor;
        }
        await decideWaiverRow(tx, { waiverId, status, approvedAmount, decidedBy: supervisorId, reason: decision.reason, at: new Date(at) });
        await recompose(tx, offer);
        return offer.id;
      });
      const offer = await view(pool, offerId);
      log.info('waiver decided', { accountId, offerId, waiverId, decision: decision.decision, offerStatus: offer.status });
      return offer;
    },

    /** The approval deadline passed: what is still undecided lapses and the offer goes out without it. */
    async lapseWaivers({ accountId, offerId, at }: OfferRef): Promise<Offer> {
      await inTransaction(pool, async (tx) => {
        const offer = await offerOf(accountId, offerId, tx, true);
        if (offer.status !== 'AWAITING_APPROVAL') return;
        const lapsed = await lapsePendingWaivers(tx, offerId, new Date(at));
        await recompose(tx, offer);
        log.info('waivers lapsed at the approval deadline', { accountId, offerId, lapsed });
      });
      return view(pool, offerId);
    },

    async respondToOffer({ idempotencyKey, accountId, workflowId, response, at }: RespondToOfferInput): Promise<OfferAnswered> {
      const answered = await inTransaction(pool, async (tx): Promise<OfferAnswered> => {
        const offer = await offerOf(accountId, response.offerId, tx, true);
        if (offer.response_key === idempotencyKey) {
          // A retry: the answer is recorded; answer as the first time.
          if (offer.answer === 'ACCEPT') {
            const planId = await findPlanIdByKey(tx, `plan:${idempotencyKey}`);
            const plan = planId === undefined ? undefined : await loadPlanView(tx, { planId });
            if (!plan) throw new Error(`accepted offer ${offer.id} has no plan`);
            return { outcome: 'PLAN_STARTED', offerId: offer.id, plan };
          }
          if (offer.answer === 'COUNTER') {
            const { rows } = await tx.query('SELECT stated_monthly_income - stated_monthly_outgoings AS s FROM negotiation_offer_personal_data WHERE offer_id = $1', [offer.id]);
            return { outcome: 'COUNTERED', offerId: offer.id, statedSurplus: Number(rows[0]?.s) };
          }
          return { outcome: 'DECLINED', offerId: offer.id };
        }
        const asOf = businessDayOf({ at }, businessTimeZone);
        if (offer.status !== 'OFFERED') throw failure(FailureType.AnswerNotAccepted, `offer ${offer.id} is ${offer.status.toLowerCase().replace('_', ' ')}: it takes no answer`);
        if (offer.valid_until < asOf) throw failure(FailureType.AnswerNotAccepted, `offer ${offer.id} expired on ${offer.valid_until}`);
        const base = { offerId: offer.id, responseKey: idempotencyKey, respondedBy: response.respondedBy, via: response.via, at: new Date(at) };
        if (response.answer === 'ACCEPT') {
          const option = offer.options.find((o) => o.kind === response.option);
          if (!option) throw failure(FailureType.AnswerNotAccepted, `offer ${offer.id} has no ${response.option} option (it has ${offer.options.map((o) => o.kind).join(', ') || 'none'})`);
          await recordAnswer(tx, { ...base, answer: 'ACCEPT', acceptedOption: option.kind, statedIncome: null, statedOutgoings: null, note: null });
          const figures = await loadAccountFigures(tx, accountId, asOf);
          const planId = await insertPlan(tx, {
            idempotencyKey: `plan:${idempotencyKey}`,
            accountId,
            workflowId,
            offerId: offer.id,
            option,
            currency: offer.currency,
            bucketAtStart: figures?.bucket ?? 'CURRENT',
            startedOn: asOf,
            paymentsFrom: new Date(at),
            adjustments: adjustmentsOf(option, await offerWaivers(tx, offer.id)),
          });
          const plan = await loadPlanView(tx, { planId });
          if (!plan) throw new Error(`plan ${planId} vanished`);
          return { outcome: 'PLAN_STARTED', offerId: offer.id, plan };
        }
        if (response.answer === 'COUNTER') {
          const income = majorToMinorUnits(response.statedMonthlyIncome, offer.currency);
          const outgoings = majorToMinorUnits(response.statedMonthlyOutgoings, offer.currency);
          if (!income.ok) throw failure(FailureType.AnswerNotAccepted, `statedMonthlyIncome: ${income.message}`);
          if (!outgoings.ok) throw failure(FailureType.AnswerNotAccepted, `statedMonthlyOutgoings: ${outgoings.message}`);
          await recordAnswer(tx, { ...base, answer: 'COUNTER', acceptedOption: null, statedIncome: income.minor, statedOutgoings: outgoings.minor, note: response.note ?? null });
          return { outcome: 'COUNTERED', offerId: offer.id, statedSurplus: income.minor - outgoings.minor };
        }
        await recordAnswer(tx, { ...base, answer: 'DECLINE', acceptedOption: null, statedIncome: null, statedOutgoings: null, note: response.note ?? null });
        return { outcome: 'DECLINED', offerId: offer.id };
      });
      log.info('answer to the offer recorded', { accountId, workflowId, offerId: answered.offerId, outcome: answered.outcome, ...(answered.outcome === 'PLAN_STARTED' ? { planId: answered.plan.planId, kind: answered.plan.kind } : {}) });
      return answered;
    },

    /** No answer by the offer's validity: EXPIRED (an offer already answered or withdrawn stays as it is). */
    async expireOffer({ accountId, offerId, at }: OfferRef): Promise<Offer> {
      await offerOf(accountId, offerId, pool);
      if (await closeOffer(pool, offerId, 'EXPIRED', new Date(at))) log.info('offer expired unanswered', { accountId, offerId });
      return view(pool, offerId);
    },

    /** The account's newest offer, for the API and the CLI (null: never negotiated). */
    async loadLatestOffer({ accountId }: { accountId: string }): Promise<Offer | null> {
      return (await loadLatestOfferView(pool, accountId)) ?? null;
    },

    /** The account's plan in force with its progress (null: none). */
    async loadPlan({ accountId }: { accountId: string }): Promise<PlanView | null> {
      return (await loadPlanView(pool, { accountId })) ?? null;
    },

    /**
     * Moves the plan on (LATE, back to ACTIVE, BROKEN, COMPLETED) and answers it as it stands.
     * COMPLETED is refused while anything of it is unpaid; a settlement completed applies its write-down.
     */
    async setPlanStatus({ accountId, planId, status, at }: SetPlanStatusInput): Promise<PlanView> {
      return inTransaction(pool, async (tx) => {
        const plan = await loadPlanView(tx, { planId });
        if (!plan || plan.accountId !== accountId) throw failure(FailureType.UnknownPlan, `plan ${planId} is not a plan of account ${accountId}`);
        if (status === 'COMPLETED' && plan.paid < plan.total) throw failure(FailureType.PlanNotPaidUp, `plan ${planId} is not paid up (${plan.paid} of ${plan.total}): not completed`);
        if (await setPlanStatus(tx, planId, status, new Date(at))) {
          const writtenDown = status === 'COMPLETED' && plan.kind === 'SETTLEMENT' ? await applyWriteDowns(tx, planId) : 0;
          log.info('plan status changed', { accountId, planId, from: plan.status, to: status, writtenDown });
        }
        return (await loadPlanView(tx, { planId })) as PlanView;
      });
    },
  };
}

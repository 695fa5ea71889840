/**
 * NEGOTIATION (SPEC §2 step 7, issue 16 §2): the account's story after a visit report (or a
 * broken plan) asks for a plan. Generation 3 of accountCollection runs it behind
 * patched('negotiation-stages'); before it the account only waited here for a payment.
 *
 * The stage makes an offer (up to three options sized by config/negotiation.json from the
 * figures and the borrower's surplus); a waiver beyond the tier's limit waits for a
 * supervisor (approveWaiver) until the approval deadline, after which the offer goes out
 * without the excess. The offer is sent through the contact policy and waits for the
 * borrower's answer (respondToPlan) until it expires: an accepted option starts the plan
 * (PLAN_ACTIVE), a counter-offer is answered with a new offer sized from the stated figures,
 * and a decline or no answer leads to one more offer, then LEGAL.
 *
 * A hold pauses the stage (an expiry during a hold does not count against the borrower);
 * cease-contact sends the case to LEGAL; a payment that cures ends everything (the kernel
 * cancels this scope); a supervisor's override takes the account to the field stages.
 */
import { condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import { localSteps } from '../run/local-steps';
import type { createNegotiationActivities } from '../../../activities/negotiation';
import {
  approveWaiverSchema,
  respondToPlanSchema,
  type Offer,
  type OfferAnswered,
  type PlanAnswer,
  type PlanStatus,
} from '../../../src/domain/negotiation';
import type { NegotiationPolicy } from '../../../src/negotiation/schema';
import { approveWaiverUpdate, offerQuery, respondToPlanUpdate, type NegotiationCarried } from '../contract';
import { databaseStepOptions, postgresStepOptions } from '../run/step-options';
import { rootMessage, setStoringUpdateHandler } from '../run/update-handlers';
import type { StageRun } from './stage';

type NegotiationActivities = ReturnType<typeof createNegotiationActivities>;

/** The story's own Postgres steps, as local activities. */
const offers = localSteps<Pick<NegotiationActivities, 'loadNegotiationPolicy' | 'makeOffer' | 'lapseWaivers' | 'expireOffer'>>(databaseStepOptions);

/**
 * The updates' steps run while the story may be sending the offer: regular activities, whose
 * place in history is fixed when scheduled (a local activity's marker lands where it resolved,
 * which replay can order differently against the story's own activity; see field.ts).
 */
const answers = proxyActivities<Pick<NegotiationActivities, 'respondToOffer' | 'decideWaiver'>>(postgresStepOptions);

const DAY_MS = 86_400_000;
/**
 * An offer is valid through its `validUntil` business day, in the bank's zone; the run closes
 * it once that day has ended in every zone (UTC-12 ends it 12 hours after UTC midnight). The
 * activity judges answers by the bank's own business day.
 */
const validityEndsAt = (validUntil: string) => Date.parse(`${validUntil}T00:00:00Z`) + DAY_MS + 12 * 3_600_000;
const todayUtc = () => new Date(Date.now()).toISOString().slice(0, 10);

const OPEN_STATUSES: readonly Offer['status'][] = ['AWAITING_APPROVAL', 'OFFERED'];

export interface NegotiationStage {
  /** NEGOTIATION from where the run stands; returns once the account moved on (PLAN_ACTIVE, LEGAL) or something interrupts. */
  run(): Promise<void>;
  /** A broken plan is renegotiated: a fresh negotiation, its own count of offers. */
  renegotiate(): void;
  /** An answer is being stored (an accepted option's plan may already be in Postgres). */
  answering(): boolean;
  /** Closes the open offer: the account no longer needs it (cured). */
  abandon(): Promise<void>;
  /** The negotiation policy the run follows (loaded once per chain of runs, recorded in its history). */
  policy(): Promise<NegotiationPolicy>;
  /** OFFERED while an offer is open, for the PlanStatus search attribute. */
  planStatus(): PlanStatus | null;
  offer(): Offer | null;
  carried(): NegotiationCarried;
}

/** Sets up the stage's state and registers its updates and query (call before the run's first await). */
export function negotiation(run: StageRun, carried?: NegotiationCarried): NegotiationStage {
  const { accountId, workflowId } = run;
  const now = () => ({ at: Date.now() });
  const neg = {
    policy: (carried?.policy ?? null) as NegotiationPolicy | null,
    offersMade: carried?.offersMade ?? 0,
    unanswered: carried?.unanswered ?? 0,
    offer: carried?.offer ?? null,
    sentOfferId: carried?.sentOfferId ?? null,
    heldDuringOffer: carried?.heldDuringOffer ?? false,
    /** the answer stored and not yet acted on */
    answer: null as OfferAnswered | null,
    answering: false,
    decidingWaivers: new Set<number>(),
    /** a counter-offer's stated surplus, for the next offer at once (personal data: not carried) */
    statedSurplus: undefined as number | undefined,
  };

  const interrupted = () => run.isCured() || run.onHold() || run.ceased() || run.overridePending();
  const isOpen = (o: Offer | null): o is Offer => o !== null && OPEN_STATUSES.includes(o.status);

  async function policy(): Promise<NegotiationPolicy> {
    neg.policy ??= await offers.loadNegotiationPolicy();
    return neg.policy;
  }

  function takeOffer(offer: Offer): void {
    neg.offer = offer;
    run.publishSearchAttributes();
  }

  async function makeOffer(): Promise<Offer> {
    const statedSurplus = neg.statedSurplus;
    neg.statedSurplus = undefined;
    const offer = await offers.makeOffer({
      idempotencyKey: run.effectKey('offer', neg.offersMade),
      accountId,
      workflowId,
      ...(statedSurplus === undefined ? {} : { statedSurplus }),
      ...now(),
    });
    neg.offersMade++;
    neg.heldDuringOffer = false;
    takeOffer(offer);
    await run.audit('OFFER_MADE', String(offer.offerId), { offerId: offer.offerId, round: offer.round, status: offer.status, options: offer.options.map((o) => ({ kind: o.kind, total: o.total, instalments: o.schedule.length })) });
    return offer;
  }

  /** The offer through the contact policy, each channel of the policy in turn (best effort: the answer may come by any route). */
  async function sendOffer(p: NegotiationPolicy, offer: Offer): Promise<void> {
    for (const message of p.messages.offer) {
      const attemptKey = (n: number) => run.effectKey('offer-message', `${offer.offerId}/${message.channel}`) + (n ? `/attempt-${n}` : '');
      const end = await run.contact({ channel: message.channel, templateId: message.templateId, callWindowHours: run.callWindowHours(), offerId: offer.offerId }, attemptKey);
      if (end.end === 'STOPPED') return;
    }
  }

  async function escalate(why: string): Promise<void> {
    run.setNextStep(null);
    await run.audit('NEGOTIATION_FAILED', String(neg.offersMade), { offersMade: neg.offersMade, unanswered: neg.unanswered, why });
    neg.offer = null;
    run.publishSearchAttributes();
    await run.advanceTo('LEGAL', why);
  }

  async function takeAnswer(answer: OfferAnswered): Promise<'PLAN' | 'AGAIN'> {
    neg.answer = null;
    switch (answer.outcome) {
      case 'PLAN_STARTED':
        if (neg.offer) neg.offer = { ...neg.offer, status: 'ACCEPTED' };
        run.setNextStep(null);
        await run.refreshFigures(); // judged by the plan from now on
        await run.advanceTo('PLAN_ACTIVE', `offer ${answer.offerId} accepted: ${answer.plan.kind.toLowerCase().replace('_', ' ')}`);
        return 'PLAN';
      case 'COUNTERED':
        // Another offer at once, sized from what the borrower states now; a counter is an answer, not a refusal.
        if (neg.offer) neg.offer = { ...neg.offer, status: 'COUNTERED' };
        neg.statedSurplus = answer.statedSurplus;
        return 'AGAIN';
      case 'DECLINED':
        if (neg.offer) neg.offer = { ...neg.offer, status: 'DECLINED' };
        neg.unanswered++;
        return 'AGAIN';
    }
  }

  async function runNegotiation(): Promise<void> {
    const p = await policy();
    for (;;) {
      if (run.isCured() || run.overridePending()) return;
      if (run.ceased()) {
        await closeOpenOffer();
        await escalate('contact ceased: no negotiation; the case goes to legal review');
        return;
      }
      if (run.onHold()) {
        if (isOpen(neg.offer)) neg.heldDuringOffer = true;
        run.setNextStep(null);
        await condition(() => !run.onHold() || run.isCured() || run.ceased());
        continue;
      }
      if (neg.answer) {
        if ((await takeAnswer(neg.answer)) === 'PLAN') return;
        continue;
      }
      if (!isOpen(neg.offer)) {
        if (neg.unanswered >= p.answer.offersBeforeEscalation) {
          await escalate(`no plan agreed: ${neg.unanswered} offer(s) declined or unanswered; the case goes to legal review`);
          return;
        }
        await makeOffer();
        continue;
      }
      const offer = neg.offer;
      if (offer.status === 'AWAITING_APPROVAL') {
        const deadline = Date.parse(offer.approvalDeadline ?? new Date(Date.now()).toISOString());
        run.setNextStep({ action: `offer ${offer.offerId}: waiver(s) ${offer.pendingWaivers.map((w) => w.waiverId).join(', ')} wait for a supervisor until`, at: new Date(deadline).toISOString() });
        const decided = () => neg.offer?.status !== 'AWAITING_APPROVAL';
        if (deadline > Date.now()) await condition(() => decided() || interrupted(), deadline - Date.now());
        await condition(() => neg.decidingWaivers.size === 0); // a decision being stored right at the deadline
        if (!decided() && !interrupted() && Date.now() >= deadline) {
          takeOffer(await offers.lapseWaivers({ accountId, offerId: offer.offerId, ...now() }));
          log.info('offer: undecided waivers lapsed; the offer goes out within the limits', { accountId, offerId: offer.offerId });
        }
        continue;
      }
      if (neg.sentOfferId !== offer.offerId) {
        await sendOffer(p, offer);
        neg.sentOfferId = offer.offerId;
        continue;
      }
      const endsAt = validityEndsAt(offer.validUntil);
      run.setNextStep({ action: `offer ${offer.offerId} (round ${offer.round}): wait for the borrower's answer until`, at: new Date(endsAt).toISOString() });
      if (endsAt > Date.now()) await condition(() => neg.answer !== null || neg.answering || interrupted(), endsAt - Date.now());
      await condition(() => !neg.answering);
      if (neg.answer || interrupted() || Date.now() < endsAt) continue;
      takeOffer(await offers.expireOffer({ accountId, offerId: offer.offerId, ...now() }));
      // An offer that ran out while the account was on hold is made again, not held against the borrower.
      if (!neg.heldDuringOffer) neg.unanswered++;
      await run.audit('OFFER_EXPIRED', String(offer.offerId), { offerId: offer.offerId, validUntil: offer.validUntil, counted: !neg.heldDuringOffer });
      log.info('offer expired unanswered', { accountId, offerId: offer.offerId, unanswered: neg.unanswered });
    }
  }

  async function closeOpenOffer(): Promise<void> {
    if (!isOpen(neg.offer) || neg.answering) return;
    takeOffer(await offers.expireOffer({ accountId, offerId: neg.offer.offerId, ...now() }));
  }

  // ---- updates and the query ----

  setStoringUpdateHandler(respondToPlanUpdate, {
    schema: respondToPlanSchema,
    validate(r) {
      const offer = neg.offer;
      if (run.stage() !== 'NEGOTIATION' || !offer) throw new Error(`account ${accountId} has no offer waiting for an answer`);
      if (run.onHold()) throw new Error(`account ${accountId} is on hold: no answer now`);
      if (r.offerId !== offer.offerId) throw new Error(`offer ${r.offerId} is not the open offer (${offer.offerId}): it was withdrawn or replaced`);
      if (offer.status === 'AWAITING_APPROVAL') throw new Error(`offer ${offer.offerId} is waiting for a supervisor's decision on its waivers: not yet sent`);
      if (offer.status !== 'OFFERED' || neg.answer !== null || neg.answering) throw new Error(`offer ${offer.offerId} is ${neg.answering || neg.answer ? 'already answered' : offer.status.toLowerCase()}: it takes no answer`);
      if (todayUtc() > offer.validUntil) throw new Error(`offer ${offer.offerId} expired on ${offer.validUntil}`);
      if (r.answer === 'ACCEPT' && !offer.options.some((o) => o.kind === r.option))
        throw new Error(`option: offer ${offer.offerId} has no ${r.option} (it has ${offer.options.map((o) => o.kind).join(', ') || 'none'})`);
    },
    async store(response): Promise<PlanAnswer> {
      neg.answering = true;
      try {
        const answer = await answers.respondToOffer({ idempotencyKey: run.effectKey('offer-answer', response.offerId), accountId, workflowId, response, ...now() });
        if (answer.outcome === 'PLAN_STARTED') run.planStarted(answer.plan);
        // The last step, with nothing awaited after it: the story reacts once the answer is stored.
        neg.answer = answer;
        log.info('answer to the offer taken', { accountId, offerId: answer.offerId, outcome: answer.outcome, via: response.via });
        return { offerId: answer.offerId, outcome: answer.outcome, planId: answer.outcome === 'PLAN_STARTED' ? answer.plan.planId : null };
      } finally {
        neg.answering = false;
      }
    },
    notStored: { type: 'AnswerNotAccepted', message: (err) => `the answer could not be taken: ${rootMessage(err)}` },
  });

  setStoringUpdateHandler(approveWaiverUpdate, {
    schema: approveWaiverSchema,
    validate(d) {
      const offer = neg.offer;
      if (!offer || offer.status !== 'AWAITING_APPROVAL') throw new Error(`account ${accountId} has no offer waiting for a waiver decision`);
      if (!offer.pendingWaivers.some((w) => w.waiverId === d.waiverId)) throw new Error(`waiver ${d.waiverId} is not open on offer ${offer.offerId} (open: ${offer.pendingWaivers.map((w) => w.waiverId).join(', ') || 'none'})`);
      if (neg.decidingWaivers.has(d.waiverId)) throw new Error(`waiver ${d.waiverId} is already being decided`);
    },
    async store(decision): Promise<Offer> {
      neg.decidingWaivers.add(decision.waiverId);
      try {
        const offer = await answers.decideWaiver({ accountId, decision, ...now() });
        // Stored: the story reacts to the offer as it stands now (OFFERED once nothing waits).
        if (neg.offer?.offerId === offer.offerId) takeOffer(offer);
        log.info('waiver decided', { accountId, waiverId: decision.waiverId, decision: decision.decision, offerStatus: offer.status });
        return offer;
      } finally {
        neg.decidingWaivers.delete(decision.waiverId);
      }
    },
    notStored: { type: 'WaiverNotDecided', message: (err) => `the waiver decision was refused: ${rootMessage(err)}` },
  });

  setHandler(offerQuery, () => neg.offer);

  return {
    run: runNegotiation,
    renegotiate() {
      neg.unanswered = 0;
      neg.offer = null;
      neg.answer = null;
      neg.sentOfferId = null;
    },
    answering: () => neg.answering,
    policy,
    abandon: closeOpenOffer,
    planStatus: () => (isOpen(neg.offer) ? 'OFFERED' : null),
    offer: () => neg.offer,
    carried: () => ({
      policy: neg.policy,
      offersMade: neg.offersMade,
      unanswered: neg.unanswered,
      offer: neg.offer,
      sentOfferId: neg.sentOfferId,
      heldDuringOffer: neg.heldDuringOffer,
    }),
  };
}

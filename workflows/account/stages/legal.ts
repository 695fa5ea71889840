/**
 * LEGAL (SPEC §2 step 9, issue 17): when everything else has failed. Generation 3 of
 * accountCollection runs it behind patched('legal-stage'); before it the account only waited
 * here for a payment or an override.
 *
 * On entering (however the run got here: visits exhausted, a broken plan, a refusal,
 * cease-contact, a supervisor's override) the stage decides: legal costs against the expected
 * recovery, from config/legal.json (activities/legal.ts records the decision). Then:
 *
 * - REFER: the case goes to the legal team with the evidence bundle; the team reports with
 *   recordLegalOutcome until the case ends. RECOVERED or SETTLED_IN_COURT → SETTLED;
 *   UNRECOVERABLE → a write-off recommendation.
 * - PLACE_WITH_AGENCY: the placement and its message; the bank's own outbound contact stops
 *   (this stage sends none). Recalled at once on a cure (the kernel asks `abandon`), a hold, a
 *   supervisor's recall or override, or the end of the term (then the stage decides again).
 * - RECOMMEND_WRITE_OFF: a supervisor approves (approveWriteOff) → WRITTEN_OFF, or declines →
 *   the account waits in LEGAL (a payment, an override, or the charge-off date's own
 *   recommendation).
 *
 * Nothing here is carried across continue-as-new: every step is keyed by its place in the
 * stage's chain of decisions, so a fresh run walking the chain again finds each record as it
 * stands in Postgres (a case with its outcomes, a placement recalled, a write-off decided)
 * instead of making a second one.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { ActivityFailure, condition, isCancellation, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createLegalActivities, LegalDecided } from '../../../activities/legal';
import type { StageOverride } from '../../../src/domain/field-collection';
import {
  FINAL_OUTCOMES,
  approveWriteOffSchema,
  outcomeOutOfOrder,
  recallPlacementSchema,
  recordLegalOutcomeSchema,
  type LegalCaseView,
  type LegalStatus as LegalStatusValue,
  type PlacementView,
  type RecallReason,
  type WriteOffView,
} from '../../../src/domain/legal';
import { LegalStatus, NextHearing, approveWriteOffUpdate, legalQuery, recallPlacementUpdate, recordLegalOutcomeUpdate, type LegalSummary, type NextStep } from '../contract';
import { outsideStepOptions, postgresStepOptions } from '../run/step-options';
import { rootMessage, setStoringUpdateHandler } from '../run/update-handlers';
import type { StageRun } from './stage';

/** The patch: LEGAL runs this module and its exits end the run (runs from before it wait in LEGAL for a payment or an override). */
export const LEGAL_STAGE = 'legal-stage';

type LegalActivities = ReturnType<typeof createLegalActivities>;

/**
 * Regular activities: the updates' steps run beside the story's, and a regular activity's
 * place in history is fixed when it is scheduled (see plan-active.ts).
 */
const steps = proxyActivities<Pick<LegalActivities, 'decideLegal' | 'referToLegal' | 'recordLegalOutcome' | 'recommendWriteOff' | 'decideWriteOff' | 'releaseAccountWork' | 'placementOfAccount'>>(
  postgresStepOptions,
);
/** The agency's side of the saga reaches outside (the agency adapter): a failed send is retried with the same key. */
const agency = proxyActivities<Pick<LegalActivities, 'placeWithAgency' | 'recallPlacement'>>(outsideStepOptions);

/** A court's or the bank's day, as the run's clock reads it: the start of that day in UTC. */
const dayStart = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);
/**
 * The latest calendar day anywhere (UTC+14): the validator refuses only an outcome dated in
 * every zone's future; the activity judges by the bank's own business day.
 */
const latestToday = () => new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);

/** What a branch of the decision leads to: decide again, wait in LEGAL, the run's story is elsewhere, or an exit. */
type Next = 'AGAIN' | 'IDLE' | 'STOP' | 'EXIT';

export interface LegalStage {
  /** LEGAL from where the run stands; returns on an exit, a cure or an override. */
  run(): Promise<void>;
  /** The account cured while in LEGAL: a placement in force is recalled. */
  abandon(): Promise<void>;
  /** The exit the stage took (SETTLED, WRITTEN_OFF): the run ends. */
  exited(): boolean;
  /** LegalStatus and NextHearing, for the run's search attributes. */
  searchAttributes(): SearchAttributeUpdatePair[];
  summary(): LegalSummary | null;
}

export interface LegalRun extends StageRun {
  /** the supervisor's override waiting to be taken (it recalls a placement: the bank takes the account back) */
  override(): StageOverride | null;
}

/** Sets up the stage's state and registers its updates and query (call before the run's first await). */
export function legalStage(run: LegalRun): LegalStage {
  const { accountId, workflowId } = run;
  const now = () => ({ at: Date.now() });
  const legal = {
    /** decisions made by this run; `n` is the current one's number, which keys its steps */
    decisions: 0,
    n: 0,
    decided: null as LegalDecided | null,
    status: null as LegalStatusValue | null,
    legalCase: null as LegalCaseView | null,
    placement: null as PlacementView | null,
    writeOff: null as WriteOffView | null,
    exit: false,
    /** an update's step (or the story's recall) in flight: the validators refuse a second one meanwhile */
    reporting: false,
    recalling: false,
    deciding: false,
    /** what the stage waits for, and until when (in the legal summary: the run's nextStep stays as the stage found it) */
    next: null as NextStep | null,
  };
  const waitingFor = (step: NextStep | null) => {
    legal.next = step;
  };

  const stop = () => run.isCured() || run.overridePending();

  function setStatus(status: LegalStatusValue): void {
    legal.status = status;
    run.publishSearchAttributes();
  }

  const key = (kind: string, n: number | string = legal.n) => run.effectKey(`legal-${kind}`, n);

  async function decide(): Promise<LegalDecided> {
    // Each decision its own number: the term's end, a hold's release or coming back to LEGAL after an override decides anew.
    legal.n = legal.decisions++;
    const decided = await steps.decideLegal({ idempotencyKey: key('decision'), accountId, workflowId, ...now() });
    legal.decided = decided;
    legal.legalCase = null;
    legal.placement = null;
    legal.writeOff = null;
    setStatus('DECIDED');
    log.info('legal decision', { accountId, decisionId: decided.decisionId, action: decided.decision.action });
    return decided;
  }

  async function exit(to: 'SETTLED' | 'WRITTEN_OFF', reason: string): Promise<Next> {
    // An exit is taken, not deferred to the hold's release like a stage move: wait for the release.
    await condition(() => !run.onHold() || run.isCured());
    if (run.isCured()) return 'STOP';
    waitingFor(null);
    await steps.releaseAccountWork({ accountId, ...now() });
    await run.advanceTo(to, reason);
    legal.exit = true;
    return 'EXIT';
  }

  // ---- REFER: the case and its outcomes ----

  const caseEnded = (c: LegalCaseView) => c.outcomes.some((o) => FINAL_OUTCOMES.includes(o.outcome));

  function takeCase(c: LegalCaseView): void {
    legal.legalCase = c;
    setStatus(c.status);
    waitingFor(caseEnded(c) ? null : { action: `legal case ${c.caseId}: the legal team's next report${c.nextHearingOn ? ' (hearing)' : ''}`, at: new Date(c.nextHearingOn ? dayStart(c.nextHearingOn) : Date.now()).toISOString() });
  }

  async function followCase({ decisionId }: LegalDecided): Promise<Next> {
    takeCase(await steps.referToLegal({ idempotencyKey: key('referral'), accountId, workflowId, decisionId, ...now() }));
    await condition(() => stop() || (caseEnded(legal.legalCase!) && !legal.reporting));
    if (stop()) return 'STOP';
    const c = legal.legalCase!;
    const last = c.outcomes.at(-1)!;
    if (last.outcome === 'UNRECOVERABLE') return followWriteOff('LEGAL_DOES_NOT_PAY');
    return exit('SETTLED', `legal case ${c.caseId}: ${last.outcome === 'RECOVERED' ? 'recovered through the courts' : 'settled in court'}`);
  }

  // ---- PLACE_WITH_AGENCY: the placement and its recall ----

  async function recall(reason: RecallReason, by?: { supervisorId: string; note: string }): Promise<PlacementView> {
    const p = legal.placement!;
    legal.recalling = true;
    try {
      // One recall per placement, whatever its reason: the first one recorded stands.
      const recalled = await agency.recallPlacement({
        idempotencyKey: key('recall', p.placementId),
        accountId,
        placementId: p.placementId,
        reason,
        ...(by ? { requestedBy: by.supervisorId, note: by.note } : {}),
        ...now(),
      });
      legal.placement = recalled;
      setStatus('RECALLED');
      log.info('placement recalled', { accountId, placementId: p.placementId, reason, status: recalled.status });
      return recalled;
    } finally {
      legal.recalling = false;
    }
  }

  const inForce = () => legal.placement?.status === 'PLACED' && !legal.recalling;

  async function followPlacement({ decisionId }: LegalDecided): Promise<Next> {
    const placed = await agency.placeWithAgency({ idempotencyKey: key('placement'), accountId, workflowId, decisionId, ...now() });
    legal.placement = placed;
    // Recalled in an earlier run of this chain: the term's end or a hold led to the next decision; a supervisor's recall to none.
    if (placed.status !== 'PLACED') return placed.recall?.reason === 'SUPERVISOR' ? 'IDLE' : 'AGAIN';
    setStatus('PLACED');
    const termEndsAt = dayStart(placed.recallBy);
    waitingFor({ action: `placed with ${placed.agencyId}: recalled at the end of its term`, at: new Date(termEndsAt).toISOString() });
    for (;;) {
      const termEnded = !(await condition(() => stop() || run.onHold() || !inForce(), Math.max(0, termEndsAt - Date.now())));
      // A supervisor's recall being sent (the update does it): refused (not a supervisor), the placement stays in force.
      if (legal.recalling) await condition(() => !legal.recalling);
      else if (termEnded || stop() || run.onHold() || !inForce()) break;
    }
    // Recalled by a supervisor: the bank has the account back and waits for its next move.
    if (legal.placement?.status !== 'PLACED') return 'IDLE';
    // A cure: the kernel recalls it (abandon), after this scope is cancelled.
    if (run.isCured()) return 'STOP';
    const override = run.override();
    if (override) {
      await recall('SUPERVISOR', { supervisorId: override.supervisorId, note: `override to ${override.to}: ${override.reason}` });
      return 'STOP';
    }
    if (run.onHold()) {
      await recall('HOLD_PLACED');
      await condition(() => !run.onHold() || stop());
      return stop() ? 'STOP' : 'AGAIN';
    }
    await recall('TERM_ENDED');
    return 'AGAIN';
  }

  // ---- RECOMMEND_WRITE_OFF, and the charge-off reached ----

  async function followWriteOff(basis: 'CHARGE_OFF_REACHED' | 'LEGAL_DOES_NOT_PAY', decisionId?: number): Promise<Next> {
    const w = await steps.recommendWriteOff({ idempotencyKey: key('write-off', `${legal.n}/${basis}`), accountId, workflowId, basis, ...(decisionId === undefined ? {} : { decisionId }), ...now() });
    legal.writeOff = w;
    if (w.status === 'RECOMMENDED') {
      setStatus('WRITE_OFF_RECOMMENDED');
      waitingFor({ action: `write-off ${w.recommendationId}: a supervisor's decision`, at: new Date(Date.now()).toISOString() });
    }
    await condition(() => stop() || (legal.writeOff!.status !== 'RECOMMENDED' && !legal.deciding));
    if (legal.writeOff!.status === 'APPROVED') {
      setStatus('WRITTEN_OFF');
      return exit('WRITTEN_OFF', `write-off ${w.recommendationId} approved by ${legal.writeOff!.decidedBy}: ${legal.writeOff!.decisionReason}`);
    }
    return stop() ? 'STOP' : 'IDLE';
  }

  /** In LEGAL with nothing under way: until a payment, an override, or the charge-off date (once). */
  async function idle({ decision }: LegalDecided, chargeOffAsked: boolean): Promise<Next> {
    const due = decision.chargeOff.dueOn;
    if (chargeOffAsked || due === null) {
      waitingFor(null);
      await condition(stop);
      return 'STOP';
    }
    waitingFor({ action: 'write-off recommended: the charge-off date', at: new Date(Math.max(dayStart(due), Date.now())).toISOString() });
    await condition(stop, Math.max(0, dayStart(due) - Date.now()));
    if (stop()) return 'STOP';
    return followWriteOff('CHARGE_OFF_REACHED');
  }

  async function follow(decided: LegalDecided): Promise<Next> {
    const { decision, decisionId } = decided;
    switch (decision.action) {
      case 'REFER':
        return followCase(decided);
      case 'PLACE_WITH_AGENCY':
        return followPlacement(decided);
      case 'RECOMMEND_WRITE_OFF':
        return followWriteOff(decision.chargeOff.reached ? 'CHARGE_OFF_REACHED' : 'LEGAL_DOES_NOT_PAY', decisionId);
    }
  }

  async function runStage(): Promise<void> {
    for (;;) {
      if (stop() || legal.exit) return;
      if (run.onHold()) {
        waitingFor(null);
        await condition(() => !run.onHold() || stop());
        continue;
      }
      let next: Next;
      try {
        const decided = await decide();
        next = await follow(decided);
        if (next === 'IDLE') next = await idle(decided, legal.writeOff?.basis === 'CHARGE_OFF_REACHED' || decided.decision.chargeOff.reached);
      } catch (err) {
        // A business failure (no costs for the account's currency, say) leaves the account in
        // LEGAL for staff, as before the stage existed: the run never fails on it.
        if (isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
        log.warn('legal stage stopped: waiting for a payment or an override', { accountId, error: rootMessage(err) });
        waitingFor(null);
        await condition(stop);
        return;
      }
      if (next !== 'AGAIN') return;
    }
  }

  // ---- updates and the query ----

  setStoringUpdateHandler(recordLegalOutcomeUpdate, {
    schema: recordLegalOutcomeSchema,
    validate(o) {
      const c = legal.legalCase;
      if (!c) throw new Error(`account ${accountId} has no legal case`);
      if (o.caseId !== c.caseId) throw new Error(`caseId: case ${o.caseId} is not account ${accountId}'s case (${c.caseId})`);
      if (legal.reporting) throw new Error(`case ${c.caseId}: another report is being stored; send this one again once it is`);
      const problem = outcomeOutOfOrder(c.outcomes, { ...o, ...('currency' in o ? { currency: o.currency } : {}) }, latestToday(), c.currency);
      if (problem) throw new Error(`case ${c.caseId}: ${problem}`);
    },
    async store(outcome): Promise<LegalCaseView> {
      const c = legal.legalCase!;
      legal.reporting = true;
      try {
        const stored = await steps.recordLegalOutcome({ idempotencyKey: key('outcome', `${c.caseId}/${c.outcomes.length}`), accountId, outcome, ...now() });
        takeCase(stored);
        return stored;
      } finally {
        legal.reporting = false;
      }
    },
    notStored: { type: 'LegalOutcomeNotRecorded', message: (err) => `the outcome could not be recorded: ${rootMessage(err)}` },
  });

  setStoringUpdateHandler(approveWriteOffUpdate, {
    schema: approveWriteOffSchema,
    validate(d) {
      const w = legal.writeOff;
      if (!w || w.status !== 'RECOMMENDED' || legal.deciding) throw new Error(`account ${accountId} has no write-off waiting for a decision`);
      if (d.recommendationId !== w.recommendationId) throw new Error(`recommendationId: write-off ${d.recommendationId} is not the one waiting (${w.recommendationId})`);
      if (run.onHold()) throw new Error(`account ${accountId} is on hold: no write-off decision now`);
    },
    async store(decision): Promise<WriteOffView> {
      legal.deciding = true;
      try {
        const decided = await steps.decideWriteOff({ accountId, decision, ...now() });
        legal.writeOff = decided;
        return decided;
      } finally {
        legal.deciding = false;
      }
    },
    notStored: { type: 'WriteOffNotDecided', message: (err) => `the write-off decision was refused: ${rootMessage(err)}` },
  });

  setStoringUpdateHandler(recallPlacementUpdate, {
    schema: recallPlacementSchema,
    validate(r) {
      const p = legal.placement;
      if (!p || !inForce()) throw new Error(`account ${accountId} has no placement in force`);
      if (r.placementId !== p.placementId) throw new Error(`placementId: placement ${r.placementId} is not the one in force (${p.placementId})`);
    },
    store: (r) => recall('SUPERVISOR', { supervisorId: r.supervisorId, note: r.reason }),
    notStored: { type: 'RecallRefused', message: (err) => `the recall was refused: ${rootMessage(err)}` },
  });

  function summary(): LegalSummary | null {
    const d = legal.decided;
    if (!d || !legal.status) return null;
    const { decision } = d;
    return {
      status: legal.status,
      decision: {
        decisionId: d.decisionId,
        action: decision.action,
        configVersion: decision.configVersion,
        currency: decision.currency,
        claim: decision.claim,
        cost: decision.cost,
        discountedRecovery: decision.discountedRecovery,
        reason: decision.reason,
        chargeOffDueOn: decision.chargeOff.dueOn,
      },
      legalCase: legal.legalCase,
      placement: legal.placement,
      writeOff: legal.writeOff,
      next: legal.next,
    };
  }

  setHandler(legalQuery, summary);

  return {
    run: runStage,
    async abandon() {
      if (legal.decided?.decision.action !== 'PLACE_WITH_AGENCY') return;
      // The placement as Postgres has it: the story may have been cancelled while placing.
      legal.placement = await steps.placementOfAccount({ accountId });
      if (legal.placement?.status === 'PLACED') await recall('PAYMENT_CURED');
    },
    exited: () => legal.exit,
    searchAttributes() {
      const hearing = legal.legalCase?.nextHearingOn;
      return [...(legal.status ? [{ key: LegalStatus, value: legal.status }] : []), ...(hearing ? [{ key: NextHearing, value: new Date(dayStart(hearing)) }] : [])];
    },
    summary,
  };
}

/**
 * The run kernel of accountCollection (generation 3 on; SPEC §2, §7, §8): what every stage
 * shares. It owns the carried state in and out (continue-as-new), effect keys, the figures
 * lane, payments and the cure, the interrupts (holds, cease-contact, a supervisor's
 * override), search attributes and the summary, and the story that hands the account from
 * stage to stage:
 *
 *   SCREENED (stages/screened.ts) → REMINDING (stages/reminding.ts) → APPOINTMENT / VISIT
 *   (stages/field.ts) → the stage the field story hands on to, where the account waits for a
 *   payment or an override.
 *
 * Payments behave as in generation 2: Postgres holds every payment and reversal first, each
 * event counts once, and a payment that clears the overdue amount cures the account from
 * any stage, cancelling whatever step is pending. Contacts, call outcomes and promises are
 * the kernel's parts (contact.ts, promises.ts), holds and cease-contact its interrupts
 * (interrupts.ts).
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { localSteps, takeLocalStepsOneAtATime } from './local-steps';
import type { createAuditActivities } from '../../../activities/audit';
import type { createPaymentActivities } from '../../../activities/payments';
import type { createStatementActivities } from '../../../activities/statement';
import type { AccountFigures } from '../../../src/domain/account';
import { formatMoney } from '../../../src/domain/money';
import { isExitStage } from '../../../src/domain/stages';
import {
  AssignedAgent,
  ArrearsStage,
  Experiment,
  OnHold,
  PlanStatus,
  Treatment,
  statementQuery,
  summaryQuery,
  type AccountCollectionInput,
  type AccountCollectionResult,
  type AccountCollectionWorkflow,
  type AccountSummary,
  type CarriedState,
} from '../contract';
import { reminding } from '../stages/reminding';
import { experimentLabel } from '../../../src/domain/experiment';
import { screenAccount } from '../stages/screened';
import { FIELD_COLLECTION, fieldCollection } from '../stages/field';
import { negotiation } from '../stages/negotiation';
import { planActive } from '../stages/plan-active';
import { LEGAL_STAGE, legalStage, type LegalStage } from '../stages/legal';
import type { StageRun } from '../stages/stage';
import { accountRun, afterExit, carriedKernelState, kernelState } from './account-run';
import { borrowerContact } from './contact';
import { handleInterrupts } from './interrupts';
import { figuresLane, handlePaymentEvents } from './payment-events';
import { promisesToPay } from './promises';
import { followRun } from './run-insight';
import { figuresSearchAttributes, searchAttributesPublisher } from './publish-search-attributes';
import { runSummary } from './run-state';
import { stageMover } from './stage-mover';
import { databaseStepOptions } from './step-options';

/** A payment that cures records its stage transition in the same local activity. */
export const CURE_IN_ONE_STEP = 'cure-in-one-step';
/**
 * Every move, the payment step's cure included, is keyed by its place in the chain of runs
 * and carries that place to Postgres, which records one move per place; the run's own cure
 * waits for a payment step that is recording the cure (issue 14 §4).
 */
export const ONE_TRANSITION_PER_MOVE = 'one-transition-per-move';
/**
 * Handlers that change what the run reacts to do so only after their write is done
 * (recordCallOutcome, recordVisitNoShow), or make no write themselves: the hold and
 * cease-contact signals change the run's state and hand the write to the run (issue 14 §3).
 */
export const REPLAY_SAFE_HANDLERS = 'replay-safe-handlers';
/**
 * NEGOTIATION and PLAN_ACTIVE run their stage modules (the offer, waivers, the answer, the
 * plan followed) instead of waiting for a payment; a plan in force decides the cure (issue 16).
 */
export const NEGOTIATION_STAGES = 'negotiation-stages';
/**
 * The run follows the place Postgres gives each move, and a payment that arrives before the
 * run has entered collection leaves the cure to the run (issue 14 §4, found by the chaos
 * harness: a retried first task recorded SCREENED→CURED twice).
 */
export const MOVES_FOLLOW_THE_CHAIN = 'moves-follow-the-chain';
/** One local activity in flight per run, so that a replay groups their results as the live run did (see local-steps.ts). */
export const LOCAL_STEPS_ONE_AT_A_TIME = 'local-steps-one-at-a-time';
/** Why a run moved to CURED when a payment cured it, whichever step records the move. */
const CURED_BY_PAYMENT = 'payment cleared the overdue amount';

/**
 * Short, idempotent Postgres steps run as local activities, inside the workflow task
 * (generation 2's choice, which keeps a cure at one workflow task; issue 5).
 */
const db = localSteps<
  Pick<ReturnType<typeof createStatementActivities>, 'loadAccountStatement'> &
    Pick<ReturnType<typeof createPaymentActivities>, 'applyPaymentEvent'> &
    ReturnType<typeof createAuditActivities>
>(databaseStepOptions);

/** Continue-as-new well before Temporal's history limits, even if the server does not suggest it. */
const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

export async function accountCollectionGeneration3(input: AccountCollectionInput): Promise<AccountCollectionResult> {
  const { accountId, overrides, carried } = input;
  const info = workflowInfo();
  const maxHistoryEvents = overrides?.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const early = carried?.early;
  // Asked once, first: runs started before the patch keep recording a cure in two steps.
  const cureInOneStep = patched(CURE_IN_ONE_STEP);
  const oneTransitionPerMove = patched(ONE_TRANSITION_PER_MOVE);
  const replaySafeHandlers = patched(REPLAY_SAFE_HANDLERS);
  const negotiationStages = patched(NEGOTIATION_STAGES);
  const movesFollowTheChain = patched(MOVES_FOLLOW_THE_CHAIN);
  if (patched(LOCAL_STEPS_ONE_AT_A_TIME)) takeLocalStepsOneAtATime();
  const legalStages = patched(LEGAL_STAGE);
  /** Payment steps recording a cure right now (one transition per move). */
  let curesBeingRecorded = 0;

  const state = kernelState(carried);

  // ---- the run's own moves (closures over its state) ----

  /** Stable across retries and continue-as-new, new for a later run of the same account or a re-opening. */
  const effectKey = (kind: string, n: number | string) =>
    `${info.workflowId}/${info.firstExecutionRunId}${state.reopenings ? `/reopened-${state.reopenings}` : ''}/${kind}/${n}`;
  /** A plan in force decides whether the account is cured (its figures show nothing overdue while it is kept). */
  let planDecidesCure: () => boolean | undefined = () => undefined;
  const isCured = () => planDecidesCure() ?? (state.figures !== undefined && state.figures.amountOverdue === 0);
  /** Counts the reads of the figures: the plan stage reads its plan again when they may have moved. */
  let figuresTaken = 0;
  let planStatus: () => string | null = () => null;
  let legalAttributes: LegalStage['searchAttributes'] = () => [];

  const publish = searchAttributesPublisher();
  function publishSearchAttributes(): void {
    const attributes = [
      { key: ArrearsStage, value: state.stage },
      { key: OnHold, value: state.holds.size > 0 },
      ...(state.choice ? [{ key: Treatment, value: state.choice.treatmentId }] : []),
      ...(state.choice?.experiment ? [{ key: Experiment, value: experimentLabel(state.choice) }] : []),
      ...(state.assignedAgent ? [{ key: AssignedAgent, value: state.assignedAgent }] : []),
      ...figuresSearchAttributes(state.figures),
      ...(planStatus() ? [{ key: PlanStatus, value: planStatus() }] : []),
      ...legalAttributes(),
    ];
    publish(attributes);
  }

  const serially = figuresLane();

  function takeFigures(figures: AccountFigures): void {
    state.figures = figures;
    figuresTaken++;
    if (figures.amountOverdue === 0 && state.statement) state.statement = { ...state.statement, asOf: figures.asOf, lines: [], totalOverdue: 0 };
    publishSearchAttributes();
  }

  // Activities turn the workflow's clock into the business day of the bank's zone.
  /** The figures and the overdue statement, read together (SPEC §2 step 2). */
  const refreshFigures = () =>
    serially(async () => {
      const { figures, statement } = await db.loadAccountStatement({ accountId, at: Date.now() });
      state.statement = statement;
      takeFigures(figures);
    });

  const moveTo = stageMover({ accountId, state, db, effectKey, publishSearchAttributes, chained: oneTransitionPerMove, followChain: movesFollowTheChain });

  async function audit(kind: string, key: string, detail: Record<string, unknown>): Promise<void> {
    await db.recordAuditEvent({ idempotencyKey: effectKey(`audit-${kind.toLowerCase()}`, key), accountId, workflowId: info.workflowId, kind, detail, occurredAt: new Date().toISOString() });
  }

  const run = accountRun({ accountId, workflowId: info.workflowId, replaySafeHandlers, state, effectKey, isCured, publishSearchAttributes, refreshFigures, moveTo, audit }, early?.cadenceElapsedMs ?? 0);
  const { clock } = run;

  // ---- the parts: each registers its handlers here, before the first await ----

  const contacts = borrowerContact(run);
  const promises = promisesToPay(run);
  const cadence = reminding(run, contacts);
  const interrupts = handleInterrupts(run);
  const field = fieldCollection(
    {
      accountId,
      workflowId: info.workflowId,
      treatmentId: () => state.choice?.treatmentId ?? null,
      // On hold: the stage the account returns to on release (where its story is).
      stage: () => (state.stage === 'ON_HOLD' ? (state.stageBeforeHold ?? state.stage) : state.stage),
      isCured,
      onHold: run.onHold,
      ceased: () => state.ceased,
      rightPartyReached: (taskId) => state.rightPartyTaskIds.has(taskId),
      contact: (request, attemptKey) => contacts.contact(request, attemptKey),
      cancelOpenCallTask: contacts.cancelOpenCallTask,
      advanceTo: run.advanceTo,
      audit,
      effectKey,
      setNextStep: (step) => {
        state.nextStep = step;
      },
      ready: () => state.choice !== null && state.figures !== undefined,
      replaySafeHandlers,
      negotiationStages,
    },
    early?.field,
  );

  // ---- NEGOTIATION and PLAN_ACTIVE (issue 16): seen through their port ----

  const storyStage = () => (state.stage === 'ON_HOLD' ? (state.stageBeforeHold ?? state.stage) : state.stage);
  const stagePort: StageRun = {
    accountId,
    workflowId: info.workflowId,
    stage: storyStage,
    isCured,
    onHold: run.onHold,
    ceased: () => state.ceased,
    overridePending: () => field.overridePending() !== null,
    contact: (request, attemptKey) => contacts.contact(request, attemptKey),
    callWindowHours: () => state.choice?.callWindowHours ?? 24,
    advanceTo: run.advanceTo,
    audit,
    effectKey,
    setNextStep: (step) => {
      state.nextStep = step;
    },
    publishSearchAttributes,
    refreshFigures,
    paymentsSeen: () => figuresTaken,
    planStarted: (plan) => planFollowUp.start(plan),
  };
  const negotiating = negotiation(stagePort, early?.negotiation);
  const planFollowUp = planActive({ ...stagePort, answerInFlight: negotiating.answering, renegotiate: negotiating.renegotiate }, early?.plan);
  if (negotiationStages) {
    planDecidesCure = planFollowUp.cured;
    planStatus = () => negotiating.planStatus() ?? planFollowUp.planStatus();
  }
  const legal = legalStage({ ...stagePort, override: field.overridePending });
  if (legalStages) legalAttributes = legal.searchAttributes;

  function summarise(): AccountSummary {
    const p = state.pendingPromise;
    return {
      ...runSummary(accountId, state),
      treatment: state.choice?.treatmentId ?? '(not chosen yet)',
      treatmentConfigVersion: state.choice?.configVersion ?? null,
      treatmentWhy: state.choice?.why ?? null,
      onHold: run.onHold(),
      holds: [...state.holds.values()].map((h) => `${h.reason} (${h.holdId}, since ${h.placedAt})`),
      assignedAgent: state.assignedAgent,
      openCallTask: state.openCallTask,
      pendingPromise: p ? { ...p, amountFormatted: formatMoney(p.amount, p.currency) } : null,
      promisesKept: state.promisesKept,
      promisesBroken: state.promisesBroken,
      contactCeased: state.ceased,
      lastBlockedContact: state.lastBlockedContact,
      ...field.summary(),
      ...(negotiationStages ? { offer: negotiating.offer(), plan: planFollowUp.summary() } : {}),
      ...(legalStages ? { legal: legal.summary() } : {}),
    };
  }

  const carriedState = () =>
    carriedKernelState(state, clock.elapsed(), () => ({ field: field.carried(), ...(negotiationStages ? { negotiation: negotiating.carried(), plan: planFollowUp.carried() } : {}) }));

  setHandler(summaryQuery, summarise);
  followRun(summarise);
  setHandler(statementQuery, () => state.statement);

  handlePaymentEvents({
    accountId,
    workflowId: info.workflowId,
    ledger: state,
    db,
    serially,
    takeFigures,
    refreshFigures,
    figures: () => state.figures,
    afterCounted: async () => {
      // A partial payment changes the statement; a cure empties it (takeFigures) without another read.
      if (!isCured()) await refreshFigures();
    },
    // A payment that cures is recorded with its move to CURED in one local activity, and the
    // run publishes the stage with the figures in one upsert: one workflow activation and one
    // search-attribute write less per cure, at 100 cures/s (issue 5). Keyed like every other
    // move, by its place in the chain (before that patch: by the event, which let the run's
    // own cure record the same move a second time).
    cureTransition: (event) => {
      if (!cureInOneStep || state.stage === 'CURED') return undefined;
      // A plan decides the cure (and its exit): the run records the move itself.
      if (planDecidesCure() !== undefined) return undefined;
      // Not yet in collection (the payment came with the run's first task): the run's own cure follows its move to SCREENED.
      if (movesFollowTheChain && state.transitionCount === 0) return undefined;
      if (!oneTransitionPerMove) return moveTo.transition('CURED', CURED_BY_PAYMENT, effectKey('stage-cure', event.eventId));
      curesBeingRecorded++;
      return moveTo.transition('CURED', CURED_BY_PAYMENT, effectKey('stage', state.transitionCount));
    },
    cureRecorded: (transition, seq) => {
      // Two payments that both cure: the first one recorded is the move; the second is the same place, already taken.
      if (!oneTransitionPerMove || state.stage !== 'CURED') moveTo.recorded(transition, seq);
    },
    cureStepEnded: () => {
      if (oneTransitionPerMove) curesBeingRecorded--;
    },
  });

  // The writes the hold and cease-contact signals hand to the run (replay-safe handlers).
  if (replaySafeHandlers) void interrupts.write();

  // ---- the story ----

  publishSearchAttributes();
  await refreshFigures();
  if (!carried) await moveTo('SCREENED', 'account is overdue: collection started');
  if (state.stage === 'CURED' && !isCured()) await moveTo('REMINDING', 'overdue again: a payment was reversed as the cure was recorded');
  await screenAccount(run, input);
  clock.start();

  /**
   * The account's story after the treatment is chosen: the cadence, then (with the field
   * collection patch) the appointment and the visit. A supervisor's override cuts the
   * cadence short; after the field story the account waits in its stage for a payment or
   * another override.
   */
  async function story(): Promise<void> {
    const choice = state.choice;
    // A run carried on in NEGOTIATION or PLAN_ACTIVE (after an override, say) does not walk the reminders again.
    const carriedOnInNegotiation = negotiationStages && (storyStage() === 'NEGOTIATION' || storyStage() === 'PLAN_ACTIVE');
    if (choice && !isCured() && field.entryAfterReminders(state.escalated) === null && !state.escalated && !carriedOnInNegotiation) {
      const reminders = new CancellationScope();
      const remindersDone = reminders.run(() => cadence.run(choice)).catch((err) => {
        if (!isCancellation(err)) throw err;
      });
      await Promise.race([remindersDone, condition(() => field.overridePending() !== null)]);
      if (field.overridePending()) {
        reminders.cancel();
        await remindersDone;
        await contacts.cancelOpenCallTask();
      }
    }
    for (;;) {
      if (isCured()) return;
      // Runs that escalated before field collection existed replay without the patch: they
      // stay in their stage, waiting for a payment (or an override).
      const entry = field.entryAfterReminders(state.escalated);
      if (field.overridePending() || (entry && patched(FIELD_COLLECTION))) await field.run(entry);
      if (negotiationStages && !isCured() && field.overridePending() === null) {
        const stage = storyStage();
        if (stage === 'NEGOTIATION') {
          await negotiating.run();
          continue;
        }
        if (stage === 'PLAN_ACTIVE' && planFollowUp.planStatus() !== null) {
          await planFollowUp.run(negotiating.policy);
          if (storyStage() !== 'PLAN_ACTIVE' || isCured()) continue;
        }
        if (legalStages && stage === 'LEGAL') {
          await legal.run();
          if (legal.exited()) return;
          continue;
        }
      }
      await condition(() => field.overridePending() !== null || isCured() || (negotiationStages && storyStage() === 'NEGOTIATION') || (legalStages && storyStage() === 'LEGAL'));
    }
  }

  const collection = new CancellationScope();
  const collectionDone = collection
    .run(() => Promise.race([story(), promises.watch()]).then(() => condition(() => false)))
    .catch((err) => {
      if (!isCancellation(err)) throw err;
    });
  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistoryEvents;
  await Promise.race([condition(() => isCured() || continueAsNewDue() || legal.exited()), collectionDone]);

  // An exit of LEGAL (SETTLED, WRITTEN_OFF): the stage recorded the move and released the account's work.
  if (legal.exited()) return afterExit(collection, collectionDone, () => interrupts.written(), () => ({ accountId, outcome: state.stage, summary: summarise() }));

  if (isCured()) {
    collection.cancel();
    await collectionDone;
    state.nextStep = null;
    await CancellationScope.nonCancellable(async () => {
      await contacts.cancelOpenCallTask();
      await field.abandon('cured');
      // A promise pending at the cure is judged now, for the reports (kept, normally).
      if (state.pendingPromise) await promises.settle(state.pendingPromise);
      if (negotiationStages) {
        await negotiating.abandon();
        await planFollowUp.complete();
      }
      if (legalStages) await legal.abandon();
    });
    // A payment step recording the cure is the move; the run records its own only if none did.
    if (oneTransitionPerMove) await condition(() => curesBeingRecorded === 0);
    const exit = negotiationStages && planFollowUp.cured() ? planFollowUp.exit() : 'CURED';
    if (exit !== 'CURED' && state.stage !== exit) await moveTo(exit, 'settlement paid: the rest of the balance written down');
    else if (state.stage !== 'CURED' && !(negotiationStages && isExitStage(state.stage))) await moveTo('CURED', planFollowUp.cured() ? 'plan paid up' : state.paymentsCounted > 0 ? CURED_BY_PAYMENT : 'nothing overdue');
    await condition(() => allHandlersFinished() && interrupts.written());
    if (isCured()) return { accountId, outcome: state.stage, summary: summarise() };
    // A reversal landed while the cure was being recorded: its sender saw an open run,
    // so this chain carries on. A fresh run re-opens the arrears with a fresh cadence.
    log.info('overdue again as the cure was recorded: re-opening', { accountId, amountOverdue: state.figures?.amountOverdue });
    const carriedOn = carriedState();
    const reopened: CarriedState = {
      ...carriedOn,
      cadenceIndex: 0,
      remindingStartedAt: null,
      reopenings: state.reopenings + 1,
      ...(carriedOn.early ? { early: { ...carriedOn.early, cadenceElapsedMs: 0, stepAttempt: 0, nextStepNow: false, escalated: false, field: undefined } } : {}),
    };
    return continueAsNew<AccountCollectionWorkflow>({ accountId, overrides, carried: reopened });
  }

  // Keep history bounded: hand the state to a fresh run once every handler is done. The
  // cadence needs no cancelling: continue-as-new ends this run and its pending timer or
  // contact with it, and the next run resumes at the same step (a contact in flight is not
  // made twice: its idempotency key is the same in the next run).
  await condition(() => allHandlersFinished() && interrupts.written());
  log.info('continuing as new', { accountId, historyLength: workflowInfo().historyLength });
  return continueAsNew<AccountCollectionWorkflow>({ accountId, overrides, carried: carriedState() });
}

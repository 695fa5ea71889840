/**
 * accountCollection generation 3: early collection (SPEC §2 steps 1-4 and 10, §4, §8; issue 6).
 *
 * SCREENED: the figures and the overdue statement are loaded, and the treatment is chosen
 * for the account's segment from config/treatments.json (an activity: the choice and the
 * config version are recorded in history, so a later config change never alters a running
 * cadence). REMINDING: the treatment's steps (SMS, agent call, e-mail) on their day offsets,
 * each through the contact policy; a refused contact waits for the next allowed moment. A
 * promise to pay pauses the cadence until its date; a hold pauses everything (ON_HOLD)
 * until released, and the cadence resumes with the time it had left; cease-contact ends
 * outbound contact for good. Reminders that do not cure lead to the treatment's escalation
 * stage (APPOINTMENT or VISIT; what happens there is the next generation's story).
 *
 * Payments behave as in generation 2: Postgres holds every payment and reversal first,
 * each event counts once, and a payment that clears the overdue amount cures the account
 * from any stage, cancelling whatever step is pending.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AccountFigures } from '../src/domain/account';
import { daysBetween } from '../src/domain/dates';
import {
  callOutcomeSchema,
  ceaseContactSchema,
  holdPlacedSchema,
  holdReleasedSchema,
  promiseToPaySchema,
  type AccountStatement,
  type CallOutcome,
  type ContactStepResult,
  type PendingPromise,
  type PromiseToPay,
  type TreatmentChoice,
} from '../src/domain/early-collection';
import { formatMoney } from '../src/domain/money';
import { isExitStage, type Stage } from '../src/domain/stages';
import { calendarDateIn } from '../src/domain/time-zones';
import { parseOrReject } from '../src/domain/input-problems';
import type { TreatmentStep } from '../src/treatments/schema';
import { databaseStepOptions, outsideStepOptions } from './account-step-options';
import { accountRunState, carriedRunState, recentIds, runSummary } from './account-run-state';
import type { accountCollection } from './account-collection';
import { FIELD_COLLECTION, fieldCollection, type ContactEnd, type ContactRequest } from './field-collection';
import { figuresLane, handlePaymentEvents } from './payment-events';
import { figuresSearchAttributes, searchAttributesPublisher } from './publish-search-attributes';
import { CadenceClock } from './cadence-clock';
import {
  ceaseContactSignal,
  holdPlacedSignal,
  holdReleasedSignal,
  recordCallOutcomeUpdate,
  recordPromiseUpdate,
  statementQuery,
  summaryQuery,
  type AccountCollectionInput,
  type AccountCollectionResult,
  type AccountSummary,
  type CarriedState,
  type PromiseAccepted,
} from './messages';
import { setParsedSignalHandler } from './signal-payloads';
import { ArrearsStage, AssignedAgent, OnHold, Treatment } from './search-attributes';
import { stageMover } from './stage-transitions';

/** A payment that cures records its stage transition in the same local activity. */
export const CURE_IN_ONE_STEP = 'cure-in-one-step';
/** Why a run moved to CURED when a payment cured it, whichever step records the move. */
const CURED_BY_PAYMENT = 'payment cleared the overdue amount';

/** Contacting the borrower: an outside provider, its own timeouts and retries, visible as its own task. */
const contactSteps = proxyActivities<Pick<Activities, 'contactBorrower'>>(outsideStepOptions);

/**
 * Short, idempotent Postgres steps run as local activities, inside the workflow task
 * (generation 2's choice, which keeps a cure at one workflow task; issue 5).
 */
const db = proxyLocalActivities<
  Pick<
    Activities,
    | 'loadAccountStatement'
    | 'applyPaymentEvent'
    | 'recordStageTransition'
    | 'recordAuditEvent'
    | 'chooseTreatment'
    | 'closeCallTask'
    | 'recordCallOutcome'
    | 'recordPromise'
    | 'settlePromise'
    | 'recordHold'
    | 'releaseHold'
    | 'recordCeaseContact'
  >
>(databaseStepOptions);

const DAY_MS = 86_400_000;
/** Continue-as-new well before Temporal's history limits, even if the server does not suggest it. */
const DEFAULT_MAX_HISTORY_EVENTS = 10_000;
/** A hold known to Postgres but not signalled to this run: look again after this long. */
const UNSIGNALLED_HOLD_RECHECK_MS = DAY_MS;

type Hold = { holdId: string; reason: string; placedAt: string };

export async function accountCollectionGeneration3(input: AccountCollectionInput): Promise<AccountCollectionResult> {
  const { accountId, overrides, carried } = input;
  const info = workflowInfo();
  const maxHistoryEvents = overrides?.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const early = carried?.early;
  // Asked once, first: runs started before the patch keep recording a cure in two steps.
  const cureInOneStep = patched(CURE_IN_ONE_STEP);

  const state = {
    ...accountRunState(carried),
    statement: null as AccountStatement | null,
    // ---- early collection ----
    choice: (early?.choice ?? null) as TreatmentChoice | null,
    stepAttempt: early?.stepAttempt ?? 0,
    nextStepNow: early?.nextStepNow ?? false,
    holds: new Map<string, Hold>((early?.holds ?? []).map((h) => [h.holdId, h])),
    releasedHoldIds: new Set(early?.releasedHoldIds ?? []),
    stageBeforeHold: early?.stageBeforeHold ?? null,
    ceased: early?.ceased ?? false,
    ceaseRequestIds: new Set(early?.ceaseRequestIds ?? []),
    pendingPromise: (early?.pendingPromise ?? null) as PendingPromise | null,
    promiseBeingRecorded: false,
    promisesMade: early?.promisesMade ?? 0,
    promisesKept: early?.promisesKept ?? 0,
    promisesBroken: early?.promisesBroken ?? 0,
    callTaskIds: new Set(early?.callTaskIds ?? []),
    answeredCallTaskIds: new Set(early?.answeredCallTaskIds ?? []),
    rightPartyTaskIds: new Set(early?.rightPartyTaskIds ?? []),
    openCallTask: null as { taskId: number; dueBy: string } | null,
    assignedAgent: early?.assignedAgent ?? null,
    escalated: early?.escalated ?? false,
    lastBlockedContact: null as { channel: string; rule: string; nextAllowedAt: string | null } | null,
  };

  const onHold = () => state.holds.size > 0;
  /** The cadence's clock stands still on hold and while a promise is pending. */
  const cadencePaused = () => onHold() || state.pendingPromise !== null;
  const clock = new CadenceClock(early?.cadenceElapsedMs ?? 0, cadencePaused);

  // ---- helpers (closures over this run's state) ----

  // Activities turn the workflow's clock into the business day of the bank's zone.
  const now = () => ({ at: Date.now() });
  const nowIso = () => new Date().toISOString();
  /** Stable across retries and continue-as-new, new for a later run of the same account or a re-opening. */
  const effectKey = (kind: string, n: number | string) =>
    `${info.workflowId}/${info.firstExecutionRunId}${state.reopenings ? `/reopened-${state.reopenings}` : ''}/${kind}/${n}`;
  const isCured = () => state.figures !== undefined && state.figures.amountOverdue === 0;

  const publish = searchAttributesPublisher();
  function publishSearchAttributes(): void {
    const attributes = [
      { key: ArrearsStage, value: state.stage },
      { key: OnHold, value: onHold() },
      ...(state.choice ? [{ key: Treatment, value: state.choice.treatmentId }] : []),
      ...(state.assignedAgent ? [{ key: AssignedAgent, value: state.assignedAgent }] : []),
      ...figuresSearchAttributes(state.figures),
    ];
    publish(attributes);
  }

  const serially = figuresLane();

  function takeFigures(figures: AccountFigures): void {
    state.figures = figures;
    if (figures.amountOverdue === 0 && state.statement) state.statement = { ...state.statement, asOf: figures.asOf, lines: [], totalOverdue: 0 };
    publishSearchAttributes();
  }

  /** The figures and the overdue statement, read together (SPEC §2 step 2). */
  const refreshFigures = () =>
    serially(async () => {
      const { figures, statement } = await db.loadAccountStatement({ accountId, ...now() });
      state.statement = statement;
      takeFigures(figures);
    });

  const moveTo = stageMover({ accountId, state, db, effectKey, publishSearchAttributes });

  /** A stage the story moves to; while on hold it is where the account returns to on release. */
  async function advanceTo(to: Stage, reason: string): Promise<void> {
    if (onHold()) {
      state.stageBeforeHold = to;
      log.info('stage change deferred until the hold is released', { accountId, to, reason });
      return;
    }
    await moveTo(to, reason);
  }

  async function audit(kind: string, key: string, detail: Record<string, unknown>): Promise<void> {
    await db.recordAuditEvent({ idempotencyKey: effectKey(`audit-${kind.toLowerCase()}`, key), accountId, workflowId: info.workflowId, kind, detail, occurredAt: nowIso() });
  }

  /** Today in the bank's zone: promise dates are business days. */
  const businessToday = () => calendarDateIn(Date.now(), state.choice?.businessTimeZone ?? 'UTC');

  function summarise(): AccountSummary {
    const p = state.pendingPromise;
    return {
      ...runSummary(accountId, state),
      treatment: state.choice?.treatmentId ?? '(not chosen yet)',
      treatmentConfigVersion: state.choice?.configVersion ?? null,
      treatmentWhy: state.choice?.why ?? null,
      onHold: onHold(),
      holds: [...state.holds.values()].map((h) => `${h.reason} (${h.holdId}, since ${h.placedAt})`),
      assignedAgent: state.assignedAgent,
      openCallTask: state.openCallTask,
      pendingPromise: p ? { ...p, amountFormatted: formatMoney(p.amount, p.currency) } : null,
      promisesKept: state.promisesKept,
      promisesBroken: state.promisesBroken,
      contactCeased: state.ceased,
      lastBlockedContact: state.lastBlockedContact,
      ...field.summary(),
    };
  }

  function carriedState(): CarriedState {
    return {
      ...carriedRunState(state),
      early: state.choice
        ? {
            choice: state.choice,
            cadenceElapsedMs: clock.elapsed(),
            stepAttempt: state.stepAttempt,
            nextStepNow: state.nextStepNow,
            holds: [...state.holds.values()],
            releasedHoldIds: recentIds(state.releasedHoldIds),
            stageBeforeHold: state.stageBeforeHold,
            ceased: state.ceased,
            ceaseRequestIds: recentIds(state.ceaseRequestIds),
            pendingPromise: state.pendingPromise,
            promisesMade: state.promisesMade,
            promisesKept: state.promisesKept,
            promisesBroken: state.promisesBroken,
            callTaskIds: recentIds(state.callTaskIds),
            answeredCallTaskIds: recentIds(state.answeredCallTaskIds),
            assignedAgent: state.assignedAgent,
            escalated: state.escalated,
            rightPartyTaskIds: recentIds(state.rightPartyTaskIds),
            field: field.carried(),
          }
        : undefined,
    };
  }

  // ---- waiting: durable timers that stand still while the cadence is paused ----

  /**
   * Until `remaining()` reaches 0, standing still while the cadence is paused. False when
   * contact has ceased meanwhile. `bringForward` may end the wait early (a broken promise).
   */
  async function waitStandingStill(remaining: () => number, bringForward?: () => boolean): Promise<boolean> {
    for (;;) {
      if (state.ceased) return false;
      if (cadencePaused()) {
        await condition(() => !cadencePaused() || state.ceased);
        continue;
      }
      if (bringForward?.()) return true;
      const left = remaining();
      if (left <= 0) return true;
      // Only a wait that can be brought forward wakes for a broken promise.
      await condition(() => cadencePaused() || state.ceased || (bringForward !== undefined && state.nextStepNow), left);
    }
  }

  /** Until the cadence clock reads `target` ms; a broken promise (nextStepNow) moves the clock there at once. */
  const waitForCadenceTime = (target: number) =>
    waitStandingStill(
      () => target - clock.elapsed(),
      () => {
        if (!state.nextStepNow) return false;
        state.nextStepNow = false;
        clock.advanceTo(target);
        return true;
      },
    );

  /** Until the instant `at` (a refused contact's next allowed moment). */
  const waitUntil = (at: number) => waitStandingStill(() => at - Date.now());

  /** When a wait on the cadence clock for `target` would end, if nothing pauses it from now. */
  const projectedAt = (target: number) => new Date(Date.now() + Math.max(0, target - clock.elapsed())).toISOString();

  // ---- the cadence ----

  type CallEnd = 'ANSWERED' | 'EXPIRED' | 'INTERRUPTED';

  /** An agent call: the task waits in the agent queue until answered, its window passes, or a hold or cease-contact stops it. */
  async function awaitCall(task: Extract<ContactStepResult, { outcome: 'CALL_TASK_OPENED' }>): Promise<CallEnd> {
    const { taskId, dueBy } = task;
    state.callTaskIds.add(taskId);
    state.openCallTask = { taskId, dueBy };
    if (task.assignedAgent) state.assignedAgent = task.assignedAgent;
    publishSearchAttributes();
    state.nextStep = { action: `agent call: task ${taskId}${task.assignedAgent ? ` (${task.assignedAgent})` : ''}, answer by`, at: dueBy };
    const answered = () => state.answeredCallTaskIds.has(taskId);
    // A pending promise does not stop a call already in the agent's hands; a hold does.
    const stopped = () => answered() || onHold() || state.ceased;
    const remaining = Date.parse(dueBy) - Date.now();
    if (remaining > 0) await condition(stopped, remaining);
    state.openCallTask = null;
    if (answered()) return 'ANSWERED';
    const interrupted = onHold() || state.ceased;
    const { status } = await db.closeCallTask({ taskId, status: interrupted ? 'CANCELLED' : 'EXPIRED', ...now() });
    if (status === 'DONE') {
      // The agent answered as we closed it: the outcome update is on its way.
      await condition(answered);
      return 'ANSWERED';
    }
    log.info(interrupted ? 'call task cancelled' : 'call task expired: no answer in the call window', { accountId, taskId });
    return interrupted ? 'INTERRUPTED' : 'EXPIRED';
  }

  /**
   * One outbound contact through the contact policy: an SMS or e-mail handed to its
   * provider, or a call task waited on until answered or its window passes. A refusal is
   * recorded and waited out (standing still on hold); an opt-out or a recipient not the
   * borrower's skips it; cease-contact stops it for good. `attemptKey` numbers the tries of
   * one contact (a call cancelled by a hold is tried again as a new task).
   */
  async function contactThroughPolicy(request: ContactRequest, attemptKey: (attempt: number) => string, attempt = { n: 0 }): Promise<ContactEnd> {
    for (;;) {
      if (!(await waitUntil(Date.now()))) return { end: 'STOPPED' }; // on hold or waiting for a promised date: not now
      await refreshFigures(); // days past due have grown while we waited
      if (isCured()) return { end: 'STOPPED' };
      const result = await contactSteps.contactBorrower({
        idempotencyKey: attemptKey(attempt.n),
        accountId,
        workflowId: info.workflowId,
        channel: request.channel,
        templateId: request.templateId,
        ...(request.templateVersion ? { templateVersion: request.templateVersion } : {}),
        callWindowHours: request.callWindowHours,
        ...(request.appointmentId === undefined ? {} : { appointmentId: request.appointmentId }),
        ...now(),
      });
      switch (result.outcome) {
        case 'SENT':
        case 'ALREADY_SENT':
          return { end: 'DELIVERED' };
        case 'NO_CONTACT_METHOD':
          return { end: 'UNREACHABLE' };
        case 'NOT_NEEDED':
          // Postgres knew of a payment before we did (the API writes first, then signals).
          await refreshFigures();
          return { end: 'STOPPED' };
        case 'CALL_TASK_OPENED': {
          const call = await awaitCall(result);
          if (call !== 'INTERRUPTED') return { end: 'CALLED', answered: call === 'ANSWERED', taskId: result.taskId };
          attempt.n++; // after the hold, the call is a new task
          continue;
        }
        case 'BLOCKED': {
          state.lastBlockedContact = { channel: request.channel, rule: result.rule, nextAllowedAt: result.nextAllowedAt };
          log.info('contact refused by the contact policy', { accountId, channel: request.channel, rule: result.rule, nextAllowedAt: result.nextAllowedAt });
          if (result.rule === 'CEASE_CONTACT') {
            state.ceased = true;
            return { end: 'STOPPED' };
          }
          // The borrower closed this channel, or the recipient is not theirs: skip it.
          if (result.rule === 'OPTED_OUT' || result.rule === 'THIRD_PARTY') return { end: 'UNREACHABLE' };
          let until = result.nextAllowedAt ? Date.parse(result.nextAllowedAt) : Date.now() + UNSIGNALLED_HOLD_RECHECK_MS;
          // Our own hold: waitUntil stands still until it is released, then we try at once.
          if (!result.nextAllowedAt && result.rule === 'ON_HOLD' && onHold()) until = Date.now();
          state.nextStep = { action: `${request.channel} ${request.templateId} (refused: ${result.rule}; retry)`, at: new Date(until).toISOString() };
          if (!(await waitUntil(until))) return { end: 'STOPPED' };
          continue; // the same key: the contact is still the same contact
        }
      }
    }
  }

  /** One step of the cadence; its tries are counted in the state carried across continue-as-new. */
  async function performStep(step: TreatmentStep, choice: TreatmentChoice): Promise<void> {
    const tries = {
      get n() {
        return state.stepAttempt;
      },
      set n(n: number) {
        state.stepAttempt = n;
      },
    };
    await contactThroughPolicy({ ...step, callWindowHours: choice.callWindowHours }, (n) => effectKey('contact', state.cadenceIndex) + (n ? `/attempt-${n}` : ''), tries);
  }

  async function walkCadence(choice: TreatmentChoice): Promise<void> {
    const { steps, escalation } = choice.treatment;
    for (; state.cadenceIndex < steps.length; state.cadenceIndex++, state.stepAttempt = 0) {
      const step = steps[state.cadenceIndex]!;
      const target = step.dayOffset * DAY_MS;
      state.nextStep = { action: `${step.channel} ${step.templateId}`, at: projectedAt(target) };
      if (!(await waitForCadenceTime(target))) break;
      await performStep(step, choice);
      if (isCured() || state.ceased) break;
    }
    if (isCured()) return;
    if (state.ceased) {
      state.nextStep = null;
      log.info('contact ceased: the cadence stops', { accountId });
      return;
    }
    if (state.escalated) return;
    const lastOffset = steps.at(-1)?.dayOffset ?? 0;
    const target = (lastOffset + escalation.afterDays) * DAY_MS;
    state.nextStep = { action: `escalate to ${escalation.stage}`, at: projectedAt(target) };
    if (!(await waitForCadenceTime(target))) {
      state.nextStep = null;
      return;
    }
    await refreshFigures();
    if (isCured()) return;
    state.escalated = true;
    state.nextStep = null;
    await advanceTo(escalation.stage, `treatment ${choice.treatmentId}: reminders did not cure the account`);
  }

  /** A pending promise is judged when its day (plus grace) has passed: kept → the cadence carries on; broken → its next step now. */
  async function watchPromises(): Promise<never> {
    for (;;) {
      await condition(() => state.pendingPromise !== null);
      const promise = state.pendingPromise!;
      const remaining = Date.parse(promise.checkAt) - Date.now();
      if (remaining > 0) await sleep(remaining);
      await settlePendingPromise(promise);
    }
  }

  async function settlePendingPromise(promise: PendingPromise): Promise<void> {
    const { status, amountPaid } = await db.settlePromise({ promiseId: promise.promiseId, accountId, ...now() });
    state.pendingPromise = null;
    if (status === 'KEPT') {
      state.promisesKept++;
    } else {
      state.promisesBroken++;
      state.nextStepNow = true; // the next escalation step, at once
    }
    clock.sync();
    log.info(`promise to pay ${status === 'KEPT' ? 'kept' : 'broken'}`, { accountId, promiseId: promise.promiseId, amountPaid });
  }

  /** The run's open call task is no longer needed (cured, overridden, confirmed meanwhile). */
  async function cancelOpenCallTask(): Promise<void> {
    if (!state.openCallTask) return;
    const { taskId } = state.openCallTask;
    state.openCallTask = null;
    await db.closeCallTask({ taskId, status: 'CANCELLED', ...now() });
  }

  // ---- handlers: registered before the first await ----

  const field = fieldCollection(
    {
      accountId,
      workflowId: info.workflowId,
      treatmentId: () => state.choice?.treatmentId ?? null,
      // On hold: the stage the account returns to on release (where its story is).
      stage: () => (state.stage === 'ON_HOLD' ? (state.stageBeforeHold ?? state.stage) : state.stage),
      isCured,
      onHold,
      ceased: () => state.ceased,
      rightPartyReached: (taskId) => state.rightPartyTaskIds.has(taskId),
      contact: (request, attemptKey) => contactThroughPolicy(request, attemptKey),
      cancelOpenCallTask,
      advanceTo,
      audit,
      effectKey,
      setNextStep: (step) => {
        state.nextStep = step;
      },
      ready: () => state.choice !== null && state.figures !== undefined,
    },
    early?.field,
  );

  setHandler(summaryQuery, summarise);
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
    // search-attribute write less per cure, at 100 cures/s (issue 5). Keyed by the event, so
    // it cannot collide with the run's numbered moves.
    cureTransition: (event) =>
      cureInOneStep && state.stage !== 'CURED' ? moveTo.transition('CURED', CURED_BY_PAYMENT, effectKey('stage-cure', event.eventId)) : undefined,
    cureRecorded: (transition) => moveTo.recorded(transition),
  });

  setParsedSignalHandler(holdPlacedSignal, holdPlacedSchema, accountId, async (hold) => {
    if (state.holds.has(hold.holdId) || state.releasedHoldIds.has(hold.holdId)) {
      log.info('duplicate or already released hold ignored', { accountId, holdId: hold.holdId });
      return;
    }
    const firstHold = !onHold();
    // Pause first (synchronously), so no step starts while the hold is being recorded.
    state.holds.set(hold.holdId, { holdId: hold.holdId, reason: hold.reason, placedAt: nowIso() });
    clock.sync();
    try {
      await db.recordHold({ accountId, workflowId: info.workflowId, hold, ...now() });
      if (firstHold && !isExitStage(state.stage)) {
        state.stageBeforeHold = state.stage;
        await moveTo('ON_HOLD', `hold placed: ${hold.reason}`);
      } else {
        publishSearchAttributes();
      }
    } catch (err) {
      log.error('hold could not be recorded', { accountId, holdId: hold.holdId, error: String(err) });
    }
  });

  setParsedSignalHandler(holdReleasedSignal, holdReleasedSchema, accountId, async ({ holdId }) => {
    if (!state.holds.has(holdId)) {
      // Remembered, so a holdPlaced that arrives after its own release does not pause anything.
      state.releasedHoldIds.add(holdId);
      log.info('release of a hold not in force ignored', { accountId, holdId });
      return;
    }
    state.holds.delete(holdId);
    state.releasedHoldIds.add(holdId);
    clock.sync(); // the cadence resumes with the time it had left
    try {
      await db.releaseHold({ accountId, holdId, ...now() });
      if (!onHold() && state.stage === 'ON_HOLD') {
        const back = state.stageBeforeHold ?? 'REMINDING';
        state.stageBeforeHold = null;
        await moveTo(back, `hold released: ${holdId}`);
      } else {
        publishSearchAttributes();
      }
    } catch (err) {
      log.error('hold release could not be recorded', { accountId, holdId, error: String(err) });
    }
  });

  setParsedSignalHandler(ceaseContactSignal, ceaseContactSchema, accountId, async (request) => {
    if (state.ceaseRequestIds.has(request.requestId)) {
      log.info('duplicate cease-contact request ignored', { accountId, requestId: request.requestId });
      return;
    }
    state.ceaseRequestIds.add(request.requestId);
    state.ceased = true;
    try {
      await db.recordCeaseContact({ accountId, workflowId: info.workflowId, request, ...now() });
      log.info('contact ceased', { accountId, requestId: request.requestId, scope: request.scope });
    } catch (err) {
      log.error('cease-contact could not be recorded', { accountId, requestId: request.requestId, error: String(err) });
    }
  });

  setHandler(
    recordCallOutcomeUpdate,
    async (raw: CallOutcome) => {
      const outcome = callOutcomeSchema.parse(raw);
      // Claimed before the first await: a second outcome for the task is rejected by the validator.
      state.answeredCallTaskIds.add(outcome.taskId);
      // Known with the claim: the appointment's call reads it as soon as the call ends.
      if (outcome.rightPartyReached) state.rightPartyTaskIds.add(outcome.taskId);
      try {
        const recorded = await db.recordCallOutcome({ accountId, workflowId: info.workflowId, outcome, ...now() });
        // The reason (illness, say) may be personal data: stored, not logged.
        log.info('call outcome recorded', { accountId, taskId: outcome.taskId, rightPartyReached: outcome.rightPartyReached });
        return recorded;
      } catch (err) {
        state.answeredCallTaskIds.delete(outcome.taskId);
        state.rightPartyTaskIds.delete(outcome.taskId);
        throw ApplicationFailure.create({ type: 'CallOutcomeNotRecorded', message: `the call outcome could not be stored: ${String(err)}`, nonRetryable: true });
      }
    },
    {
      validator: (raw: CallOutcome) => {
        const outcome = parseOrReject('recordCallOutcome', callOutcomeSchema, raw);
        if (!state.callTaskIds.has(outcome.taskId) && state.openCallTask?.taskId !== outcome.taskId)
          throw new Error(`task ${outcome.taskId} is not a call task of account ${accountId}`);
        if (state.answeredCallTaskIds.has(outcome.taskId)) throw new Error(`an outcome for task ${outcome.taskId} is already recorded`);
      },
    },
  );

  setHandler(
    recordPromiseUpdate,
    async (raw: PromiseToPay): Promise<PromiseAccepted> => {
      const promise = promiseToPaySchema.parse(raw);
      const choice = state.choice!; // the validator checked
      state.promiseBeingRecorded = true;
      try {
        const n = state.promisesMade++;
        const recorded = await db.recordPromise({
          idempotencyKey: effectKey('promise', n),
          accountId,
          workflowId: info.workflowId,
          promise,
          graceDays: choice.promisePolicy.graceDays,
          ...now(),
        });
        state.pendingPromise = { promiseId: recorded.promiseId, amount: recorded.amount, currency: promise.currency, promisedFor: promise.promisedFor, checkAt: recorded.checkAt };
        clock.sync();
        log.info('promise to pay recorded', { accountId, promiseId: recorded.promiseId, promisedFor: promise.promisedFor, checkAt: recorded.checkAt });
        return { promiseId: recorded.promiseId, checkAt: recorded.checkAt };
      } catch (err) {
        throw ApplicationFailure.create({ type: 'PromiseNotRecorded', message: `the promise could not be stored: ${String(err)}`, nonRetryable: true });
      } finally {
        state.promiseBeingRecorded = false;
      }
    },
    {
      validator: (raw: PromiseToPay) => {
        const promise = parseOrReject('recordPromise', promiseToPaySchema, raw);
        if (isExitStage(state.stage) || isCured()) throw new Error(`account ${accountId} has nothing overdue: no promise needed`);
        if (!state.choice || !state.figures) throw new Error(`account ${accountId} is still being set up: try again in a moment`);
        if (state.pendingPromise || state.promiseBeingRecorded) throw new Error(`a promise is already pending${state.pendingPromise ? ` (for ${state.pendingPromise.promisedFor})` : ''}`);
        if (promise.currency !== state.figures.currency) throw new Error(`currency: the account is in ${state.figures.currency}, not ${promise.currency}`);
        const today = businessToday();
        const daysAhead = daysBetween(today, promise.promisedFor);
        if (daysAhead < 0) throw new Error(`promisedFor: ${promise.promisedFor} is in the past (today is ${today})`);
        const { horizonDays } = state.choice.promisePolicy;
        if (daysAhead > horizonDays) throw new Error(`promisedFor: ${promise.promisedFor} is more than ${horizonDays} days ahead (the horizon)`);
      },
    },
  );

  // ---- the story ----

  publishSearchAttributes();
  await refreshFigures();
  if (!carried) await moveTo('SCREENED', 'account is overdue: collection started');
  if (state.stage === 'CURED' && !isCured()) await moveTo('REMINDING', 'overdue again: a payment was reversed as the cure was recorded');

  if (!isCured() && !state.choice) {
    const choice = await db.chooseTreatment({ accountId, ...(overrides?.treatment ? { requestedTreatment: overrides.treatment } : {}), ...now() });
    state.choice = choice;
    if (carried && !early && state.remindingStartedAt !== null) {
      // Carried from a generation 2 run: its cadence already walked part of the way. Carry on
      // with the steps not yet due, on the new treatment's offsets.
      clock.advanceTo(Date.now() - state.remindingStartedAt);
      const elapsedDays = clock.elapsed() / DAY_MS;
      const next = choice.treatment.steps.findIndex((s) => s.dayOffset >= elapsedDays);
      state.cadenceIndex = next === -1 ? choice.treatment.steps.length : next;
    }
    upsertMemo({ treatment: { id: choice.treatmentId, configVersion: choice.configVersion, why: choice.why } });
    publishSearchAttributes();
    await audit('TREATMENT_CHOSEN', 'chosen', { treatmentId: choice.treatmentId, configVersion: choice.configVersion, why: choice.why, segment: choice.segment });
  }
  const stillScreened = state.stage === 'SCREENED' || (state.stage === 'ON_HOLD' && state.stageBeforeHold === 'SCREENED');
  if (!isCured() && stillScreened) await advanceTo('REMINDING', `treatment ${state.choice!.treatmentId} (config ${state.choice!.configVersion}): ${state.choice!.why}`);
  clock.start();

  /**
   * The account's story after the treatment is chosen: the cadence, then (with the field
   * collection patch) the appointment and the visit. A supervisor's override cuts the
   * cadence short; after the field story the account waits in its stage for a payment or
   * another override.
   */
  async function story(): Promise<void> {
    const choice = state.choice;
    if (choice && !isCured() && field.entryAfterReminders(state.escalated) === null && !state.escalated) {
      const reminders = new CancellationScope();
      const remindersDone = reminders.run(() => walkCadence(choice)).catch((err) => {
        if (!isCancellation(err)) throw err;
      });
      await Promise.race([remindersDone, condition(() => field.overridePending() !== null)]);
      if (field.overridePending()) {
        reminders.cancel();
        await remindersDone;
        await cancelOpenCallTask();
      }
    }
    for (;;) {
      if (isCured()) return;
      // Runs that escalated before field collection existed replay without the patch: they
      // stay in their stage, waiting for a payment (or an override).
      const entry = field.entryAfterReminders(state.escalated);
      if (field.overridePending() || (entry && patched(FIELD_COLLECTION))) await field.run(entry);
      await condition(() => field.overridePending() !== null || isCured());
    }
  }

  const collection = new CancellationScope();
  const collectionDone = collection
    .run(() => Promise.race([story(), watchPromises()]).then(() => condition(() => false)))
    .catch((err) => {
      if (!isCancellation(err)) throw err;
    });
  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistoryEvents;
  await Promise.race([condition(() => isCured() || continueAsNewDue()), collectionDone]);

  if (isCured()) {
    collection.cancel();
    await collectionDone;
    state.nextStep = null;
    await CancellationScope.nonCancellable(async () => {
      await cancelOpenCallTask();
      await field.abandon('cured');
      // A promise pending at the cure is judged now, for the reports (kept, normally).
      if (state.pendingPromise) await settlePendingPromise(state.pendingPromise);
    });
    if (state.stage !== 'CURED') await moveTo('CURED', state.paymentsCounted > 0 ? CURED_BY_PAYMENT : 'nothing overdue');
    await condition(allHandlersFinished);
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
    return continueAsNew<typeof accountCollection>({ accountId, overrides, carried: reopened });
  }

  // Keep history bounded: hand the state to a fresh run once every handler is done. The
  // cadence needs no cancelling: continue-as-new ends this run and its pending timer or
  // contact with it, and the next run resumes at the same step (a contact in flight is not
  // made twice: its idempotency key is the same in the next run).
  await condition(allHandlersFinished);
  log.info('continuing as new', { accountId, historyLength: workflowInfo().historyLength });
  return continueAsNew<typeof accountCollection>({ accountId, overrides, carried: carriedState() });
}

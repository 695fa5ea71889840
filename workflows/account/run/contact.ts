/**
 * Contacting the borrower, for every stage (SPEC §2 steps 3 and 5, §4): one outbound contact
 * through the contact policy — an SMS or e-mail handed to its provider, or a call task for an
 * agent waited on until answered or its window passes — and the agent's answer to a call
 * task (the recordCallOutcome update). A refusal is recorded and waited out (standing still
 * on hold); an opt-out or a recipient not the borrower's skips the contact; cease-contact
 * stops it for good.
 */
import { condition, log, proxyActivities } from '@temporalio/workflow';
import { localSteps } from './local-steps';
import { contactStepOptions } from './step-summaries';
import type { createCallOutcomeActivities } from '../../../activities/call-outcomes';
import type { createContactActivities } from '../../../activities/contact';
import { callOutcomeSchema, type ContactStepResult } from '../../../src/domain/early-collection';
import { recordCallOutcomeUpdate } from '../contract';
import type { ContactEnd, ContactRequest } from '../stages/stage';
import type { AccountRun } from './account-run';
import { databaseStepOptions, outsideStepOptions } from './step-options';
import { setStoringUpdateHandler } from './update-handlers';

type ContactActivities = ReturnType<typeof createContactActivities>;
type CallOutcomeActivities = ReturnType<typeof createCallOutcomeActivities>;

/** Contacting the borrower: an outside provider, its own timeouts and retries, visible as its own task. */
const contactSteps = (summary: Parameters<typeof contactStepOptions>[1]) => proxyActivities<Pick<ContactActivities, 'contactBorrower'>>(contactStepOptions(outsideStepOptions, summary));
/** Call tasks and their outcomes: short Postgres steps, as local activities. */
const callTasks = localSteps<Pick<ContactActivities, 'closeCallTask'> & Pick<CallOutcomeActivities, 'recordCallOutcome'>>(databaseStepOptions);

const DAY_MS = 86_400_000;
/** A hold known to Postgres but not signalled to this run: look again after this long. */
const UNSIGNALLED_HOLD_RECHECK_MS = DAY_MS;

type CallEnd = 'ANSWERED' | 'EXPIRED' | 'INTERRUPTED';

export interface BorrowerContact {
  /**
   * One outbound contact through the contact policy. `attemptKey` numbers the tries of one
   * contact (a call cancelled by a hold is tried again as a new task); `attempt` counts them.
   */
  contact(request: ContactRequest, attemptKey: (attempt: number) => string, attempt?: { n: number }): Promise<ContactEnd>;
  /** The run's open call task is no longer needed (cured, overridden, confirmed meanwhile). */
  cancelOpenCallTask(): Promise<void>;
}

/** Registers recordCallOutcome; call before the run's first await. */
export function borrowerContact(run: AccountRun): BorrowerContact {
  const { accountId, workflowId, state, now } = run;

  /** An agent call: the task waits in the agent queue until answered, its window passes, or a hold or cease-contact stops it. */
  async function awaitCall(task: Extract<ContactStepResult, { outcome: 'CALL_TASK_OPENED' }>): Promise<CallEnd> {
    const { taskId, dueBy } = task;
    state.callTaskIds.add(taskId);
    state.openCallTask = { taskId, dueBy };
    if (task.assignedAgent) state.assignedAgent = task.assignedAgent;
    run.publishSearchAttributes();
    state.nextStep = { action: `agent call: task ${taskId}${task.assignedAgent ? ` (${task.assignedAgent})` : ''}, answer by`, at: dueBy };
    const answered = () => state.answeredCallTaskIds.has(taskId);
    // A pending promise does not stop a call already in the agent's hands; a hold does.
    const stopped = () => answered() || run.onHold() || state.ceased;
    const remaining = Date.parse(dueBy) - Date.now();
    if (remaining > 0) await condition(stopped, remaining);
    state.openCallTask = null;
    if (answered()) return 'ANSWERED';
    const interrupted = run.onHold() || state.ceased;
    const { status } = await callTasks.closeCallTask({ taskId, status: interrupted ? 'CANCELLED' : 'EXPIRED', ...now() });
    if (status === 'DONE') {
      // The agent answered as we closed it: the outcome update is on its way.
      await condition(answered);
      return 'ANSWERED';
    }
    log.info(interrupted ? 'call task cancelled' : 'call task expired: no answer in the call window', { accountId, taskId });
    return interrupted ? 'INTERRUPTED' : 'EXPIRED';
  }

  async function contact(request: ContactRequest, attemptKey: (attempt: number) => string, attempt = { n: 0 }): Promise<ContactEnd> {
    for (;;) {
      if (!(await run.waitUntil(Date.now()))) return { end: 'STOPPED' }; // on hold or waiting for a promised date: not now
      await run.refreshFigures(); // days past due have grown while we waited
      if (run.isCured()) return { end: 'STOPPED' };
      const result = await contactSteps({ ...request, attempt: attempt.n }).contactBorrower({
        idempotencyKey: attemptKey(attempt.n),
        accountId,
        workflowId,
        channel: request.channel,
        templateId: request.templateId,
        ...(request.templateVersion ? { templateVersion: request.templateVersion } : {}),
        callWindowHours: request.callWindowHours,
        ...(request.appointmentId === undefined ? {} : { appointmentId: request.appointmentId }),
        ...(request.offerId === undefined ? {} : { offerId: request.offerId }),
        ...(request.planInstalment === undefined ? {} : { planInstalment: request.planInstalment }),
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
          await run.refreshFigures();
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
          if (!result.nextAllowedAt && result.rule === 'ON_HOLD' && run.onHold()) until = Date.now();
          state.nextStep = { action: `${request.channel} ${request.templateId} (refused: ${result.rule}; retry)`, at: new Date(until).toISOString() };
          if (!(await run.waitUntil(until))) return { end: 'STOPPED' };
          continue; // the same key: the contact is still the same contact
        }
      }
    }
  }

  async function cancelOpenCallTask(): Promise<void> {
    if (!state.openCallTask) return;
    const { taskId } = state.openCallTask;
    state.openCallTask = null;
    await callTasks.closeCallTask({ taskId, status: 'CANCELLED', ...now() });
  }

  /**
   * The agent's answer to a call task. The validator rejects a malformed outcome, or one for
   * a task that is not this account's open call; the outcome is stored before the update returns.
   */
  setStoringUpdateHandler(recordCallOutcomeUpdate, {
    schema: callOutcomeSchema,
    validate(outcome) {
      if (!state.callTaskIds.has(outcome.taskId) && state.openCallTask?.taskId !== outcome.taskId) throw new Error(`task ${outcome.taskId} is not a call task of account ${accountId}`);
      if (state.answeredCallTaskIds.has(outcome.taskId) || state.callOutcomesBeingRecorded.has(outcome.taskId))
        throw new Error(`an outcome for task ${outcome.taskId} is already recorded`);
    },
    async store(outcome) {
      if (run.replaySafeHandlers) {
        // Stored first; only then does the run see the call answered (and by whom), with nothing awaited after.
        state.callOutcomesBeingRecorded.add(outcome.taskId);
        try {
          const recorded = await callTasks.recordCallOutcome({ accountId, workflowId, outcome, ...now() });
          state.answeredCallTaskIds.add(outcome.taskId);
          if (outcome.rightPartyReached) state.rightPartyTaskIds.add(outcome.taskId);
          log.info('call outcome recorded', { accountId, taskId: outcome.taskId, rightPartyReached: outcome.rightPartyReached });
          return recorded;
        } finally {
          state.callOutcomesBeingRecorded.delete(outcome.taskId);
        }
      }
      // Claimed before the first await: a second outcome for the task is rejected by the validator.
      state.answeredCallTaskIds.add(outcome.taskId);
      // Known with the claim: the appointment's call reads it as soon as the call ends.
      if (outcome.rightPartyReached) state.rightPartyTaskIds.add(outcome.taskId);
      try {
        const recorded = await callTasks.recordCallOutcome({ accountId, workflowId, outcome, ...now() });
        // The reason (illness, say) may be personal data: stored, not logged.
        log.info('call outcome recorded', { accountId, taskId: outcome.taskId, rightPartyReached: outcome.rightPartyReached });
        return recorded;
      } catch (err) {
        state.answeredCallTaskIds.delete(outcome.taskId);
        state.rightPartyTaskIds.delete(outcome.taskId);
        throw err;
      }
    },
    notStored: { type: 'CallOutcomeNotRecorded', message: (err) => `the call outcome could not be stored: ${String(err)}` },
  });

  return { contact, cancelOpenCallTask };
}

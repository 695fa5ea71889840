/**
 * Issue 6 §2: the agent's answer to a call task, stored in one transaction: the outcome
 * (once per task: a retried update or activity finds the first), the task closed, and
 * whether the call connected on its contact attempt, which the contact policy counts
 * (connected calls per day, the quiet period after a conversation).
 *
 * A late answer still counts: a task whose call window passed (EXPIRED) or that was no
 * longer needed (CANCELLED) takes the outcome and is closed as DONE, because the call
 * happened and the borrower's words are a fact for the record and the caps.
 *
 * The note is free text and may hold personal data; so may the reason (an illness):
 * neither is logged.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { closeCallTask, insertCallOutcome, lockCallTask } from '../src/db/call-outcomes';
import { inTransaction } from '../src/db/pool';
import { recordCallOutcome as markCallAttempt } from '../src/contact-policy/records';
import type { CallOutcomeRecorded, RecordCallOutcomeInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import type { ActivityDeps } from './deps';

export function createCallOutcomeActivities({ pool }: ActivityDeps) {
  return {
    async recordCallOutcome({ accountId, workflowId, outcome, at }: RecordCallOutcomeInput): Promise<CallOutcomeRecorded> {
      const { taskId } = outcome;
      const recorded = await inTransaction(pool, async (tx) => {
        const task = await lockCallTask(tx, taskId);
        if (!task || task.account_id !== accountId) {
          throw ApplicationFailure.create({ type: FailureType.UnknownCallTask, message: `call task ${taskId} is not a call task of account ${accountId}`, nonRetryable: true });
        }
        const row = await insertCallOutcome(tx, { accountId, workflowId, outcome, recordedAt: new Date(at) });
        // Only the first outcome speaks for the call: a different second answer changes nothing.
        if (row.inserted) {
          await closeCallTask(tx, taskId, new Date(at));
          if (task.contact_attempt_id !== null) await markCallAttempt(tx, task.contact_attempt_id, outcome.rightPartyReached ? 'CONNECTED' : 'UNANSWERED');
        }
        return { row, statusBefore: task.status };
      });
      const message = recorded.row.inserted ? 'call outcome recorded' : 'call outcome already recorded for this task; kept the first';
      log.info(message, { accountId, workflowId, taskId, callOutcomeId: recorded.row.id, rightPartyReached: outcome.rightPartyReached, taskStatusBefore: recorded.statusBefore });
      return { taskId, callOutcomeId: recorded.row.id };
    },
  };
}

/**
 * Issue 6 §4: holds and cease-contact in Postgres, where the contact policy reads them
 * before every outbound contact, so a contact activity already under way when the signal
 * arrives is refused too. Each write is once per the sender's id (holdId, requestId).
 *
 * A hold's note may hold personal data (a hardship claim, a death): it is stored, never logged.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { borrowerOfAccount, placeHoldOnce, recordCeaseRequestOnce, releaseHoldOnce } from '../src/db/holds';
import type { RecordCeaseContactInput, RecordHoldInput, ReleaseHoldInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import type { ActivityDeps } from './deps';

export function createHoldActivities({ pool }: ActivityDeps) {
  return {
    async recordHold({ accountId, workflowId, hold, at }: RecordHoldInput): Promise<void> {
      const placed = await placeHoldOnce(pool, { holdId: hold.holdId, accountId, workflowId, reason: hold.reason, note: hold.note ?? null, placedAt: new Date(at) });
      log.info(placed ? 'hold placed' : 'hold already recorded', { accountId, workflowId, holdId: hold.holdId, reason: hold.reason });
    },

    /** An unknown hold, or one already released, is a no-op: the signal may repeat or come first. */
    async releaseHold({ accountId, holdId, at }: ReleaseHoldInput): Promise<void> {
      const released = await releaseHoldOnce(pool, accountId, holdId, new Date(at));
      log.info(released ? 'hold released' : 'no such hold in force; nothing to release', { accountId, holdId });
    },

    /** Scope BORROWER covers every account of the borrower (account_id NULL); ACCOUNT this one. */
    async recordCeaseContact({ accountId, workflowId, request, at }: RecordCeaseContactInput): Promise<void> {
      const borrowerId = await borrowerOfAccount(pool, accountId);
      if (!borrowerId) throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      const recorded = await recordCeaseRequestOnce(pool, {
        requestId: request.requestId,
        borrowerId,
        accountId: request.scope === 'BORROWER' ? null : accountId,
        workflowId,
        requestedAt: new Date(at),
      });
      log.info(recorded ? 'cease-contact recorded' : 'cease-contact already recorded', { accountId, workflowId, requestId: request.requestId, scope: request.scope });
    },
  };
}

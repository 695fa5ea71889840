/** Loading an account's figures from the system of record. */
import { ApplicationFailure } from '@temporalio/common';
import type { AccountFigures } from '../src/domain/account';
import type { IsoDate } from '../src/domain/dates';
import { FailureType } from '../src/domain/failures';
import { loadAccountFigures } from '../src/db/account-figures';
import type { ActivityDeps } from './deps';

export function createAccountActivities({ pool }: ActivityDeps) {
  return {
    async loadAccountFigures({ accountId, asOf }: { accountId: string; asOf: IsoDate }): Promise<AccountFigures> {
      const figures = await loadAccountFigures(pool, accountId, asOf);
      if (!figures) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      }
      return figures;
    },
  };
}

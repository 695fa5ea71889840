/** Loading an account's figures from the system of record. */
import { ApplicationFailure } from '@temporalio/common';
import type { AccountFigures } from '../src/domain/account';
import { FailureType } from '../src/domain/failures';
import { loadAccountFigures } from '../src/db/account-figures';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export function createAccountActivities({ pool, businessTimeZone }: ActivityDeps) {
  return {
    async loadAccountFigures({ accountId, ...moment }: { accountId: string } & BusinessMoment): Promise<AccountFigures> {
      const figures = await loadAccountFigures(pool, accountId, businessDayOf(moment, businessTimeZone));
      if (!figures) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      }
      return figures;
    },
  };
}

/**
 * Confirmation (SPEC §2 step 2, issue 6 §1): the account's figures and its overdue
 * statement, for the `statement` query. Runs as a local activity, so it is two short
 * queries in one read-only snapshot: a payment landing between them cannot make the
 * statement's total disagree with the figures.
 */
import { ApplicationFailure } from '@temporalio/common';
import { loadAccountFigures } from '../src/db/account-figures';
import { inTransaction } from '../src/db/pool';
import { loadStatementLines } from '../src/db/statement';
import type { FiguresAndStatement } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export interface LoadStatementInput extends BusinessMoment {
  accountId: string;
}

export function createStatementActivities({ pool, businessTimeZone }: ActivityDeps) {
  return {
    async loadAccountStatement(input: LoadStatementInput): Promise<FiguresAndStatement> {
      const { accountId } = input;
      const asOf = businessDayOf(input, businessTimeZone);
      const { figures, lines } = await inTransaction(pool, async (db) => {
        await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return { figures: await loadAccountFigures(db, accountId, asOf), lines: await loadStatementLines(db, accountId, asOf) };
      });
      if (!figures) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      }
      const totalOverdue = lines.at(-1)?.runningTotal ?? 0;
      return { figures, statement: { accountId, asOf, currency: figures.currency, lines, totalOverdue } };
    },
  };
}

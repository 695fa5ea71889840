/** Issue 6 §1: the overdue statement (stub: being implemented). */
import type { FiguresAndStatement } from '../src/domain/early-collection';
import type { BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export interface LoadStatementInput extends BusinessMoment {
  accountId: string;
}

export function createStatementActivities(_deps: ActivityDeps) {
  return {
    async loadAccountStatement(_input: LoadStatementInput): Promise<FiguresAndStatement> {
      throw new Error('not implemented yet');
    },
  };
}

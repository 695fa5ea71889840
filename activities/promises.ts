/** Issue 6 §3: promises to pay (stub: being implemented). */
import type { PromiseRecorded, PromiseSettled, RecordPromiseInput } from '../src/domain/early-collection';
import type { ActivityDeps } from './deps';

export interface SettlePromiseInput {
  promiseId: number;
  accountId: string;
  at: number;
}

export function createPromiseActivities(_deps: ActivityDeps) {
  return {
    async recordPromise(_input: RecordPromiseInput): Promise<PromiseRecorded> {
      throw new Error('not implemented yet');
    },
    async settlePromise(_input: SettlePromiseInput): Promise<PromiseSettled> {
      throw new Error('not implemented yet');
    },
  };
}

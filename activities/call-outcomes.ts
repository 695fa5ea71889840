/** Issue 6 §2: the agent's call outcome (stub: being implemented). */
import type { CallOutcomeRecorded, RecordCallOutcomeInput } from '../src/domain/early-collection';
import type { ActivityDeps } from './deps';

export function createCallOutcomeActivities(_deps: ActivityDeps) {
  return {
    async recordCallOutcome(_input: RecordCallOutcomeInput): Promise<CallOutcomeRecorded> {
      throw new Error('not implemented yet');
    },
  };
}

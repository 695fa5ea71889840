/** Issue 6 §4: holds and cease-contact in Postgres, where the contact policy reads them (stub: being implemented). */
import type { RecordCeaseContactInput, RecordHoldInput, ReleaseHoldInput } from '../src/domain/early-collection';
import type { ActivityDeps } from './deps';

export function createHoldActivities(_deps: ActivityDeps) {
  return {
    async recordHold(_input: RecordHoldInput): Promise<void> {
      throw new Error('not implemented yet');
    },
    async releaseHold(_input: ReleaseHoldInput): Promise<void> {
      throw new Error('not implemented yet');
    },
    async recordCeaseContact(_input: RecordCeaseContactInput): Promise<void> {
      throw new Error('not implemented yet');
    },
  };
}

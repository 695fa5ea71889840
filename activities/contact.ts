/** Issue 6 §2, §4: one outbound contact step through the contact policy (stub: being implemented). */
import type { ContactStepInput, ContactStepResult } from '../src/domain/early-collection';
import type { ActivityDeps } from './deps';

export interface CloseCallTaskInput {
  taskId: number;
  /** EXPIRED: the call window passed; CANCELLED: no longer needed (cured, on hold, ceased) */
  status: 'EXPIRED' | 'CANCELLED';
  at: number;
}

export function createContactActivities(_deps: ActivityDeps) {
  return {
    async contactBorrower(_input: ContactStepInput): Promise<ContactStepResult> {
      throw new Error('not implemented yet');
    },
    /** Closes the task if still OPEN; a task already DONE stays DONE. Returns its status after. */
    async closeCallTask(_input: CloseCallTaskInput): Promise<{ status: 'DONE' | 'EXPIRED' | 'CANCELLED' }> {
      throw new Error('not implemented yet');
    },
  };
}

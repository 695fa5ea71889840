/** Issue 6 §1: choosing the treatment (stub: being implemented). */
import type { TreatmentChoice } from '../src/domain/early-collection';
import type { BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export interface ChooseTreatmentInput extends BusinessMoment {
  accountId: string;
  /** overrides.treatment: this treatment instead of the segment's */
  requestedTreatment?: string;
}

export function createTreatmentActivities(_deps: ActivityDeps) {
  return {
    async chooseTreatment(_input: ChooseTreatmentInput): Promise<TreatmentChoice> {
      throw new Error('not implemented yet');
    },
  };
}

/**
 * Choosing the treatment (SPEC §2 step 2, issue 6 §1): the account's segment from
 * Postgres, matched against config/treatments.json as the worker loaded it at start. The
 * answer carries the whole treatment and the promise and call settings, and is recorded in
 * the workflow's history: a later config change does not alter a cadence already running.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TreatmentChoice } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../src/domain/time-zones';
import { assignExperiment } from '../src/treatments/assign-experiment';
import { chooseTreatment } from '../src/treatments/choose-treatment';
import { loadExperiments, loadTreatments } from '../src/treatments/load';
import { loadSegment } from '../src/treatments/segment';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export interface ChooseTreatmentInput extends BusinessMoment {
  accountId: string;
  /** overrides.treatment: this treatment instead of the segment's */
  requestedTreatment?: string;
}

export const REQUESTED_WHY = "requested by the workflow's overrides";

export function createTreatmentActivities({ pool, businessTimeZone = DEFAULT_BUSINESS_TIME_ZONE, treatments = loadTreatments(), experiments = loadExperiments(undefined, treatments) }: ActivityDeps) {
  return {
    async chooseTreatment(input: ChooseTreatmentInput): Promise<TreatmentChoice> {
      const { accountId, requestedTreatment } = input;
      const segment = await loadSegment(pool, accountId, businessDayOf(input, businessTimeZone));
      if (!segment) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      }
      const settings = {
        configVersion: treatments.version,
        segment,
        promisePolicy: treatments.promises,
        callWindowHours: treatments.calls.windowHours,
        businessTimeZone,
      };
      if (requestedTreatment !== undefined) {
        const treatment = Object.hasOwn(treatments.treatments, requestedTreatment) ? treatments.treatments[requestedTreatment] : undefined;
        if (!treatment) {
          throw ApplicationFailure.create({
            type: FailureType.UnknownTreatment,
            message: `no treatment ${requestedTreatment} in treatments config ${treatments.version} (known: ${Object.keys(treatments.treatments).sort().join(', ')})`,
            nonRetryable: true,
          });
        }
        return { treatmentId: requestedTreatment, treatment, why: REQUESTED_WHY, ...settings };
      }
      const chosen = chooseTreatment(segment, treatments);
      const rule = chosen.ruleIndex === null ? undefined : treatments.rules[chosen.ruleIndex];
      const why = rule?.why ?? `No rule of treatments config ${treatments.version} matches this segment, so the default treatment ${chosen.treatmentId} applies.`;
      // Champion/challenger (issue 18 §4): an active experiment whose champion the rules chose
      // puts a stable share of accounts on the challenger; a requested treatment is never in one.
      const { treatmentId, experiment } = assignExperiment(accountId, chosen.treatmentId, experiments);
      if (!experiment) return { treatmentId, treatment: chosen.treatment, why, ...settings };
      return {
        treatmentId,
        treatment: treatments.treatments[treatmentId]!,
        why: `${why} Experiment ${experiment.id} (config ${experiment.configVersion}): ${experiment.arm} arm.`,
        experiment,
        ...settings,
      };
    },
  };
}

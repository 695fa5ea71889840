/**
 * SCREENED (SPEC §2 step 2): the account's treatment is chosen for its segment from
 * config/treatments.json (an activity: the choice and the config version are recorded in
 * history, so a later config change never alters a running cadence), shown in the memo and
 * the audit trail, and the account moves on to REMINDING.
 */
import { upsertMemo } from '@temporalio/workflow';
import { localSteps } from '../run/local-steps';
import type { createTreatmentActivities } from '../../../activities/treatment';
import { experimentLabel } from '../../../src/domain/experiment';
import type { AccountCollectionInput } from '../contract';
import type { AccountRun } from '../run/account-run';
import { databaseStepOptions } from '../run/step-options';

const treatmentSteps = localSteps<Pick<ReturnType<typeof createTreatmentActivities>, 'chooseTreatment'>>(databaseStepOptions);

const DAY_MS = 86_400_000;

/** Chooses the treatment once per chain of runs (a carried choice is kept), then hands the account to REMINDING. */
export async function screenAccount(run: AccountRun, { accountId, overrides, carried }: AccountCollectionInput): Promise<void> {
  const { state, clock } = run;
  if (!run.isCured() && !state.choice) {
    const choice = await treatmentSteps.chooseTreatment({ accountId, ...(overrides?.treatment ? { requestedTreatment: overrides.treatment } : {}), ...run.now() });
    state.choice = choice;
    if (carried && !carried.early && state.remindingStartedAt !== null) {
      // Carried from a generation 2 run: its cadence already walked part of the way. Carry on
      // with the steps not yet due, on the new treatment's offsets.
      clock.advanceTo(Date.now() - state.remindingStartedAt);
      const elapsedDays = clock.elapsed() / DAY_MS;
      const next = choice.treatment.steps.findIndex((s) => s.dayOffset >= elapsedDays);
      state.cadenceIndex = next === -1 ? choice.treatment.steps.length : next;
    }
    // An experiment's arm joins the memo, the Experiment search attribute and the audit record the reports group by.
    const experiment = choice.experiment ? { experiment: experimentLabel(choice) } : {};
    upsertMemo({ treatment: { id: choice.treatmentId, configVersion: choice.configVersion, why: choice.why }, ...experiment });
    run.publishSearchAttributes();
    await run.audit('TREATMENT_CHOSEN', 'chosen', { treatmentId: choice.treatmentId, configVersion: choice.configVersion, why: choice.why, segment: choice.segment, ...experiment });
  }
  const stillScreened = state.stage === 'SCREENED' || (state.stage === 'ON_HOLD' && state.stageBeforeHold === 'SCREENED');
  if (!run.isCured() && stillScreened) await run.advanceTo('REMINDING', `treatment ${state.choice!.treatmentId} (config ${state.choice!.configVersion}): ${state.choice!.why}`);
}

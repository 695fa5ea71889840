/**
 * REMINDING (SPEC §2 step 3, §4): the treatment's steps (SMS, agent call, e-mail) on their
 * day offsets, each through the contact policy; a refused contact waits for the next allowed
 * moment. The day offsets count on the cadence's clock, which stands still on hold and while
 * a promise is pending; a broken promise brings the next step forward. Reminders that do not
 * cure lead to the treatment's escalation stage.
 */
import { log, patched } from '@temporalio/workflow';
import type { TreatmentChoice } from '../../../src/domain/early-collection';
import type { TreatmentStep } from '../../../src/treatments/schema';
import type { AccountRun } from '../run/account-run';
import type { BorrowerContact } from '../run/contact';

const DAY_MS = 86_400_000;

/**
 * Cease-contact during the reminders hands the account on to LEGAL (SPEC §2.10: outbound
 * contact stops for good, the case can still go to legal) instead of leaving it in REMINDING
 * with no next step; field collection does the same with a cease during a visit.
 */
export const CEASE_CONTACT_HANDS_ON = 'cease-contact-hands-on';
const CEASED_REASON = 'contact ceased: no outbound contact any more; the case goes to legal review';

export interface Reminding {
  /** The cadence from where the run stands; returns once it escalated, ceased, or the account is cured. */
  run(choice: TreatmentChoice): Promise<void>;
}

export function reminding(run: AccountRun, contacts: BorrowerContact): Reminding {
  const { accountId, state, clock } = run;

  /** Until the cadence clock reads `target` ms; a broken promise (nextStepNow) moves the clock there at once. */
  const waitForCadenceTime = (target: number) =>
    run.waitStandingStill(
      () => target - clock.elapsed(),
      () => {
        if (!state.nextStepNow) return false;
        state.nextStepNow = false;
        clock.advanceTo(target);
        return true;
      },
    );

  /** When a wait on the cadence clock for `target` would end, if nothing pauses it from now. */
  const projectedAt = (target: number) => new Date(Date.now() + Math.max(0, target - clock.elapsed())).toISOString();

  /** One step of the cadence; its tries are counted in the state carried across continue-as-new. */
  async function performStep(step: TreatmentStep, choice: TreatmentChoice): Promise<void> {
    const tries = {
      get n() {
        return state.stepAttempt;
      },
      set n(n: number) {
        state.stepAttempt = n;
      },
    };
    await contacts.contact({ ...step, callWindowHours: choice.callWindowHours }, (n) => run.effectKey('contact', state.cadenceIndex) + (n ? `/attempt-${n}` : ''), tries);
  }

  async function walkCadence(choice: TreatmentChoice): Promise<void> {
    const { steps, escalation } = choice.treatment;
    for (; state.cadenceIndex < steps.length; state.cadenceIndex++, state.stepAttempt = 0) {
      const step = steps[state.cadenceIndex]!;
      const target = step.dayOffset * DAY_MS;
      state.nextStep = { action: `${step.channel} ${step.templateId}`, at: projectedAt(target) };
      if (!(await waitForCadenceTime(target))) break;
      await performStep(step, choice);
      if (run.isCured() || state.ceased) break;
    }
    if (run.isCured()) return;
    if (state.ceased) {
      state.nextStep = null;
      log.info('contact ceased: the cadence stops', { accountId });
      await handOnCeased();
      return;
    }
    if (state.escalated) return;
    const lastOffset = steps.at(-1)?.dayOffset ?? 0;
    const target = (lastOffset + escalation.afterDays) * DAY_MS;
    state.nextStep = { action: `escalate to ${escalation.stage}`, at: projectedAt(target) };
    if (!(await waitForCadenceTime(target))) {
      state.nextStep = null;
      await handOnCeased(); // the wait ends early only when contact ceased
      return;
    }
    await run.refreshFigures();
    if (run.isCured()) return;
    state.escalated = true;
    state.nextStep = null;
    await run.advanceTo(escalation.stage, `treatment ${choice.treatmentId}: reminders did not cure the account`);
  }

  /** Contact ceased: the account leaves REMINDING for LEGAL (runs from before the patch stayed). */
  async function handOnCeased(): Promise<void> {
    if (!state.ceased || state.escalated || !patched(CEASE_CONTACT_HANDS_ON)) return;
    state.escalated = true; // the reminders are over: a successor run does not walk them again
    await run.advanceTo('LEGAL', CEASED_REASON);
  }

  return { run: walkCadence };
}

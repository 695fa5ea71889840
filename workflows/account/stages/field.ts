/**
 * Field collection (SPEC §2 steps 5-6, §3; issue 7): the part of an account's story after
 * reminders have not cured it. Generation 3 of accountCollection runs it behind
 * patched('field-collection'), from the treatment's escalation or a supervisor's override.
 *
 * APPOINTMENT: slots that suit the borrower are proposed (an activity finds them in the
 * staff calendar); the borrower's contact methods are tried in turn, each through the
 * contact policy, until one reaches them; failing all, a consented family contact is asked
 * to have the borrower call back. The borrower (or an agent) confirms a slot with the
 * confirmAppointment update, which books the staff; no confirmation in the window → an
 * unannounced visit or legal, per treatment.
 *
 * VISIT: the workflow waits for the visit report (submitVisitReport) until its deadline. A
 * no-show (recordVisitNoShow), or a report that never came, books another visit, a bounded
 * number of times; then the account escalates. The report's recommended action decides
 * the next stage.
 *
 * A hold cancels the appointment or visit in hand and arranges a new one after the release;
 * cease-contact ends field contact (the case can still go to legal); a payment that cures
 * the account ends everything (the caller cancels this scope).
 */
import { CancellationScope, condition, isCancellation, log, proxyActivities } from '@temporalio/workflow';
import { localSteps } from '../run/local-steps';
import type { createAppointmentActivities } from '../../../activities/appointments';
import type { createFamilyContactActivities } from '../../../activities/family-contacts';
import type { ContactChannel } from '../../../src/domain/early-collection';
import {
  confirmAppointmentSchema,
  overrideStageSchema,
  visitNoShowSchema,
  visitReportSchema,
  type FieldPolicy,
  type RecommendedAction,
  type StageOverride,
  type StageOverridden,
  type VisitBooked,
  type VisitNoShowRecorded,
  type VisitReportAccepted,
} from '../../../src/domain/field-collection';
import { isExitStage, type Stage } from '../../../src/domain/stages';
import { accountStepRetry, databaseStepOptions, outsideStepOptions } from '../run/step-options';
import {
  FIELD_PHASES,
  confirmAppointmentUpdate,
  overrideStageUpdate,
  recordVisitNoShowUpdate,
  submitVisitReportUpdate,
  type AppointmentProposal as Proposal,
  type FieldCarried,
  type FieldPhase,
  type NextStep,
} from '../contract';
import type { ContactEnd, ContactRequest } from './stage';
import { errorMessage, rootMessage, setStoringUpdateHandler } from '../run/update-handlers';

const isFieldPhase = (stage: Stage | null): stage is FieldPhase => FIELD_PHASES.includes(stage as FieldPhase);

type AppointmentActivities = ReturnType<typeof createAppointmentActivities>;

/** A family member's phone: an outside provider, like the borrower's contacts. */
const familyContacts = proxyActivities<Pick<ReturnType<typeof createFamilyContactActivities>, 'contactFamilyForCallback'>>(outsideStepOptions);

/**
 * The override's supervisor check runs while the cadence may be mid-contact. A regular
 * activity: its place in history is fixed when scheduled, whereas a local activity's marker
 * lands where it resolved, which replay can order differently against the cadence's own
 * activity and cancellation (a nondeterminism error seen on a worker restart).
 */
const staffChecks = proxyActivities<Pick<AppointmentActivities, 'checkSupervisor'>>({ startToCloseTimeout: '30 seconds', retry: accountStepRetry });

/** Short Postgres steps, as local activities (the calendar booking is one transaction). */
const calendar = localSteps<
  Pick<AppointmentActivities, 'loadFieldPolicy' | 'proposeAppointment' | 'markAppointmentReached' | 'confirmAppointment' | 'bookVisit' | 'closeAppointment' | 'recordVisitReport'>
>(databaseStepOptions);

/** The patch that brings field collection to generation 3. */
export const FIELD_COLLECTION = 'field-collection';

export interface FieldRun {
  accountId: string;
  workflowId: string;
  treatmentId: () => string | null;
  stage: () => Stage;
  isCured: () => boolean;
  onHold: () => boolean;
  ceased: () => boolean;
  /** the account's right party was reached on this call task */
  rightPartyReached: (taskId: number) => boolean;
  contact: (request: ContactRequest, attemptKey: (attempt: number) => string) => Promise<ContactEnd>;
  /** closes the run's open call task, if any (cancelled: no longer needed) */
  cancelOpenCallTask: () => Promise<void>;
  advanceTo: (stage: Stage, reason: string) => Promise<void>;
  audit: (kind: string, key: string, detail: Record<string, unknown>) => Promise<void>;
  effectKey: (kind: string, n: number | string) => string;
  setNextStep: (step: NextStep | null) => void;
  /** the run is set up (treatment chosen, figures known) and not over */
  ready: () => boolean;
  /** updates change what the story reacts to only after their write (patch replay-safe-handlers) */
  replaySafeHandlers: boolean;
  /** the run has the negotiation stages (patch negotiation-stages): an override may take it to NEGOTIATION */
  negotiationStages: boolean;
}

export interface FieldCollection {
  /** The field story from `entry` (a pending override first); returns when it has handed the account on. */
  run(entry: FieldPhase | null): Promise<void>;
  /** Cancels what is in hand (a proposal, a booked visit): the account no longer needs it. */
  abandon(why: string): Promise<void>;
  /** A supervisor's override waiting to be taken. */
  overridePending(): StageOverride | null;
  /** Where the story should start after reminders, if anywhere. */
  entryAfterReminders(escalated: boolean): FieldPhase | null;
  carried(): FieldCarried;
  summary(): { appointment: (Proposal & { reachedVia: string | null }) | null; visit: (Omit<VisitBooked, 'outcome'> & { failedVisits: number }) | null };
}

/** Sets up the field story's state and registers its update handlers (call before the run's first await). */
export function fieldCollection(run: FieldRun, carried?: FieldCarried): FieldCollection {
  const { accountId, workflowId } = run;
  const now = () => ({ at: Date.now() });
  const field = {
    policy: carried?.policy ?? null,
    phase: carried?.phase ?? null,
    done: carried?.done ?? false,
    proposals: carried?.proposals ?? 0,
    proposal: carried?.proposal ?? null,
    confirming: false,
    visitsBooked: carried?.visitsBooked ?? 0,
    visit: carried?.visit ?? null,
    failedVisits: carried?.failedVisits ?? 0,
    familyRequests: carried?.familyRequests ?? 0,
    closedAppointmentIds: new Set(carried?.closedAppointmentIds ?? []),
    reportedAppointmentIds: new Set(carried?.reportedAppointmentIds ?? []),
    reports: new Map<number, RecommendedAction>(),
    beingClosed: new Set<number>(),
    override: carried?.override ?? null,
    overrideBeingChecked: false,
    overrides: carried?.overrides ?? 0,
    lastFailedAppointmentId: carried?.lastFailedAppointmentId ?? null,
  };

  const interrupted = () => run.isCured() || run.onHold() || run.ceased() || field.override !== null;

  async function policy(): Promise<FieldPolicy> {
    field.policy ??= await calendar.loadFieldPolicy({ accountId, treatmentId: run.treatmentId() ?? 'standard', ...now() });
    return field.policy;
  }

  async function close(appointmentId: number, status: 'EXPIRED' | 'NO_SHOW' | 'REPORT_OVERDUE' | 'CANCELLED', note: string, closedBy?: string): Promise<void> {
    if (field.closedAppointmentIds.has(appointmentId)) return;
    field.closedAppointmentIds.add(appointmentId);
    await calendar.closeAppointment({ appointmentId, status, note, ...(closedBy ? { closedBy } : {}), ...now() });
  }

  /** Whatever the run has in hand (a proposal, a booked visit, a call) is no longer needed. */
  async function cancelInHand(why: string): Promise<void> {
    await run.cancelOpenCallTask();
    if (field.proposal && field.visit === null) await close(field.proposal.appointmentId, 'CANCELLED', why);
    if (field.visit && !field.reportedAppointmentIds.has(field.visit.appointmentId)) await close(field.visit.appointmentId, 'CANCELLED', why);
    field.proposal = null;
    field.visit = null;
  }

  /** Until `at`, or sooner if something interrupts; false: interrupted. */
  async function waitUntilOrInterrupted(at: number, alsoWhen: () => boolean = () => false): Promise<boolean> {
    const left = at - Date.now();
    if (left > 0) await condition(() => interrupted() || alsoWhen(), left);
    return !interrupted();
  }

  // ---- APPOINTMENT ----

  /** Tries the borrower's contact methods in turn; then a family call-back request. The reach, or null. */
  async function reachBorrower(p: FieldPolicy, proposal: Proposal): Promise<string | null> {
    for (const channel of p.contactOrder) {
      const attemptKey = (n: number) => run.effectKey('appointment-contact', `${proposal.appointmentId}/${channel}`) + (n ? `/attempt-${n}` : '');
      const end = await run.contact({ channel, templateId: p.appointmentTemplates[channel], callWindowHours: p.callWindowHours, appointmentId: proposal.appointmentId }, attemptKey);
      if (end.end === 'STOPPED') return null;
      if (end.end === 'DELIVERED' || (end.end === 'CALLED' && end.answered && run.rightPartyReached(end.taskId))) return channel;
      log.info('appointment: contact method did not reach the borrower; trying the next', { accountId, channel, end: end.end });
    }
    // SPEC §3: only with the borrower's recorded consent, to a verified number, disclosing nothing.
    for (;;) {
      let result;
      try {
        result = await familyContacts.contactFamilyForCallback({
          idempotencyKey: run.effectKey('family-callback', `${proposal.appointmentId}/${field.familyRequests}`),
          accountId,
          workflowId,
          templateId: p.familyCallbackTemplate,
          ...now(),
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        // A misconfigured template, say: the borrower may still call in; the run goes on.
        log.error('family call-back request failed', { accountId, error: errorMessage(err) });
        return null;
      }
      switch (result.outcome) {
        case 'SENT':
        case 'ALREADY_SENT':
          log.info('appointment: a family contact was asked to have the borrower call back', { accountId, familyContactId: result.familyContactId, consentId: result.consentId });
          return 'FAMILY';
        case 'NOT_NEEDED':
          return null;
        case 'NO_USABLE_FAMILY_CONTACT':
          log.info('appointment: no family contact may be used', { accountId, skipped: result.skipped.map((s) => `${s.familyContactId}:${s.reason}`) });
          return null;
        case 'BLOCKED':
          if (!result.nextAllowedAt || Date.parse(result.nextAllowedAt) >= Date.parse(proposal.confirmBy)) return null;
          run.setNextStep({ action: `family call-back request (refused: ${result.rule}; retry)`, at: result.nextAllowedAt });
          field.familyRequests++;
          if (!(await waitUntilOrInterrupted(Date.parse(result.nextAllowedAt)))) return null;
      }
    }
  }

  /** APPOINTMENT until confirmed (→ VISIT), unconfirmed (→ per treatment), or interrupted (null). */
  async function appointmentPhase(): Promise<Stage | 'INTERRUPTED'> {
    const p = await policy();
    for (;;) {
      if (interrupted()) return 'INTERRUPTED';
      if (!field.proposal) {
        const proposed = await calendar.proposeAppointment({
          idempotencyKey: run.effectKey('appointment', field.proposals),
          accountId,
          workflowId,
          confirmWindowHours: p.confirmWindowHours,
          requiresSecurity: p.requiresSecurity,
          ...now(),
        });
        field.proposals++;
        if (proposed.outcome === 'NO_FREE_SLOT') {
          log.info('appointment: no field staff free; looking again later', { accountId, lookAgainAt: proposed.lookAgainAt });
          run.setNextStep({ action: 'propose an appointment (no field staff free yet)', at: proposed.lookAgainAt });
          await waitUntilOrInterrupted(Date.parse(proposed.lookAgainAt));
          continue;
        }
        field.proposal = { appointmentId: proposed.appointmentId, slots: proposed.slots, confirmBy: proposed.confirmBy, reachedVia: null };
        await run.audit('APPOINTMENT_PROPOSED', String(proposed.appointmentId), { appointmentId: proposed.appointmentId, slots: proposed.slots, confirmBy: proposed.confirmBy });
      }
      const proposal = field.proposal;
      const confirmed = () => field.visit !== null;
      run.setNextStep({ action: `appointment ${proposal.appointmentId}: reach the borrower, then wait for a confirmation until`, at: proposal.confirmBy });

      // Reaching the borrower runs until it reaches them or a confirmation (taken on a call, say) ends it.
      if (proposal.reachedVia === null) {
        const reaching = new CancellationScope();
        const reached = reaching.run(() => reachBorrower(p, proposal)).catch((err) => {
          if (isCancellation(err)) return null;
          throw err;
        });
        await Promise.race([reached, condition(() => confirmed() || interrupted())]);
        if (confirmed() || interrupted()) {
          reaching.cancel();
          await reached;
          await run.cancelOpenCallTask();
        } else {
          const via = await reached;
          if (via) {
            proposal.reachedVia = via;
            await calendar.markAppointmentReached({ appointmentId: proposal.appointmentId, via: via as ContactChannel | 'FAMILY', ...now() });
          }
        }
      }
      if (!confirmed()) {
        run.setNextStep({ action: `appointment ${proposal.appointmentId}: wait for the borrower's confirmation until`, at: proposal.confirmBy });
        await waitUntilOrInterrupted(Date.parse(proposal.confirmBy), confirmed);
      }
      if (confirmed()) {
        field.proposal = null;
        return 'VISIT';
      }
      await condition(() => !field.confirming); // a confirmation being booked right at the deadline
      if (confirmed()) {
        field.proposal = null;
        return 'VISIT';
      }
      if (interrupted()) return 'INTERRUPTED';
      await close(proposal.appointmentId, 'EXPIRED', 'no confirmation within the window');
      field.proposal = null;
      log.info('appointment: no confirmation within the window', { accountId, appointmentId: proposal.appointmentId, next: p.onNoConfirmation });
      await run.audit('APPOINTMENT_EXPIRED', String(proposal.appointmentId), { appointmentId: proposal.appointmentId, reachedVia: proposal.reachedVia, next: p.onNoConfirmation });
      return p.onNoConfirmation;
    }
  }

  // ---- VISIT ----

  async function visitPhase(): Promise<Stage | 'INTERRUPTED'> {
    const p = await policy();
    for (;;) {
      if (interrupted()) return 'INTERRUPTED';
      if (!field.visit) {
        const rescheduledFrom = field.failedVisits > 0 ? field.lastFailedAppointmentId : null;
        const booking = await calendar.bookVisit({
          idempotencyKey: run.effectKey('visit', field.visitsBooked),
          accountId,
          workflowId,
          visitNumber: field.failedVisits + 1,
          ...(rescheduledFrom === null ? {} : { rescheduledFrom }),
          requiresSecurity: p.requiresSecurity,
          reportDeadlineHours: p.reportDeadlineHours,
          ...now(),
        });
        field.visitsBooked++;
        if (booking.outcome === 'NO_FREE_SLOT') {
          run.setNextStep({ action: 'book a visit (no field staff free yet)', at: booking.lookAgainAt });
          await waitUntilOrInterrupted(Date.parse(booking.lookAgainAt));
          continue;
        }
        field.visit = booking;
        await run.audit('VISIT_BOOKED', String(booking.appointmentId), { appointmentId: booking.appointmentId, kind: booking.kind, startsAt: booking.startsAt, collectorId: booking.collectorId, securityId: booking.securityId });
        if (field.failedVisits > 0) {
          // A visit the borrower did not arrange: tell them when (best effort, through the policy).
          await noticeOfVisit(p, booking);
        }
      }
      const visit = field.visit;
      const { appointmentId } = visit;
      const reported = () => field.reportedAppointmentIds.has(appointmentId);
      const noShow = () => field.closedAppointmentIds.has(appointmentId);
      run.setNextStep({ action: `visit ${appointmentId} (${visit.collectorId}${visit.securityId ? ` with ${visit.securityId}` : ''}) at ${visit.startsAt}; report due by`, at: visit.reportDueBy });
      await waitUntilOrInterrupted(Date.parse(visit.reportDueBy), () => reported() || noShow());
      await condition(() => !field.beingClosed.has(appointmentId)); // a report or no-show being stored
      if (reported()) {
        const action = field.reports.get(appointmentId) ?? 'NONE';
        field.visit = null;
        return p.afterReport[action];
      }
      if (interrupted() && !noShow()) return 'INTERRUPTED';
      if (!noShow()) {
        await close(appointmentId, 'REPORT_OVERDUE', `no visit report by ${visit.reportDueBy}`);
        await run.audit('VISIT_REPORT_OVERDUE', String(appointmentId), { appointmentId, collectorId: visit.collectorId, reportDueBy: visit.reportDueBy });
      }
      field.failedVisits++;
      field.lastFailedAppointmentId = appointmentId;
      field.visit = null;
      if (field.failedVisits > p.maxReschedules) {
        log.info('visit: every visit failed; escalating', { accountId, failedVisits: field.failedVisits, next: p.onVisitsExhausted });
        return p.onVisitsExhausted;
      }
      log.info('visit: rescheduling', { accountId, failedVisits: field.failedVisits, maxReschedules: p.maxReschedules });
    }
  }

  /** Best effort: a notice that cannot go out before the visit (a refusal in the night, say) is dropped, and never fails the run. */
  async function noticeOfVisit(p: FieldPolicy, visit: VisitBooked): Promise<void> {
    const attemptKey = (n: number) => run.effectKey('visit-notice', visit.appointmentId) + (n ? `/attempt-${n}` : '');
    let settled = false;
    const scope = new CancellationScope();
    const sent = scope
      .run(() => run.contact({ channel: 'SMS', templateId: p.visitNoticeTemplate, callWindowHours: p.callWindowHours, appointmentId: visit.appointmentId }, attemptKey))
      .catch((err) => {
        if (!isCancellation(err)) log.warn('visit notice not sent', { accountId, appointmentId: visit.appointmentId, error: errorMessage(err) });
      })
      .finally(() => {
        settled = true;
      });
    const inTime = await condition(() => settled, Math.max(1, Date.parse(visit.startsAt) - Date.now()));
    if (!inTime) scope.cancel();
    await sent;
  }

  // ---- the story ----

  async function runFrom(entry: FieldPhase | null): Promise<void> {
    let next: Stage | 'INTERRUPTED' = field.override || !entry ? 'INTERRUPTED' : entry;
    for (;;) {
      if (next === 'INTERRUPTED') {
        if (run.isCured()) return;
        if (!entry && !field.override && !run.onHold() && !run.ceased()) return;
        if (field.override) {
          const o = field.override;
          field.override = null;
          field.overrides++;
          await run.audit('STAGE_OVERRIDDEN', String(field.overrides), { from: run.stage(), to: o.to, supervisorId: o.supervisorId, reason: o.reason });
          await cancelInHand(`stage override by ${o.supervisorId}`);
          next = o.to;
          if (!isFieldPhase(o.to)) {
            // Past the field (NEGOTIATION): the field story is over, the override is the one move.
            field.phase = null;
            field.done = true;
            run.setNextStep(null);
            await run.advanceTo(o.to, `override by ${o.supervisorId}: ${o.reason}`);
            return;
          }
          await run.advanceTo(o.to, `override by ${o.supervisorId}: ${o.reason}`);
          continue;
        }
        if (run.ceased()) {
          await cancelInHand('contact ceased');
          field.phase = null;
          field.done = true;
          await run.advanceTo('LEGAL', 'contact ceased: no field visit; the case can go to legal');
          return;
        }
        // On hold: what is in hand is cancelled; after the release the phase starts afresh.
        await cancelInHand('account on hold');
        run.setNextStep(null);
        await condition(() => !run.onHold() || run.isCured() || run.ceased() || field.override !== null);
        next = field.phase ?? entry ?? 'APPOINTMENT';
        continue;
      }
      if (!isFieldPhase(next)) {
        field.phase = null;
        field.done = true;
        run.setNextStep(null);
        await run.advanceTo(next, 'field collection handed the account on');
        return;
      }
      if (run.stage() !== next) await run.advanceTo(next, next === 'VISIT' ? visitReason() : 'reminders did not cure the account: arranging a visit');
      field.phase = next;
      next = next === 'APPOINTMENT' ? await appointmentPhase() : await visitPhase();
    }
  }

  const visitReason = () => (field.visit ? `appointment ${field.visit.appointmentId} confirmed` : 'a visit without an arranged appointment');

  // ---- updates ----

  function currentVisit(appointmentId: number, staffId?: string): VisitBooked {
    const v = field.visit;
    if (field.phase !== 'VISIT' || !v) throw new Error(`account ${accountId} has no visit in hand`);
    if (v.appointmentId !== appointmentId) throw new Error(`appointment ${appointmentId} is not the visit in hand (${v.appointmentId})`);
    if (staffId !== undefined && staffId !== v.collectorId && staffId !== v.securityId) throw new Error(`${staffId} is not booked on visit ${appointmentId}`);
    if (field.reportedAppointmentIds.has(appointmentId) || field.closedAppointmentIds.has(appointmentId) || field.beingClosed.has(appointmentId))
      throw new Error(`visit ${appointmentId} already has its report or no-show`);
    return v;
  }

  const CLOCK_SLACK_MS = 10 * 60_000;

  /** Validators only (they never run on replay): what happens at a visit is told once it began. */
  function visitBegun(v: VisitBooked, what: string): void {
    if (Date.now() < Date.parse(v.startsAt)) throw new Error(`visit ${v.appointmentId} starts at ${v.startsAt}: ${what} only after it began`);
  }

  setStoringUpdateHandler(confirmAppointmentUpdate, {
    schema: confirmAppointmentSchema,
    validate(c) {
      const proposal = field.proposal;
      if (field.phase !== 'APPOINTMENT' || !proposal) throw new Error(`account ${accountId} has no appointment waiting for a confirmation`);
      if (proposal.appointmentId !== c.appointmentId) throw new Error(`appointment ${c.appointmentId} is not the one on offer (${proposal.appointmentId})`);
      if (field.visit !== null || field.confirming) throw new Error(`appointment ${c.appointmentId} is already confirmed`);
      if (!proposal.slots.some((s) => s.slotId === c.slotId)) throw new Error(`slotId: ${c.slotId} was not proposed (${proposal.slots.map((s) => s.slotId).join(', ')})`);
      if (Date.now() > Date.parse(proposal.confirmBy)) throw new Error(`appointment ${c.appointmentId}: the window to confirm closed at ${proposal.confirmBy}`);
      if (run.onHold()) throw new Error(`account ${accountId} is on hold: no visit now`);
    },
    async store(confirmation): Promise<VisitBooked> {
      const p = field.policy!;
      field.confirming = true;
      try {
        const booked = await calendar.confirmAppointment({ accountId, workflowId, confirmation, reportDeadlineHours: p.reportDeadlineHours, ...now() });
        field.visit = booked;
        log.info('appointment confirmed', { accountId, appointmentId: booked.appointmentId, startsAt: booked.startsAt, collectorId: booked.collectorId });
        return booked;
      } finally {
        field.confirming = false;
      }
    },
    // A slot taken meanwhile, an address missing: the update fails, the proposal stands.
    notStored: { type: 'AppointmentNotConfirmed', message: errorMessage },
  });

  function noShowRecorded(appointmentId: number): VisitNoShowRecorded {
    const failedVisits = field.failedVisits + 1;
    log.info('visit: borrower not present', { accountId, appointmentId, failedVisits });
    return { appointmentId, failedVisits, willReschedule: failedVisits <= field.policy!.maxReschedules };
  }

  setStoringUpdateHandler(recordVisitNoShowUpdate, {
    schema: visitNoShowSchema,
    validate(n) {
      visitBegun(currentVisit(n.appointmentId, n.reportedBy), 'a no-show');
    },
    async store(noShow): Promise<VisitNoShowRecorded> {
      field.beingClosed.add(noShow.appointmentId);
      if (run.replaySafeHandlers) {
        // Stored first; only then does the visit count as closed (what the story reacts to).
        try {
          await calendar.closeAppointment({ appointmentId: noShow.appointmentId, status: 'NO_SHOW', note: noShow.note ?? 'borrower not present', closedBy: noShow.reportedBy, ...now() });
          field.closedAppointmentIds.add(noShow.appointmentId);
        } finally {
          field.beingClosed.delete(noShow.appointmentId);
        }
        return noShowRecorded(noShow.appointmentId);
      }
      try {
        await close(noShow.appointmentId, 'NO_SHOW', noShow.note ?? 'borrower not present', noShow.reportedBy);
      } catch (err) {
        field.closedAppointmentIds.delete(noShow.appointmentId);
        throw err;
      } finally {
        field.beingClosed.delete(noShow.appointmentId);
      }
      return noShowRecorded(noShow.appointmentId);
    },
    notStored: { type: 'NoShowNotRecorded', message: (err) => `the no-show could not be stored: ${errorMessage(err)}` },
  });

  setStoringUpdateHandler(submitVisitReportUpdate, {
    schema: visitReportSchema,
    validate(report) {
      // Issue 19 §3b: a report two days before the visit moved the account; like a no-show, only once the visit began.
      const v = currentVisit(report.appointmentId, report.submittedBy);
      visitBegun(v, 'a report');
      // a visit told as happened in the future is a slip (a device's clock a few minutes off is not)
      const visitedAt = Date.parse(report.visitedAt);
      if (visitedAt > Date.now() + CLOCK_SLACK_MS) throw new Error(`visitedAt: ${report.visitedAt} is in the future (now ${new Date(Date.now()).toISOString()})`);
    },
    async store(report): Promise<VisitReportAccepted> {
      field.beingClosed.add(report.appointmentId);
      try {
        const recorded = await calendar.recordVisitReport({ accountId, workflowId, report, ...now() });
        field.reports.set(report.appointmentId, report.recommendation.action);
        field.reportedAppointmentIds.add(report.appointmentId);
        log.info('visit report recorded', { accountId, appointmentId: report.appointmentId, reportId: recorded.reportId, recommendedAction: report.recommendation.action });
        return { ...recorded, nextStage: field.policy!.afterReport[report.recommendation.action] };
      } finally {
        field.beingClosed.delete(report.appointmentId);
      }
    },
    notStored: { type: 'VisitReportNotRecorded', message: (err) => `the visit report could not be stored: ${errorMessage(err)}` },
  });

  setStoringUpdateHandler(overrideStageUpdate, {
    schema: overrideStageSchema,
    validate(o) {
      const stage = run.stage();
      if (!run.ready() || isExitStage(stage) || run.isCured()) throw new Error(`account ${accountId} is ${run.isCured() ? 'cured' : `in ${stage}`}: nothing to override`);
      if (run.onHold()) throw new Error(`account ${accountId} is on hold: release the hold first`);
      if (run.ceased())
        throw new Error(
          o.to === 'APPOINTMENT' || o.to === 'VISIT'
            ? `contact with the borrower has ceased: no field visit`
            : `contact with the borrower has ceased: the case stays with legal review (LEGAL), where cease-contact sent it`,
        );
      if (field.override || field.overrideBeingChecked) throw new Error('another override is already being taken');
      if (field.phase === o.to || (field.phase === null && stage === o.to)) throw new Error(`account ${accountId} is already in ${o.to}`);
      if (o.to === 'NEGOTIATION') {
        // A run from before the negotiation stages would only wait there for a payment.
        if (!run.negotiationStages) throw new Error(`account ${accountId}'s run predates the negotiation stages: no override to NEGOTIATION`);
        // One plan in force per account: it is kept, paid up or broken (which renegotiates), not overridden.
        if (stage === 'PLAN_ACTIVE') throw new Error(`account ${accountId} is on a plan: a broken plan is renegotiated, a kept one is not overridden`);
      }
    },
    async store(o): Promise<StageOverridden> {
      const from = run.stage();
      field.overrideBeingChecked = true;
      try {
        // Not a supervisor (or not active): the update fails, nothing changed.
        await staffChecks.checkSupervisor({ staffId: o.supervisorId });
      } finally {
        field.overrideBeingChecked = false;
      }
      // The last step, with nothing awaited after it: the run reacts to the override once the
      // update has answered (its audit record is the run's first step), not while it runs.
      field.override = o;
      log.info('stage override accepted', { accountId, from, to: o.to, supervisorId: o.supervisorId });
      return { from, to: o.to };
    },
    notStored: { type: 'OverrideRefused', message: (err) => `override refused: ${rootMessage(err)}` },
  });

  return {
    run: runFrom,
    abandon: cancelInHand,
    overridePending: () => field.override,
    entryAfterReminders(escalated) {
      if (field.done) return null;
      if (field.phase) return field.phase;
      return escalated && isFieldPhase(run.stage()) ? run.stage() as FieldPhase : null;
    },
    carried: () => ({
      policy: field.policy,
      phase: field.phase,
      done: field.done,
      proposals: field.proposals,
      proposal: field.proposal,
      visitsBooked: field.visitsBooked,
      visit: field.visit,
      failedVisits: field.failedVisits,
      familyRequests: field.familyRequests,
      closedAppointmentIds: [...field.closedAppointmentIds].slice(-100),
      reportedAppointmentIds: [...field.reportedAppointmentIds].slice(-100),
      override: field.override,
      overrides: field.overrides,
      lastFailedAppointmentId: field.lastFailedAppointmentId,
    }),
    summary: () => ({
      appointment: field.proposal,
      visit: field.visit ? { ...withoutOutcome(field.visit), failedVisits: field.failedVisits } : null,
    }),
  };
}

const withoutOutcome = ({ outcome: _outcome, ...rest }: VisitBooked) => rest;


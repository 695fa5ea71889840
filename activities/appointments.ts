/**
 * Issue 7 §1-2: appointments and visits in Postgres. Proposing slots that suit the borrower
 * and are free in the staff calendar, booking the collector (and the security colleague of
 * a high-risk account) where the database refuses a double booking, closing an appointment
 * (expired, no-show, no report, cancelled), and storing the visit report (personal data
 * apart). Each write is once per idempotency key or appointment.
 *
 * Staff time is held only by a booking: a proposal offers slots and remembers whom the
 * finder picked for each, as a preference. The confirmation books, in one transaction
 * that locks the appointment: the preferred collector first, then any other free one, each
 * try an INSERT the exclusion constraint may refuse (a savepoint per try).
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadContactPolicyConfig } from '../src/contact-policy/config';
import { policyFor } from '../src/contact-policy/policy';
import {
  addressesOnFile,
  closeOpenAppointment,
  confirmProposal,
  findAppointmentByKey,
  insertProposal,
  insertUnannouncedVisit,
  loadVisitParty,
  lockAppointment,
  markReached,
  offered,
  recordVisitAddress,
  setVisitStaff,
  type AppointmentRow,
  type RoleOnVisit,
  type SlotOnOffer,
  type VisitParty,
} from '../src/db/appointments';
import { inTransaction, type Queryable } from '../src/db/pool';
import { activeStaffRole } from '../src/db/staff';
import { bookFirstFree, loadStaffCalendars, releaseFutureBookings } from '../src/db/staff-bookings';
import { findVisitReport, insertVisitReport } from '../src/db/visit-reports';
import { FailureType } from '../src/domain/failures';
import type {
  AddressKind,
  AppointmentProposed,
  BookVisitInput,
  CheckSupervisorInput,
  CloseAppointmentInput,
  ConfirmAppointmentInput,
  FieldPolicy,
  LoadFieldPolicyInput,
  MarkAppointmentReachedInput,
  ProposeAppointmentInput,
  RecordVisitReportInput,
  VisitBooked,
  VisitBooking,
  VisitReport,
  VisitReportRecorded,
} from '../src/domain/field-collection';
import { loadFieldCollectionConfig } from '../src/field-collection/load';
import { findSlots, rankFreeStaff, type FoundSlot } from '../src/field-collection/slots';
import { majorToMinorUnits } from '../src/loan-book/major-units';
import type { ActivityDeps } from './deps';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A staff member's load is the week around a slot: read their calendar that far either side. */
const WEEK = 7 * DAY;

const iso = (ms: number | Date) => new Date(ms).toISOString();

/** A business failure no retry can mend. */
export const failure = (type: FailureType, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
const accountNotFound = (accountId: string) => failure(FailureType.AccountNotFound, `account ${accountId} is not in the loan book`);
const unknownAppointment = (appointmentId: number, accountId: string) =>
  failure(FailureType.UnknownAppointment, `appointment ${appointmentId} is not an appointment of account ${accountId}`);

/** Which closings an open appointment takes: a proposal expires or is cancelled; a booked visit fails or is cancelled. */
const CLOSINGS_FROM: Record<'PROPOSED' | 'CONFIRMED', readonly string[]> = {
  PROPOSED: ['EXPIRED', 'CANCELLED'],
  CONFIRMED: ['NO_SHOW', 'REPORT_OVERDUE', 'CANCELLED'],
};

function booked(row: AppointmentRow): VisitBooked {
  if (row.starts_at === null || row.ends_at === null || row.collector_id === null || row.report_due_by === null) {
    throw new Error(`appointment ${row.id} (${row.status}) has no booking`);
  }
  return {
    outcome: 'BOOKED',
    appointmentId: row.id,
    kind: row.kind,
    startsAt: iso(row.starts_at),
    endsAt: iso(row.ends_at),
    collectorId: row.collector_id,
    securityId: row.security_id,
    addressKind: row.address_kind ?? 'HOME',
    reportDueBy: iso(row.report_due_by),
  };
}

function proposed(row: AppointmentRow): AppointmentProposed {
  if (row.confirm_by === null) throw new Error(`appointment ${row.id} has no confirmation deadline`);
  return { outcome: 'PROPOSED', appointmentId: row.id, slots: offered(row.proposed_slots), confirmBy: iso(row.confirm_by) };
}

/** Everyone free for the slot a moment ago has been booked since: look again. */
class SlotGone extends Error {}

interface VisitStaffRequest {
  appointmentId: number;
  requiresSecurity: boolean;
  startsAt: number;
  endsAt: number;
  preferredCollectorId: string | null;
  preferredSecurityId: string | null;
  at: number;
}

export function createAppointmentActivities(deps: ActivityDeps) {
  const { pool } = deps;
  // Loaded once, when the worker starts: a bad file stops it there, not at a borrower's visit.
  const config = deps.fieldCollection ?? loadFieldCollectionConfig();
  const policies = deps.contactPolicies ?? loadContactPolicyConfig();
  const { slotsProposed, slotMinutes, earliestLeadHours, searchDays } = config.appointment;

  async function partyOf(db: Queryable, accountId: string): Promise<VisitParty> {
    const party = await loadVisitParty(db, accountId);
    if (!party) throw accountNotFound(accountId);
    return party;
  }

  /** Free slots from `at` plus the lead time, as the calendar reads now. */
  async function searchSlots(db: Queryable, party: VisitParty, at: number, requiresSecurity: boolean, count: number): Promise<FoundSlot[]> {
    const from = at + earliestLeadHours * HOUR;
    const until = from + searchDays * DAY;
    const collectors = await loadStaffCalendars(db, 'COLLECTOR', from - WEEK, until + WEEK);
    const security = requiresSecurity ? await loadStaffCalendars(db, 'SECURITY', from - WEEK, until + WEEK) : null;
    const { figures } = policyFor(policies, party.jurisdiction);
    return findSlots({
      from,
      searchDays,
      slotMinutes,
      slotsProposed: count,
      borrowerTimeZone: party.timeZone,
      preferredHours: party.preferredHours,
      // a visit is a contact: inside the contact hours of the borrower's jurisdiction
      contactHours: { from: figures.CONTACT_HOURS_START ?? 0, until: figures.CONTACT_HOURS_END ?? 24 * 60 },
      collectors,
      security,
    });
  }

  /** The free staff of a role for the range, the preferred one first. */
  async function staffToTry(tx: Queryable, role: RoleOnVisit, startsAt: number, endsAt: number, preferred: string | null): Promise<string[]> {
    const calendars = await loadStaffCalendars(tx, role, startsAt - WEEK, endsAt + WEEK);
    const free = rankFreeStaff(calendars, startsAt, endsAt).map((s) => s.staffId);
    return preferred !== null && free.includes(preferred) ? [preferred, ...free.filter((id) => id !== preferred)] : free;
  }

  /**
   * Books a collector (and a security colleague if required) for the range, or books
   * nobody and answers null. The database decides each try; the whole attempt is undone
   * when the second role cannot be filled, so no collector is left booked alone.
   */
  async function bookVisitStaff(tx: Queryable, r: VisitStaffRequest): Promise<{ collectorId: string; securityId: string | null } | null> {
    const booking = { appointmentId: r.appointmentId, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt), bookedAt: new Date(r.at) };
    await tx.query('SAVEPOINT book_visit_staff');
    const collectorId = await bookFirstFree(tx, await staffToTry(tx, 'COLLECTOR', r.startsAt, r.endsAt, r.preferredCollectorId), { ...booking, role: 'COLLECTOR' });
    let securityId: string | null = null;
    if (collectorId !== null && r.requiresSecurity) {
      securityId = await bookFirstFree(tx, await staffToTry(tx, 'SECURITY', r.startsAt, r.endsAt, r.preferredSecurityId), { ...booking, role: 'SECURITY' });
    }
    if (collectorId === null || (r.requiresSecurity && securityId === null)) {
      await tx.query('ROLLBACK TO SAVEPOINT book_visit_staff');
      return null;
    }
    await tx.query('RELEASE SAVEPOINT book_visit_staff');
    return { collectorId, securityId };
  }

  /** The proposed slots (other than `taken`) that have not begun and that staff are free for now. */
  async function stillBookable(tx: Queryable, row: AppointmentRow, taken: SlotOnOffer, at: number): Promise<SlotOnOffer[]> {
    const open = row.proposed_slots.filter((s) => s.slotId !== taken.slotId && Date.parse(s.startsAt) > at);
    if (open.length === 0) return [];
    const first = Math.min(...open.map((s) => Date.parse(s.startsAt)));
    const last = Math.max(...open.map((s) => Date.parse(s.endsAt)));
    const collectors = await loadStaffCalendars(tx, 'COLLECTOR', first - WEEK, last + WEEK);
    const security = row.requires_security ? await loadStaffCalendars(tx, 'SECURITY', first - WEEK, last + WEEK) : [];
    return open.filter((s) => {
      const [start, end] = [Date.parse(s.startsAt), Date.parse(s.endsAt)];
      return rankFreeStaff(collectors, start, end).length > 0 && (!row.requires_security || rankFreeStaff(security, start, end).length > 0);
    });
  }

  async function slotTaken(tx: Queryable, row: AppointmentRow, slot: SlotOnOffer, at: number, why: string): Promise<ApplicationFailure> {
    const others = await stillBookable(tx, row, slot, at);
    const offer = others.length === 0 ? 'none of the proposed slots is still bookable' : `still bookable: ${others.map((s) => `${s.slotId} (${s.startsAt})`).join(', ')}`;
    return failure(FailureType.SlotTaken, `slot ${slot.slotId} (${slot.startsAt}) of appointment ${row.id} ${why}; ${offer}`);
  }

  /** The visit report's money fields in the account's minor units; every field that cannot be is named. */
  function reportAmounts(report: VisitReport, currency: string): { monthlyIncome: number; monthlyOutgoings: number } {
    const income = majorToMinorUnits(report.interview.monthlyIncome, currency);
    const outgoings = majorToMinorUnits(report.interview.monthlyOutgoings, currency);
    const problems = [income.ok ? null : `interview.monthlyIncome: ${income.message}`, outgoings.ok ? null : `interview.monthlyOutgoings: ${outgoings.message}`].filter((p) => p !== null);
    if (!income.ok || !outgoings.ok) throw failure(FailureType.VisitReportNotAccepted, problems.join('; '));
    return { monthlyIncome: income.minor, monthlyOutgoings: outgoings.minor };
  }

  return {
    /** config/field-collection.json for this account's treatment and risk tier, as of now. */
    async loadFieldPolicy({ accountId, treatmentId }: LoadFieldPolicyInput): Promise<FieldPolicy> {
      const party = await partyOf(pool, accountId);
      const { appointment, visit } = config;
      return {
        configVersion: config.version,
        contactOrder: appointment.contactOrder,
        appointmentTemplates: appointment.templates,
        familyCallbackTemplate: appointment.familyCallbackTemplate,
        visitNoticeTemplate: appointment.visitNoticeTemplate,
        callWindowHours: appointment.callWindowHours,
        confirmWindowHours: appointment.confirmWindowHours,
        onNoConfirmation: (Object.hasOwn(appointment.onNoConfirmation.byTreatment, treatmentId) ? appointment.onNoConfirmation.byTreatment[treatmentId] : undefined) ?? appointment.onNoConfirmation.default,
        maxReschedules: visit.maxReschedules,
        reportDeadlineHours: visit.reportDeadlineHours,
        onVisitsExhausted: visit.onVisitsExhausted,
        afterReport: visit.afterReport,
        requiresSecurity: party.riskTier !== null && visit.securityForRiskTiers.includes(party.riskTier),
      };
    },

    /** Free slots in the borrower's preferred hours, inside contact hours and staff working hours. */
    async proposeAppointment({ idempotencyKey, accountId, workflowId, confirmWindowHours, requiresSecurity, at }: ProposeAppointmentInput): Promise<AppointmentProposed> {
      const earlier = await findAppointmentByKey(pool, idempotencyKey);
      if (earlier) {
        if (earlier.account_id !== accountId) throw new Error(`appointment key ${idempotencyKey} belongs to another account`);
        return proposed(earlier);
      }
      const party = await partyOf(pool, accountId);
      const found = await searchSlots(pool, party, at, requiresSecurity, slotsProposed);
      if (found.length === 0) {
        log.info('no free slot for a visit in the search horizon', { accountId, workflowId, searchDays, requiresSecurity });
        return { outcome: 'NO_FREE_SLOT', lookAgainAt: iso(at + DAY) };
      }
      const row = await insertProposal(pool, {
        idempotencyKey,
        accountId,
        borrowerId: party.borrowerId,
        workflowId,
        requiresSecurity,
        slots: found.map((f, i) => ({ slotId: `s${i + 1}`, startsAt: iso(f.startsAt), endsAt: iso(f.endsAt), preferredCollectorId: f.collectorId, preferredSecurityId: f.securityId })),
        proposedAt: new Date(at),
        confirmBy: new Date(at + confirmWindowHours * HOUR),
      });
      log.info('appointment proposed', { accountId, workflowId, appointmentId: row.id, slots: row.proposed_slots.length });
      return proposed(row);
    },

    async markAppointmentReached({ appointmentId, via }: MarkAppointmentReachedInput): Promise<void> {
      if (!(await markReached(pool, appointmentId, via))) throw failure(FailureType.UnknownAppointment, `no appointment ${appointmentId}`);
    },

    /** Books the chosen slot; a slot taken meanwhile → ApplicationFailure SlotTaken (non-retryable) naming the free ones. */
    async confirmAppointment({ accountId, workflowId, confirmation, reportDeadlineHours, at }: ConfirmAppointmentInput): Promise<VisitBooked> {
      const { appointmentId, slotId, address, confirmedBy } = confirmation;
      const visit = await inTransaction(pool, async (tx) => {
        const row = await lockAppointment(tx, appointmentId);
        if (!row || row.account_id !== accountId) throw unknownAppointment(appointmentId, accountId);
        const slot = row.proposed_slots.find((s) => s.slotId === slotId);
        if (!slot) {
          throw failure(FailureType.UnknownSlot, `appointment ${appointmentId} offered no slot ${slotId} (offered: ${row.proposed_slots.map((s) => s.slotId).join(', ') || 'none'})`);
        }
        // the same confirmation again (a retried activity or a repeated update): the same booking
        if (row.status === 'CONFIRMED' && row.kind === 'ARRANGED' && row.starts_at?.toISOString() === slot.startsAt) return { row, again: true };
        if (row.status !== 'PROPOSED') {
          throw failure(FailureType.AppointmentNotOpen, `appointment ${appointmentId} is ${row.status}${row.status === 'CONFIRMED' ? ' for another slot' : ''}: it takes no confirmation`);
        }
        const [startsAt, endsAt] = [Date.parse(slot.startsAt), Date.parse(slot.endsAt)];
        if (startsAt <= at) throw await slotTaken(tx, row, slot, at, 'has already begun');
        const addressText = address.text ?? (await addressesOnFile(tx, row.borrower_id))[address.kind];
        if (!addressText) {
          const which = address.kind === 'HOME' ? 'home' : 'workplace';
          throw failure(FailureType.AddressMissing, `no ${which} address is on file for this borrower: give address.text (the ${which} address to visit) with the confirmation`);
        }
        const staff = await bookVisitStaff(tx, {
          appointmentId,
          requiresSecurity: row.requires_security,
          startsAt,
          endsAt,
          preferredCollectorId: slot.preferredCollectorId,
          preferredSecurityId: slot.preferredSecurityId,
          at,
        });
        if (!staff) throw await slotTaken(tx, row, slot, at, `has no free collector${row.requires_security ? ' and security colleague' : ''} any more`);
        const confirmed = await confirmProposal(tx, appointmentId, {
          startsAt: new Date(startsAt),
          endsAt: new Date(endsAt),
          ...staff,
          addressKind: address.kind,
          confirmedBy,
          confirmedAt: new Date(at),
          reportDueBy: new Date(endsAt + reportDeadlineHours * HOUR),
        });
        await recordVisitAddress(tx, appointmentId, addressText, new Date(at));
        return { row: confirmed, again: false };
      });
      const result = booked(visit.row);
      if (visit.again) log.info('appointment already confirmed for this slot; the same booking', { accountId, workflowId, appointmentId });
      else log.info('appointment confirmed', { accountId, workflowId, appointmentId, slotId, collectorId: result.collectorId, securityId: result.securityId, addressKind: result.addressKind });
      return result;
    },

    /** A visit without a confirmation (unannounced, or a reschedule): the earliest free slot. */
    async bookVisit(input: BookVisitInput): Promise<VisitBooking> {
      const { idempotencyKey, accountId, workflowId, visitNumber, requiresSecurity, reportDeadlineHours, at } = input;
      const known = async (): Promise<VisitBooked | undefined> => {
        const earlier = await findAppointmentByKey(pool, idempotencyKey);
        if (earlier && earlier.account_id !== accountId) throw new Error(`visit key ${idempotencyKey} belongs to another account`);
        return earlier && booked(earlier);
      };
      const earlier = await known();
      if (earlier) return earlier;

      const party = await partyOf(pool, accountId);
      const addresses = await addressesOnFile(pool, party.borrowerId);
      // Home first: that is where an unannounced visit finds a borrower who did not answer.
      const addressKind: AddressKind = addresses.HOME !== null ? 'HOME' : addresses.WORKPLACE !== null ? 'WORKPLACE' : 'HOME';
      const address = addresses[addressKind];
      // Each round reads the calendar afresh: a slot everyone got booked for meanwhile gives way to the next.
      for (let round = 0; round < 3; round++) {
        const [slot] = await searchSlots(pool, party, at, requiresSecurity, 1);
        if (!slot) {
          log.info('no free slot for a visit in the search horizon', { accountId, workflowId, visitNumber, requiresSecurity });
          return { outcome: 'NO_FREE_SLOT', lookAgainAt: iso(at + DAY) };
        }
        const row = await inTransaction(pool, async (tx) => {
          const inserted = await insertUnannouncedVisit(tx, {
            idempotencyKey,
            accountId,
            borrowerId: party.borrowerId,
            workflowId,
            visitNumber,
            rescheduledFrom: input.rescheduledFrom ?? null,
            requiresSecurity,
            startsAt: new Date(slot.startsAt),
            endsAt: new Date(slot.endsAt),
            collectorId: slot.collectorId,
            securityId: slot.securityId,
            addressKind,
            reportDueBy: new Date(slot.endsAt + reportDeadlineHours * HOUR),
          });
          if (!inserted) return undefined; // a concurrent try of the same key won: read it below
          const staff = await bookVisitStaff(tx, { appointmentId: inserted.id, requiresSecurity, startsAt: slot.startsAt, endsAt: slot.endsAt, preferredCollectorId: slot.collectorId, preferredSecurityId: slot.securityId, at });
          if (!staff) throw new SlotGone(); // undoes the visit's row too
          if (address !== null) await recordVisitAddress(tx, inserted.id, address, new Date(at));
          return staff.collectorId === inserted.collector_id && staff.securityId === inserted.security_id ? inserted : setVisitStaff(tx, inserted.id, staff.collectorId, staff.securityId);
        }).catch((err: unknown) => {
          if (err instanceof SlotGone) return null;
          throw err;
        });
        if (row === undefined) return (await known()) as VisitBooked;
        if (row === null) continue;
        if (address === null) log.warn('visit booked with no address on file: the collector must find one', { accountId, workflowId, appointmentId: row.id });
        log.info('visit booked', { accountId, workflowId, appointmentId: row.id, visitNumber, collectorId: row.collector_id, securityId: row.security_id });
        return booked(row);
      }
      throw new Error(`the staff calendar changed under every try to book visit ${idempotencyKey}; trying again`);
    },

    async closeAppointment({ appointmentId, status, closedBy, note, at }: CloseAppointmentInput): Promise<void> {
      await inTransaction(pool, async (tx) => {
        const row = await lockAppointment(tx, appointmentId);
        if (!row) throw failure(FailureType.UnknownAppointment, `no appointment ${appointmentId}`);
        if (row.status !== 'PROPOSED' && row.status !== 'CONFIRMED') {
          log.info('appointment already closed; the first closing stands', { appointmentId, status: row.status, asked: status });
          return;
        }
        if (!CLOSINGS_FROM[row.status].includes(status)) {
          throw failure(FailureType.AppointmentNotOpen, `appointment ${appointmentId} is ${row.status}: it cannot close as ${status} (only ${CLOSINGS_FROM[row.status].join(' or ')})`);
        }
        const closeNote = [closedBy, note].filter((s) => s !== undefined && s.length > 0).join(': ') || null;
        await closeOpenAppointment(tx, appointmentId, status, new Date(at), closeNote);
        // staff are free again for what has not begun; a no-show's booking stays the record of the trip
        const released = status === 'CANCELLED' || status === 'EXPIRED' ? await releaseFutureBookings(tx, appointmentId, new Date(at)) : 0;
        log.info('appointment closed', { accountId: row.account_id, workflowId: row.workflow_id, appointmentId, status, bookingsReleased: released });
      });
    },

    async recordVisitReport({ accountId, workflowId, report, at }: RecordVisitReportInput): Promise<VisitReportRecorded> {
      const { appointmentId } = report;
      const first = await findVisitReport(pool, appointmentId);
      if (first) {
        if (first.account_id !== accountId) throw unknownAppointment(appointmentId, accountId);
        return { reportId: first.id, appointmentId };
      }
      const recorded = await inTransaction(pool, async (tx) => {
        const row = await lockAppointment(tx, appointmentId);
        if (!row || row.account_id !== accountId) throw unknownAppointment(appointmentId, accountId);
        const raced = await findVisitReport(tx, appointmentId);
        if (raced) return raced;
        if (row.status !== 'CONFIRMED') throw failure(FailureType.AppointmentNotOpen, `appointment ${appointmentId} is ${row.status}: a report is taken for a CONFIRMED visit only`);
        if (report.submittedBy !== row.collector_id && report.submittedBy !== row.security_id) {
          throw failure(FailureType.NotVisitStaff, `${report.submittedBy} is not booked for appointment ${appointmentId}: the collector or the security colleague who went submits the report`);
        }
        const party = await partyOf(tx, accountId);
        const amounts = reportAmounts(report, party.currency);
        const { identity, documents, interview, consent, assessment, recommendation } = report;
        const entries = Object.entries(documents);
        const ref = await insertVisitReport(tx, {
          appointmentId,
          accountId,
          workflowId,
          submittedBy: report.submittedBy,
          securityStaffId: row.security_id,
          visitedAt: new Date(report.visitedAt),
          addressKind: report.addressVisited,
          identityChecked: identity.checked,
          identityMethod: identity.checked && identity.method !== undefined ? identity.method : 'NOT_CHECKED',
          documents: Object.fromEntries(entries.map(([d, check]) => [d, check.status])),
          consent: { form: consent.form, covers: consent.covers },
          abilityToPay: assessment.abilityToPay,
          willingnessToPay: assessment.willingnessToPay,
          recommendedAction: recommendation.action,
          submittedAt: new Date(at),
          personal: {
            occupation: interview.occupation,
            householdMembers: interview.householdMembers,
            ...amounts,
            reasonForLateness: interview.reasonForLateness,
            reasonDetail: interview.reasonDetail ?? null,
            identityNote: identity.note ?? null,
            documentNotes: Object.fromEntries(entries.flatMap(([d, check]) => (check.note === undefined ? [] : [[d, check.note]]))),
            assessmentNote: assessment.note ?? null,
            recommendationNote: recommendation.note ?? null,
          },
        });
        await closeOpenAppointment(tx, appointmentId, 'VISITED', new Date(at), null);
        return ref;
      });
      log.info('visit report recorded', { accountId, workflowId, appointmentId, reportId: recorded.id, recommendedAction: report.recommendation.action });
      return { reportId: recorded.id, appointmentId };
    },

    /** An active SUPERVISOR, or ApplicationFailure NotASupervisor. */
    async checkSupervisor({ staffId }: CheckSupervisorInput): Promise<void> {
      const role = await activeStaffRole(pool, staffId);
      if (role !== 'SUPERVISOR') throw failure(FailureType.NotASupervisor, `${staffId} is not an active supervisor${role === undefined ? '' : ` (role ${role})`}`);
    },
  };
}

/**
 * Issue 7 §1-2: appointments and visits in Postgres. Proposing slots that suit the borrower
 * and are free in the staff calendar, booking the collector (and the security colleague of
 * a high-risk account) where the database refuses a double booking, closing an appointment
 * (expired, no-show, no report, cancelled), and storing the visit report (personal data
 * apart). Each write is once per idempotency key or appointment.
 *
 * CONTRACT STUB: the signatures are fixed; the bodies are being written (issue 7).
 */
import type {
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
  VisitReportRecorded,
} from '../src/domain/field-collection';
import type { ActivityDeps } from './deps';

const notYet = (name: string) => new Error(`${name}: not implemented yet`);

export function createAppointmentActivities(_deps: ActivityDeps) {
  return {
    /** config/field-collection.json for this account's treatment and risk tier, as of now. */
    async loadFieldPolicy(_input: LoadFieldPolicyInput): Promise<FieldPolicy> {
      throw notYet('loadFieldPolicy');
    },
    /** Free slots in the borrower's preferred hours, inside contact hours and staff working hours. */
    async proposeAppointment(_input: ProposeAppointmentInput): Promise<AppointmentProposed> {
      throw notYet('proposeAppointment');
    },
    async markAppointmentReached(_input: MarkAppointmentReachedInput): Promise<void> {
      throw notYet('markAppointmentReached');
    },
    /** Books the chosen slot; a slot taken meanwhile → ApplicationFailure SlotTaken (non-retryable) naming the free ones. */
    async confirmAppointment(_input: ConfirmAppointmentInput): Promise<VisitBooked> {
      throw notYet('confirmAppointment');
    },
    /** A visit without a confirmation (unannounced, or a reschedule): the earliest free slot. */
    async bookVisit(_input: BookVisitInput): Promise<VisitBooking> {
      throw notYet('bookVisit');
    },
    async closeAppointment(_input: CloseAppointmentInput): Promise<void> {
      throw notYet('closeAppointment');
    },
    async recordVisitReport(_input: RecordVisitReportInput): Promise<VisitReportRecorded> {
      throw notYet('recordVisitReport');
    },
    /** An active SUPERVISOR, or ApplicationFailure NotASupervisor. */
    async checkSupervisor(_input: CheckSupervisorInput): Promise<void> {
      throw notYet('checkSupervisor');
    },
  };
}

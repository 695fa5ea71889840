/**
 * Field collection (SPEC §2 steps 5-6, §3; issue 7): the appointment, the visit and its
 * report, family contacts. The payload schemas of the workflow's updates, and the inputs
 * and answers of its activities. Workflow-safe: zod and types only.
 */
import { z } from 'zod';
import { LATENESS_REASONS, majorUnitsSchema, staffIdSchema, type ContactChannel } from './early-collection';
import type { Stage } from './stages';

export const ADDRESS_KINDS = ['HOME', 'WORKPLACE'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

/** A time offered to the borrower for a visit (the schema: for the carried state and the API's views). */
export const proposedSlotSchema = z.object({ slotId: z.string(), startsAt: z.string(), endsAt: z.string() });

/** A time offered to the borrower for a visit. */
export interface ProposedSlot {
  /** short and stable within one appointment: s1, s2, … (what the borrower answers with) */
  slotId: string;
  startsAt: string;
  endsAt: string;
}

// ---------- the field-collection policy (config/field-collection.json, as the workflow got it) ----------

export const RECOMMENDED_ACTIONS = ['PLAN', 'SETTLEMENT', 'LEGAL', 'WRITE_OFF', 'NONE'] as const;
export type RecommendedAction = (typeof RECOMMENDED_ACTIONS)[number];

/** loadFieldPolicy's answer, recorded in history: a config change never alters a running appointment. */
export interface FieldPolicy {
  configVersion: string;
  /** the borrower's contact methods, tried in this order until one reaches them */
  contactOrder: ContactChannel[];
  /** the template that explains the purpose and offers the slots, per channel */
  appointmentTemplates: Record<ContactChannel, string>;
  /** the call-back request to a family member: discloses nothing about the debt */
  familyCallbackTemplate: string;
  /** the notice of a visit booked without a confirmation (a reschedule) */
  visitNoticeTemplate: string;
  /** how long an agent has for the appointment call */
  callWindowHours: number;
  /** how long the borrower has to confirm, from the proposal */
  confirmWindowHours: number;
  /** where to go when nobody confirms: an unannounced VISIT, or LEGAL (per treatment) */
  onNoConfirmation: 'VISIT' | 'LEGAL';
  /** reschedules after a no-show (or a visit whose report never came) before escalating */
  maxReschedules: number;
  /** the report is due this long after the visit's slot ends */
  reportDeadlineHours: number;
  /** where the account goes when every visit failed */
  onVisitsExhausted: Stage;
  /** where the account goes after a report, by its recommended action */
  afterReport: Record<RecommendedAction, Stage>;
  /** the account's risk tier asks for a security colleague on the visit */
  requiresSecurity: boolean;
}

export interface LoadFieldPolicyInput {
  accountId: string;
  treatmentId: string;
  at: number;
}

// ---------- proposing and booking ----------

export interface ProposeAppointmentInput {
  /** one per proposal of one run chain */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  confirmWindowHours: number;
  requiresSecurity: boolean;
  at: number;
}

export type AppointmentProposed =
  | { outcome: 'PROPOSED'; appointmentId: number; slots: ProposedSlot[]; confirmBy: string }
  /** no collector (and security colleague, if required) free in the search horizon */
  | { outcome: 'NO_FREE_SLOT'; lookAgainAt: string };

export interface BookVisitInput {
  /** one per visit of one run chain */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  visitNumber: number;
  /** the appointment whose visit failed (no-show, no report) */
  rescheduledFrom?: number;
  requiresSecurity: boolean;
  reportDeadlineHours: number;
  at: number;
}

/** A visit in the calendar: the collector (and security colleague) booked. */
export interface VisitBooked {
  outcome: 'BOOKED';
  appointmentId: number;
  kind: 'ARRANGED' | 'UNANNOUNCED';
  startsAt: string;
  endsAt: string;
  collectorId: string;
  securityId: string | null;
  addressKind: AddressKind;
  reportDueBy: string;
}

/** A booked visit's shape, for the carried state and the API's views. */
export const visitBookedSchema = z.object({
  outcome: z.literal('BOOKED'),
  appointmentId: z.number().int(),
  kind: z.enum(['ARRANGED', 'UNANNOUNCED']),
  startsAt: z.string(),
  endsAt: z.string(),
  collectorId: z.string(),
  securityId: z.string().nullable(),
  addressKind: z.enum(ADDRESS_KINDS),
  reportDueBy: z.string(),
}) satisfies z.ZodType<VisitBooked>;

export type VisitBooking = VisitBooked | { outcome: 'NO_FREE_SLOT'; lookAgainAt: string };

export interface MarkAppointmentReachedInput {
  appointmentId: number;
  via: ContactChannel | 'FAMILY';
  at: number;
}

export const APPOINTMENT_CLOSINGS = ['EXPIRED', 'NO_SHOW', 'REPORT_OVERDUE', 'CANCELLED'] as const;
export interface CloseAppointmentInput {
  appointmentId: number;
  status: (typeof APPOINTMENT_CLOSINGS)[number];
  /** the staff id who reported it (a no-show), or the workflow's reason */
  closedBy?: string;
  note?: string;
  at: number;
}

// ---------- confirmAppointment update ----------

export const CONFIRMATION_CHANNELS = ['CALL', 'SMS', 'EMAIL', 'IN_PERSON', 'WEB', 'OTHER'] as const;

export const confirmAppointmentSchema = z.strictObject({
  appointmentId: z.number().int().positive(),
  /** one of the proposed slots (s1, s2, …) */
  slotId: z.string().regex(/^s\d{1,2}$/, 'a proposed slot id such as s1'),
  /** where to visit; the text is what the borrower gave now (omitted: the address on file) */
  address: z.strictObject({
    kind: z.enum(ADDRESS_KINDS),
    text: z.string().trim().min(5).max(500).optional(),
  }),
  /** BORROWER (self-service), or the id of the agent who took the confirmation */
  confirmedBy: z.union([z.literal('BORROWER'), staffIdSchema]),
  channel: z.enum(CONFIRMATION_CHANNELS),
});
export type AppointmentConfirmation = z.infer<typeof confirmAppointmentSchema>;

export interface ConfirmAppointmentInput {
  accountId: string;
  workflowId: string;
  confirmation: AppointmentConfirmation;
  reportDeadlineHours: number;
  at: number;
}

// ---------- recordVisitNoShow update ----------

export const visitNoShowSchema = z.strictObject({
  appointmentId: z.number().int().positive(),
  /** the collector (or security colleague) at the door */
  reportedBy: staffIdSchema,
  note: z.string().max(2000).optional(),
});
export type VisitNoShow = z.infer<typeof visitNoShowSchema>;

export interface VisitNoShowRecorded {
  appointmentId: number;
  /** the visits so far that did not happen (no-show or no report) */
  failedVisits: number;
  /** true: another visit will be booked; false: the account escalates */
  willReschedule: boolean;
}

// ---------- submitVisitReport update ----------

export const DOCUMENTS = ['loanContract', 'idCard', 'proofOfIncome', 'proofOfAssets', 'householdRegister', 'marriageCertificate'] as const;
export const DOCUMENT_STATUSES = ['SEEN', 'NOT_SEEN', 'NOT_APPLICABLE'] as const;
export const IDENTITY_METHODS = ['ID_CARD', 'PASSPORT', 'OTHER_PHOTO_ID'] as const;
export const CONSENT_FORMS = ['WRITTEN', 'E_SIGNATURE', 'VERBAL_RECORDED'] as const;
/** What a collector may collect, each only with the borrower's consent. */
export const COLLECTED_ITEMS = ['INTERVIEW_ANSWERS', 'INCOME_FIGURES', 'DOCUMENT_COPIES', 'PHOTOS'] as const;
export const HOUSEHOLD_RELATIONS = ['SPOUSE', 'PARTNER', 'CHILD', 'PARENT', 'SIBLING', 'OTHER_RELATIVE', 'OTHER'] as const;

const documentCheck = z.strictObject({
  status: z.enum(DOCUMENT_STATUSES),
  note: z.string().max(1000).optional(),
});
const scale = z.number().int().min(1, '1 (none) to 5 (full)').max(5, '1 (none) to 5 (full)');

export const visitReportSchema = z
  .strictObject({
    appointmentId: z.number().int().positive(),
    /** the collector who writes the report */
    submittedBy: staffIdSchema,
    visitedAt: z.iso.datetime({ offset: true }),
    addressVisited: z.enum(ADDRESS_KINDS),
    /** the collector showed their staff credentials: a visit without them did not happen */
    credentialsShown: z.literal(true, 'credentials must be shown at every visit (true)'),
    identity: z.strictObject({
      checked: z.boolean(),
      method: z.enum(IDENTITY_METHODS).optional(),
      note: z.string().max(1000).optional(),
    }),
    documents: z.strictObject(Object.fromEntries(DOCUMENTS.map((d) => [d, documentCheck])) as Record<(typeof DOCUMENTS)[number], typeof documentCheck>),
    interview: z.strictObject({
      occupation: z.string().trim().min(1).max(200),
      householdMembers: z.array(z.strictObject({ relation: z.enum(HOUSEHOLD_RELATIONS), age: z.number().int().min(0).max(130).optional(), earns: z.boolean().optional() })).max(30),
      monthlyIncome: majorUnitsSchema,
      monthlyOutgoings: majorUnitsSchema,
      reasonForLateness: z.enum([...LATENESS_REASONS, 'OTHER']),
      reasonDetail: z.string().max(2000).optional(),
    }),
    consent: z.strictObject({
      form: z.enum(CONSENT_FORMS),
      /** what the borrower agreed may be collected; nothing else is recorded */
      covers: z.array(z.enum(COLLECTED_ITEMS)).min(1),
    }),
    assessment: z.strictObject({
      abilityToPay: scale,
      willingnessToPay: scale,
      note: z.string().max(4000).optional(),
    }),
    recommendation: z.strictObject({
      action: z.enum(RECOMMENDED_ACTIONS),
      note: z.string().max(4000).optional(),
    }),
  })
  .superRefine((r, ctx) => {
    if (r.identity.checked && r.identity.method === undefined)
      ctx.addIssue({ code: 'custom', path: ['identity', 'method'], message: 'missing: how the identity was checked' });
    if (!r.consent.covers.includes('INTERVIEW_ANSWERS'))
      ctx.addIssue({ code: 'custom', path: ['consent', 'covers'], message: 'the interview is recorded only with consent: INTERVIEW_ANSWERS must be covered' });
    if (!r.consent.covers.includes('INCOME_FIGURES'))
      ctx.addIssue({ code: 'custom', path: ['consent', 'covers'], message: 'monthly income and outgoings are recorded only with consent: INCOME_FIGURES must be covered' });
  });
export type VisitReport = z.infer<typeof visitReportSchema>;

export interface RecordVisitReportInput {
  accountId: string;
  workflowId: string;
  report: VisitReport;
  at: number;
}
export interface VisitReportRecorded {
  reportId: number;
  appointmentId: number;
}
export interface VisitReportAccepted extends VisitReportRecorded {
  /** where the account goes next, by the recommended action */
  nextStage: Stage;
}

// ---------- overrideStage update (supervisor) ----------

/** The stages a supervisor can move an account to so far (the later ones come with their issues). */
export const OVERRIDABLE_STAGES = ['APPOINTMENT', 'VISIT', 'NEGOTIATION', 'LEGAL'] as const;

export const overrideStageSchema = z.strictObject({
  to: z.enum(OVERRIDABLE_STAGES),
  supervisorId: staffIdSchema,
  reason: z.string().trim().min(5).max(500),
});
export type StageOverride = z.infer<typeof overrideStageSchema>;

export interface CheckSupervisorInput {
  staffId: string;
}

export interface StageOverridden {
  from: Stage;
  to: Stage;
}

// ---------- family contacts (SPEC §3) ----------

export interface ContactFamilyInput {
  /** one per call-back request of one run chain */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  templateId: string;
  at: number;
}

/**
 * Why a family contact was not used: every rule of SPEC §3 that stopped it, or UNDELIVERABLE:
 * the SMS provider refused the message to its number (nothing reached anyone).
 */
export type FamilyContactSkip = {
  familyContactId: number;
  reason: 'NO_CONSENT' | 'CONSENT_WITHDRAWN' | 'NOT_VERIFIED' | 'SOURCE_NOT_LAWFUL' | 'UNDELIVERABLE';
};

export type FamilyContactResult =
  | { outcome: 'SENT' | 'ALREADY_SENT'; contactAttemptId: number; familyContactId: number; consentId: number }
  | { outcome: 'NO_USABLE_FAMILY_CONTACT'; skipped: FamilyContactSkip[] }
  | { outcome: 'NOT_NEEDED' }
  /** the contact policy refused (hours, caps, cease-contact, hold) */
  | { outcome: 'BLOCKED'; rule: string; reason: string; nextAllowedAt: string | null };

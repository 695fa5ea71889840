/**
 * The account workflow's contract (SPEC §8): its input, signals and queries, as
 * typed constants in a workflow-safe module that clients import too.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { accountFiguresSchema } from '../src/domain/account';
import type { Bucket } from '../src/domain/buckets';
import type {
  AccountStatement,
  CallOutcome,
  CallOutcomeRecorded,
  CeaseContact,
  HoldPlaced,
  HoldReleased,
  PendingPromise,
  PromiseStatus,
  PromiseToPay,
  TreatmentChoice,
} from '../src/domain/early-collection';
import type {
  AppointmentConfirmation,
  ProposedSlot,
  StageOverride,
  StageOverridden,
  VisitBooked,
  VisitNoShow,
  VisitNoShowRecorded,
  VisitReport,
  VisitReportAccepted,
} from '../src/domain/field-collection';
import type { FieldCarried } from './field-collection';
import type { FiguresRefreshed } from '../src/domain/figures-refresh';
import { accountIdSchema } from '../src/domain/ids';
import type { PaymentEvent } from '../src/domain/payment-event';
import type { PaymentReversal } from '../src/domain/payment-reversal';
import { STAGES, type Stage } from '../src/domain/stages';

export const ACCOUNT_COLLECTION_WORKFLOW = 'accountCollection';

/** State a run hands to its successor at continue-as-new; not for people to write. */
export const carriedStateSchema = z.strictObject({
  stage: z.enum(STAGES),
  figures: accountFiguresSchema.optional(),
  remindingStartedAt: z.number().int().nullable(),
  cadenceIndex: z.number().int().min(0),
  transitionCount: z.number().int().min(0),
  seenEventIds: z.array(z.string()),
  paymentsCounted: z.number().int().min(0),
  /** Of the seen payment events, those counted toward the figures (absent from older runs: all seen ones). */
  countedEventIds: z.array(z.string()).optional(),
  /** Reversals already taken, by the reversed payment's event id. */
  reversedEventIds: z.array(z.string()).optional(),
  paymentsReversed: z.number().int().min(0).optional(),
  /** How often the account fell overdue again after its cure was recorded in this chain of runs. */
  reopenings: z.number().int().min(0).optional(),
  /** Early collection (generation 3): what the next run needs to carry on where this one stopped. */
  early: z
    .strictObject({
      /** the treatment chosen for this chain (kept, not re-made, across runs) */
      choice: z.custom<TreatmentChoice>((v) => typeof v === 'object' && v !== null),
      /** the cadence clock's reading: active (not paused) time in REMINDING so far, ms */
      cadenceElapsedMs: z.number().min(0),
      /** tries of the current step so far (a call cancelled by a hold is tried again) */
      stepAttempt: z.number().int().min(0),
      /** a broken promise brought the next step forward and it has not happened yet */
      nextStepNow: z.boolean(),
      holds: z.array(z.strictObject({ holdId: z.string(), reason: z.string(), placedAt: z.string() })),
      releasedHoldIds: z.array(z.string()),
      stageBeforeHold: z.enum(STAGES).nullable(),
      ceased: z.boolean(),
      ceaseRequestIds: z.array(z.string()),
      pendingPromise: z.custom<PendingPromise>((v) => typeof v === 'object' && v !== null).nullable(),
      promisesMade: z.number().int().min(0),
      promisesKept: z.number().int().min(0),
      promisesBroken: z.number().int().min(0),
      callTaskIds: z.array(z.number().int()),
      answeredCallTaskIds: z.array(z.number().int()),
      assignedAgent: z.string().nullable(),
      escalated: z.boolean(),
      /** call tasks on which the agent reached the borrower (absent before field collection) */
      rightPartyTaskIds: z.array(z.number().int()).optional(),
      /** field collection's state: the appointment or visit in hand (absent before it) */
      field: z.custom<FieldCarried>((v) => typeof v === 'object' && v !== null).optional(),
    })
    .optional(),
});
export type CarriedState = z.infer<typeof carriedStateSchema>;

export const accountCollectionInputSchema = z.strictObject({
  accountId: accountIdSchema,
  /** Optional overrides beside the id; everything else is loaded by activities. */
  overrides: z
    .strictObject({
      /** A treatment of config/treatments.json instead of the one the segment gets. */
      treatment: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a treatment id such as gentle').optional(),
      /** Continue-as-new once history passes this many events (default: the server's suggestion or 10,000). */
      maxHistoryEvents: z.number().int().min(100).optional(),
    })
    .optional(),
  carried: carriedStateSchema.optional(),
});
export type AccountCollectionInput = z.infer<typeof accountCollectionInputSchema>;

export interface NextStep {
  action: string;
  /** ISO instant */
  at: string;
}

export interface AccountSummary {
  accountId: string;
  stage: Stage;
  currency: string | null;
  /** minor units */
  amountOverdue: number;
  /** for people: "CNY 5118.10" */
  amountOverdueFormatted: string | null;
  daysPastDue: number;
  bucket: Bucket | null;
  riskTier: string | null;
  oldestUnpaidDueDate: string | null;
  figuresAsOf: string | null;
  treatment: string;
  nextStep: NextStep | null;
  onHold: boolean;
  holds: string[];
  /** Payment events counted toward the figures and not reversed since. */
  paymentsCounted: number;
  /** Payments counted earlier and reversed since (they no longer count). */
  paymentsReversed: number;
  /** config/treatments.json's version the treatment was chosen from (generation 3) */
  treatmentConfigVersion?: string | null;
  /** why this treatment */
  treatmentWhy?: string | null;
  /** the agent of the open call task */
  assignedAgent?: string | null;
  openCallTask?: { taskId: number; dueBy: string } | null;
  pendingPromise?: (PendingPromise & { amountFormatted: string }) | null;
  promisesKept?: number;
  promisesBroken?: number;
  /** cease-contact received: no outbound contact any more */
  contactCeased?: boolean;
  /** the last contact the policy refused, and until when */
  lastBlockedContact?: { channel: string; rule: string; nextAllowedAt: string | null } | null;
  /** APPOINTMENT: the proposal waiting for a confirmation (generation 3 with field collection) */
  appointment?: { appointmentId: number; slots: ProposedSlot[]; confirmBy: string; reachedVia: string | null } | null;
  /** VISIT: the visit booked, waiting for its report */
  visit?: (Omit<VisitBooked, 'outcome'> & { failedVisits: number }) | null;
}

export interface AccountCollectionResult {
  accountId: string;
  outcome: Stage;
  summary: AccountSummary;
}

/**
 * A payment event (see PaymentEvent). The handler parses the payload with zod:
 * a malformed one is logged and ignored, never fails the workflow.
 */
export const paymentReceivedSignal = defineSignal<[PaymentEvent]>('paymentReceived');

/**
 * A payment was reversed: Postgres already says so (`payments.reversed_at`); the
 * workflow re-reads its figures. Each reversed event id counts once; a malformed
 * payload is logged and ignored. The reversed payment no longer counts in
 * `paymentsCounted` (it moves to `paymentsReversed`). On an open run the account
 * stays in its stage with the new figures.
 */
export const paymentReversedSignal = defineSignal<[PaymentReversal]>('paymentReversed');

/** The loan book changed for this account: re-read the figures (idempotent; bad payload ignored). */
export const figuresRefreshedSignal = defineSignal<[FiguresRefreshed]>('figuresRefreshed');

export const summaryQuery = defineQuery<AccountSummary>('summary');

// ---- early collection (issue 6, SPEC §2 steps 2-4 and 10) ----

/** The overdue statement: every overdue installment with its amounts and a running total. */
export const statementQuery = defineQuery<AccountStatement | null>('statement');

/**
 * A dispute, complaint, hardship review, bankruptcy or death pauses all contact: the stage
 * is ON_HOLD and the cadence's timers stop, resuming with the time they had left once the
 * last hold is released. Idempotent by `holdId`; a malformed payload is logged and ignored.
 */
export const holdPlacedSignal = defineSignal<[HoldPlaced]>('holdPlaced');
export const holdReleasedSignal = defineSignal<[HoldReleased]>('holdReleased');

/** No outbound contact any more, for good (legal escalation stays possible). Idempotent by `requestId`. */
export const ceaseContactSignal = defineSignal<[CeaseContact]>('ceaseContact');

/**
 * The agent's answer to a call task (GET /agent/tasks). The validator rejects a malformed
 * outcome, or one for a task that is not this account's open call; the outcome is stored
 * in Postgres before the update returns.
 */
export const recordCallOutcomeUpdate = defineUpdate<CallOutcomeRecorded, [CallOutcome]>('recordCallOutcome');

export interface PromiseAccepted {
  promiseId: number;
  /** when it will be judged kept or broken */
  checkAt: string;
}
/**
 * A promise to pay: the cadence pauses until the promised date plus the grace period, then
 * the payments decide: kept → back to watching, broken → the next step at once. The
 * validator rejects a date in the past or beyond the horizon, a currency not the account's,
 * and a second promise while one is pending.
 */
export const recordPromiseUpdate = defineUpdate<PromiseAccepted, [PromiseToPay]>('recordPromise');

export type { PromiseStatus };

/**
 * The borrower (or an agent for them) picks one of the proposed slots and gives the address
 * to visit (SPEC §2 step 5). The validator rejects a slot or appointment not on offer and a
 * confirmation after the window; the handler books the collector (and security colleague)
 * in Postgres, where an exclusion constraint refuses a double booking: a slot taken meanwhile
 * fails the update with the slots still free, and nothing changes.
 */
export const confirmAppointmentUpdate = defineUpdate<VisitBooked, [AppointmentConfirmation]>('confirmAppointment');

/** The collector found nobody at the visit: rescheduled a bounded number of times, then escalated. */
export const recordVisitNoShowUpdate = defineUpdate<VisitNoShowRecorded, [VisitNoShow]>('recordVisitNoShow');

/**
 * The written visit report (SPEC §2 step 6). The validator rejects a report with missing or
 * wrong parts, naming each; the workflow keeps waiting. Stored in Postgres (personal data
 * apart) before the update answers; the account moves on by the recommended action.
 */
export const submitVisitReportUpdate = defineUpdate<VisitReportAccepted, [VisitReport]>('submitVisitReport');

/** A supervisor moves the account to another stage, with a reason (audited). */
export const overrideStageUpdate = defineUpdate<StageOverridden, [StageOverride]>('overrideStage');

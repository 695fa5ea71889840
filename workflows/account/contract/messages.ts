/**
 * The account workflow's messages (SPEC §8): signals, queries and updates, as typed
 * constants in a workflow-safe module that clients import too.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TimelineEvent } from '../../../src/domain/timeline';
import type {
  AccountStatement,
  CallOutcome,
  CallOutcomeRecorded,
  CeaseContact,
  HoldPlaced,
  HoldReleased,
  PromiseStatus,
  PromiseToPay,
} from '../../../src/domain/early-collection';
import type {
  AppointmentConfirmation,
  StageOverride,
  StageOverridden,
  VisitBooked,
  VisitNoShow,
  VisitNoShowRecorded,
  VisitReport,
  VisitReportAccepted,
} from '../../../src/domain/field-collection';
import type { FiguresRefreshed } from '../../../src/domain/figures-refresh';
import type { LegalCaseView, LegalOutcome, PlacementView, RecallPlacementRequest, WriteOffDecision, WriteOffView } from '../../../src/domain/legal';
import type { Offer, PlanAnswer, PlanResponse, WaiverDecision } from '../../../src/domain/negotiation';
import type { PaymentEvent } from '../../../src/domain/payment-event';
import type { PaymentReversal } from '../../../src/domain/payment-reversal';
import type { AccountSummary, LegalSummary } from './summary';

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

/** The run's recent events in the domain's words, newest first, bounded (run/run-timeline.ts); no personal data. */
export const timelineQuery = defineQuery<TimelineEvent[]>('timeline');

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

// ---- negotiation and plans (issue 16, SPEC §2 steps 7-8) ----

/** The negotiation's offer as it stands (null: no offer made in this chain of runs yet). */
export const offerQuery = defineQuery<Offer | null>('offer');

/**
 * The borrower's answer to the offer (accept one option, decline, or ask for another with a
 * stated income), brought by an agent, the field app, the API or the CLI. The validator
 * rejects an answer to an offer that is not the open one, withdrawn, expired, awaiting a
 * supervisor or already answered; the answer is stored (an accepted option becomes the plan)
 * before the update returns.
 */
export const respondToPlanUpdate = defineUpdate<PlanAnswer, [PlanResponse]>('respondToPlan');

/**
 * A supervisor's decision on a waiver beyond the tier's limit (approve, reduce, refuse, with
 * a reason). The validator rejects a waiver that is not open on this account's offer; the
 * activity checks that the supervisor is one. Answers the offer as it stands after it.
 */
export const approveWaiverUpdate = defineUpdate<Offer, [WaiverDecision]>('approveWaiver');

// ---- legal escalation, agency placement, write-off (issue 17, SPEC §2 step 9) ----

/** The LEGAL stage's decision, case, placement and write-off as they stand (null: the account never reached LEGAL in this run). */
export const legalQuery = defineQuery<LegalSummary | null>('legal');

/**
 * The legal team's report on the account's case (FILED, ASSET_PRESERVATION, JUDGMENT,
 * SETTLED_IN_COURT, RECOVERED with an amount, UNRECOVERABLE). The validator rejects a case
 * that is not the account's open one and an outcome out of order (dates, filed once, judgment
 * after filing, nothing after the end, the account's currency); stored before it answers.
 */
export const recordLegalOutcomeUpdate = defineUpdate<LegalCaseView, [LegalOutcome]>('recordLegalOutcome');

/** A supervisor approves or declines the write-off the stage recommended, with a reason (the activity checks the role). */
export const approveWriteOffUpdate = defineUpdate<WriteOffView, [WriteOffDecision]>('approveWriteOff');

/** A supervisor recalls the account from its collection agency, with a reason; the recall is recorded and sent before it answers. */
export const recallPlacementUpdate = defineUpdate<PlacementView, [RecallPlacementRequest]>('recallPlacement');

/**
 * Non-retryable business failure types, in one place: activities throw
 * ApplicationFailure with these types; workflows and retry policies name them.
 */
export const FailureType = {
  AccountNotFound: 'AccountNotFound',
  InvalidWorkflowInput: 'InvalidWorkflowInput',
  NoContactMethod: 'NoContactMethod',
  /** The worker lacks something an activity needs (e.g. a Temporal client): retrying cannot help. */
  WorkerMisconfigured: 'WorkerMisconfigured',
  /** A call outcome names a task that does not exist or is another account's. */
  UnknownCallTask: 'UnknownCallTask',
  /** A promise the account cannot take: another currency, an amount finer than its minor unit, or nothing. */
  PromiseNotAccepted: 'PromiseNotAccepted',
  /** settlePromise names a promise that does not exist or is another account's. */
  UnknownPromise: 'UnknownPromise',
  /** The workflow's overrides ask for a treatment config/treatments.json does not have. */
  UnknownTreatment: 'UnknownTreatment',
  /** A contact provider refused the message itself (e.g. an HTTP 4xx from the SMS gateway): sending it again cannot help. */
  ProviderRejected: 'ProviderRejected',
  /** The chosen visit slot is no longer bookable (staff booked meanwhile, or it has begun); the message names the proposed slots still bookable. */
  SlotTaken: 'SlotTaken',
  /** A confirmation asks for an address the borrower has none of on file and gave none. */
  AddressMissing: 'AddressMissing',
  /** A visit report submitted by someone not booked for the visit. */
  NotVisitStaff: 'NotVisitStaff',
  /** An override by someone who is not an active supervisor. */
  NotASupervisor: 'NotASupervisor',
  /** The appointment does not exist or is another account's. */
  UnknownAppointment: 'UnknownAppointment',
  /** A confirmation names a slot the appointment never offered. */
  UnknownSlot: 'UnknownSlot',
  /** The appointment is not in a state that takes this (confirming a closed one, a report for a proposal, …). */
  AppointmentNotOpen: 'AppointmentNotOpen',
  /** A visit report whose money fields the account's currency cannot hold (finer than its minor unit). */
  VisitReportNotAccepted: 'VisitReportNotAccepted',
  /** An answer or a waiver decision names an offer that does not exist or is another account's. */
  UnknownOffer: 'UnknownOffer',
  /** A waiver decision names a waiver that does not exist or is another account's. */
  UnknownWaiver: 'UnknownWaiver',
  /** A waiver already decided (or lapsed) differently, or whose offer is no longer open. */
  WaiverNotOpen: 'WaiverNotOpen',
  /** A reduced waiver the currency cannot hold, or beyond what waits for approval. */
  WaiverNotAccepted: 'WaiverNotAccepted',
  /** An answer to an offer that is not out (awaiting approval, expired, withdrawn, answered) or names an option it does not have. */
  AnswerNotAccepted: 'AnswerNotAccepted',
  /** A plan that does not exist or is another account's. */
  UnknownPlan: 'UnknownPlan',
  /** A plan marked COMPLETED while part of it is unpaid. */
  PlanNotPaidUp: 'PlanNotPaidUp',
  /** The legal decision cannot be made: the account's jurisdiction has no costs in its currency, or it is not of a known jurisdiction or product. */
  LegalDecisionNotPossible: 'LegalDecisionNotPossible',
  /** A referral, placement or write-off names a decision that does not exist, is another account's, or decided otherwise. */
  UnknownLegalDecision: 'UnknownLegalDecision',
  /** A legal outcome names a case that does not exist or is another account's. */
  UnknownLegalCase: 'UnknownLegalCase',
  /** A legal outcome out of order (dates, a judgment before filing, anything after the case ended) or in another currency. */
  LegalOutcomeNotAccepted: 'LegalOutcomeNotAccepted',
  /** A recall names a placement that does not exist or is another account's. */
  UnknownPlacement: 'UnknownPlacement',
  /** A write-off decision names a recommendation that does not exist or is another account's. */
  UnknownWriteOff: 'UnknownWriteOff',
  /** A write-off decision on a recommendation already decided differently. */
  WriteOffNotOpen: 'WriteOffNotOpen',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

export const NON_RETRYABLE_FAILURES: string[] = Object.values(FailureType);

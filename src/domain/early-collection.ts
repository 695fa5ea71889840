/**
 * Early collection's vocabulary (SPEC §2 steps 2-4 and 10, §8; issue 6): the overdue
 * statement, the agent's call outcome, a promise to pay, holds and cease-contact — the
 * payloads of the account workflow's signals and updates (zod, parsed at the boundary)
 * and what the activities behind them answer. Workflow-safe: zod and types only.
 */
import { z } from 'zod';
import type { AccountFigures } from './account';
import { isoDateSchema, type IsoDate } from './dates';
import type { ExperimentPlace } from './experiment';
import { currencySchema } from './money';
import { HOLD_REASONS } from '../contact-policy/policy';
import type { Treatment } from '../treatments/schema';
import type { Segment } from '../treatments/choose-treatment';

// ---------- the overdue statement (statement query) ----------

export interface StatementLine {
  installmentNo: number;
  dueDate: IsoDate;
  /** minor units, as scheduled */
  amountDue: number;
  /** minor units still unpaid, split the way payments apply (fees, then interest, then principal) */
  outstandingFees: number;
  outstandingInterest: number;
  outstandingPrincipal: number;
  outstanding: number;
  /** sum of `outstanding` of this line and every earlier one */
  runningTotal: number;
  daysPastDue: number;
}

export interface AccountStatement {
  accountId: string;
  /** the business day the statement is for */
  asOf: IsoDate;
  currency: string;
  /** every installment overdue on `asOf`, oldest due first */
  lines: StatementLine[];
  /** minor units: the last line's running total (0 when nothing is overdue) */
  totalOverdue: number;
}

/** loadAccountStatement's answer: the figures and the statement from one read. */
export interface FiguresAndStatement {
  figures: AccountFigures;
  statement: AccountStatement;
}

// ---------- the treatment ----------

export interface PromisePolicy {
  /** the latest promise date accepted, in days after today */
  horizonDays: number;
  /** days after the promised date before a promise is judged */
  graceDays: number;
}

/** chooseTreatment's answer, recorded in history: later config changes do not alter a running cadence. */
export interface TreatmentChoice {
  treatmentId: string;
  /** config/treatments.json's version */
  configVersion: string;
  treatment: Treatment;
  /** the matching rule's `why`, or why the default applied */
  why: string;
  segment: Segment;
  promisePolicy: PromisePolicy;
  /** how long an agent has to make a call step's call before the cadence moves on */
  callWindowHours: number;
  /** the bank's zone, for business days in the workflow's validators */
  businessTimeZone: string;
  /** the champion/challenger experiment the account is in (absent: none; issue 18 §4) */
  experiment?: ExperimentPlace;
}

// ---------- contacting the borrower ----------

export type ContactChannel = 'SMS' | 'CALL' | 'EMAIL';

export interface ContactStepInput {
  /** one per cadence step of one run chain: a retry never contacts twice */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  channel: ContactChannel;
  templateId: string;
  /** the newest when omitted */
  templateVersion?: number;
  /** the workflow's clock (ms since epoch): the policy and business day are judged at it */
  at: number;
  /** call steps: how long the agent has */
  callWindowHours?: number;
  /**
   * Field collection (issue 7): the appointment the message is about. The template gets its
   * proposed slots ({{proposedSlots}}) or its booked time ({{visitTime}}), in the borrower's zone.
   */
  appointmentId?: number;
  /**
   * Negotiation (issue 16): the offer the message presents ({{offerOptions}}, {{offerValidUntil}});
   * it goes out only while the offer is OFFERED.
   */
  offerId?: number;
  /**
   * A plan's reminder or call-back: the instalment it is about ({{planInstalment}}); it goes out
   * only while the plan is in force and the instalment unpaid (the account may show nothing overdue).
   */
  planInstalment?: { planId: number; instalmentNo: number };
}

export type ContactStepResult =
  | { outcome: 'SENT' | 'ALREADY_SENT'; contactAttemptId: number }
  /** a call step: the task is in the agent queue */
  | { outcome: 'CALL_TASK_OPENED'; contactAttemptId: number; taskId: number; assignedAgent: string | null; dueBy: string }
  /** nothing overdue any more: no contact made */
  | { outcome: 'NOT_NEEDED' }
  | { outcome: 'NO_CONTACT_METHOD'; contactAttemptId: number }
  /** the contact policy refused; `nextAllowedAt` null: not until something is lifted (opt-out, hold, cease) */
  | { outcome: 'BLOCKED'; rule: string; reason: string; nextAllowedAt: string | null };

// ---------- the agent's call outcome (recordCallOutcome update) ----------

export const LATENESS_REASONS = ['OVERSIGHT', 'INCOME_DROP', 'ILLNESS', 'DISPUTE', 'REFUSAL'] as const;
export const INCOME_CHANGES = ['NONE', 'DECREASED', 'INCREASED', 'LOST'] as const;
export const HOUSEHOLD_CHANGES = ['NONE', 'NEW_DEPENDANT', 'SEPARATION', 'BEREAVEMENT', 'ILLNESS', 'OTHER'] as const;

export const staffIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a staff id such as agent-01');

export const callOutcomeSchema = z
  .strictObject({
    taskId: z.number().int().positive(),
    agentId: staffIdSchema,
    rightPartyReached: z.boolean(),
    /** what the borrower gave as the reason for lateness */
    reason: z.enum(LATENESS_REASONS).optional(),
    incomeChange: z.enum(INCOME_CHANGES).optional(),
    householdChange: z.enum(HOUSEHOLD_CHANGES).optional(),
    note: z.string().max(2000).optional(),
  })
  .refine((o) => o.rightPartyReached || (o.reason === undefined && o.incomeChange === undefined && o.householdChange === undefined), {
    message: 'reason, incomeChange and householdChange come from a conversation with the borrower: only when rightPartyReached is true',
    path: ['rightPartyReached'],
  });
export type CallOutcome = z.infer<typeof callOutcomeSchema>;

export interface RecordCallOutcomeInput {
  accountId: string;
  workflowId: string;
  outcome: CallOutcome;
  at: number;
}
export interface CallOutcomeRecorded {
  taskId: number;
  callOutcomeId: number;
}

// ---------- a promise to pay (recordPromise update) ----------

/** Money as people write it: decimal major units as a string, e.g. "1200.50" (exact, like the loan book). */
export const majorUnitsSchema = z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, 'an amount in major units such as 1200.50');

export const PROMISE_CHANNELS = ['CALL', 'SMS', 'EMAIL', 'IN_PERSON', 'OTHER'] as const;

export const promiseToPaySchema = z.strictObject({
  /** decimal major units as a string, e.g. "1200.50" (exact, like the loan book) */
  amount: majorUnitsSchema,
  currency: currencySchema,
  promisedFor: isoDateSchema,
  /** the channel the promise was given on */
  channel: z.enum(PROMISE_CHANNELS),
  recordedBy: staffIdSchema.optional(),
});
export type PromiseToPay = z.infer<typeof promiseToPaySchema>;

export interface RecordPromiseInput {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  promise: PromiseToPay;
  graceDays: number;
  at: number;
}
export interface PromiseRecorded {
  promiseId: number;
  /** minor units */
  amount: number;
  /** when to judge it: the start of the business day after promisedFor + grace */
  checkAt: string;
}
export type PromiseStatus = 'KEPT' | 'BROKEN';
/** A promise the workflow waits on. */
export interface PendingPromise {
  promiseId: number;
  /** minor units */
  amount: number;
  currency: string;
  promisedFor: IsoDate;
  checkAt: string;
}
export interface PromiseSettled {
  promiseId: number;
  status: PromiseStatus;
  /** minor units paid (not reversed) on the account since the promise was recorded */
  amountPaid: number;
}

// ---------- holds and cease-contact (signals) ----------

export { HOLD_REASONS };

export const holdPlacedSchema = z.strictObject({
  /** the sender's id for this hold: repeated signals count once, holdReleased names it */
  holdId: z.string().min(1).max(128),
  reason: z.enum(HOLD_REASONS),
  note: z.string().max(2000).optional(),
});
export type HoldPlaced = z.infer<typeof holdPlacedSchema>;

export const holdReleasedSchema = z.strictObject({ holdId: z.string().min(1).max(128) });
export type HoldReleased = z.infer<typeof holdReleasedSchema>;

export const ceaseContactSchema = z.strictObject({
  requestId: z.string().min(1).max(128),
  /** ACCOUNT: this account only; BORROWER: every account of the borrower */
  scope: z.enum(['ACCOUNT', 'BORROWER']).default('BORROWER'),
});
export type CeaseContact = z.infer<typeof ceaseContactSchema>;

export interface RecordHoldInput {
  accountId: string;
  workflowId: string;
  hold: HoldPlaced;
  at: number;
}
export interface ReleaseHoldInput {
  accountId: string;
  holdId: string;
  at: number;
}
export interface RecordCeaseContactInput {
  accountId: string;
  workflowId: string;
  request: CeaseContact;
  at: number;
}

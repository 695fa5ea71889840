/**
 * Legal escalation, agency placement, write-off and the exits (SPEC §2 step 9, issue 17):
 * the decision's shape, the payloads of the account workflow's `recordLegalOutcome`,
 * `approveWriteOff` and `recallPlacement` updates, the account-closed event, and the
 * shapes the legal queries, routes and CLI answer. zod and types only, and only
 * src/domain imports (plus the contact policy's vocabulary), so the workflow, the API and
 * the CLI share one definition.
 *
 * Money is integer minor units throughout, as the issue asks of a recovered amount.
 */
import { z } from 'zod';
import { BUCKETS } from './buckets';
import { isoDateSchema, type IsoDate } from './dates';
import { staffIdSchema } from './early-collection';
import { currencySchema, minorUnitsSchema } from './money';
import { PRODUCTS } from './negotiation';
import { JURISDICTIONS } from '../contact-policy/policy';

// ---------- the decision on entering LEGAL ----------

export const LEGAL_ACTIONS = ['REFER', 'PLACE_WITH_AGENCY', 'RECOMMEND_WRITE_OFF'] as const;
export type LegalAction = (typeof LEGAL_ACTIONS)[number];

/** What the decision weighs: the account's figures and what the visit saw (no personal data). */
export const legalBasisSchema = z.strictObject({
  accountId: z.string().min(1),
  jurisdiction: z.enum(JURISDICTIONS),
  currency: currencySchema,
  product: z.enum(PRODUCTS),
  riskTier: z.string(),
  bucket: z.enum(BUCKETS),
  daysPastDue: z.number().int().min(0),
  /** minor units claimed: the whole unpaid balance (a judgment accelerates what is not yet due) */
  claim: minorUnitsSchema.min(0),
  /** the latest visit report saw assets that could be preserved */
  assetsSeen: z.boolean(),
  /** the account is secured */
  collateral: z.boolean(),
  /** the oldest unpaid installment's due date (days past due count from it); null when nothing is unpaid */
  oldestUnpaidDueDate: isoDateSchema.nullable(),
  /** the business day of the decision */
  asOf: isoDateSchema,
});
export type LegalBasis = z.infer<typeof legalBasisSchema>;

export const legalCostSchema = z.strictObject({
  courtFee: minorUnitsSchema.min(0),
  lawyerFee: minorUnitsSchema.min(0),
  assetPreservation: minorUnitsSchema.min(0),
  total: minorUnitsSchema.min(0),
});
export type LegalCost = z.infer<typeof legalCostSchema>;

export const chargeOffSchema = z.strictObject({
  jurisdiction: z.enum(JURISDICTIONS),
  /** the preset's days past due for the product */
  daysPastDue: z.number().int().min(1),
  /** the day the account reaches them (null: nothing unpaid) */
  dueOn: isoDateSchema.nullable(),
  reached: z.boolean(),
});
export type ChargeOff = z.infer<typeof chargeOffSchema>;

/** The decision with its figures: recorded (legal_decisions, audit) and shown in the summary. */
export const legalDecisionSchema = z.strictObject({
  action: z.enum(LEGAL_ACTIONS),
  configVersion: z.string(),
  currency: currencySchema,
  claim: minorUnitsSchema.min(0),
  cost: legalCostSchema,
  /** the share of the claim expected back through the courts */
  recoveryRate: z.number().min(0).max(1),
  expectedRecovery: minorUnitsSchema.min(0),
  monthsToRecovery: z.number().int().min(1),
  /** expectedRecovery discounted for monthsToRecovery at the bank's cost of funds */
  discountedRecovery: minorUnitsSchema.min(0),
  /** discountedRecovery / cost.total (null when legal action would cost nothing) */
  recoveryToCost: z.number().min(0).nullable(),
  /** the agency an account not referred would go to, with its expected net collection; null when none serves the jurisdiction */
  agency: z.strictObject({ agencyId: z.string(), commissionRate: z.number().min(0).max(1), placementTermDays: z.number().int().min(1), expectedNet: minorUnitsSchema.min(0) }).nullable(),
  chargeOff: chargeOffSchema,
  /** why, in words, for the summary and the audit */
  reason: z.string(),
});
export type LegalDecision = z.infer<typeof legalDecisionSchema>;

// ---------- recordLegalOutcome update (the legal team) ----------

export const LEGAL_OUTCOMES = ['FILED', 'ASSET_PRESERVATION', 'JUDGMENT', 'SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE'] as const;
export type LegalOutcomeKind = (typeof LEGAL_OUTCOMES)[number];

/** Outcomes that end the case: nothing is recorded after them. */
export const FINAL_OUTCOMES: readonly LegalOutcomeKind[] = ['SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE'];

const outcomeCommon = {
  caseId: z.number().int().positive(),
  /** the day it happened (court's date), not the day it is reported */
  occurredOn: isoDateSchema,
  reportedBy: staffIdSchema,
  note: z.string().trim().max(2000).optional(),
};
const money = { amount: minorUnitsSchema.min(1, 'at least one minor unit'), currency: currencySchema };

export const recordLegalOutcomeSchema = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('FILED'), ...outcomeCommon, courtReference: z.string().trim().min(1).max(100), hearingOn: isoDateSchema.optional() }),
    z.strictObject({ outcome: z.literal('ASSET_PRESERVATION'), ...outcomeCommon, hearingOn: isoDateSchema.optional() }),
    z.strictObject({ outcome: z.literal('JUDGMENT'), ...outcomeCommon, ...money }),
    z.strictObject({ outcome: z.literal('SETTLED_IN_COURT'), ...outcomeCommon, ...money }),
    z.strictObject({ outcome: z.literal('RECOVERED'), ...outcomeCommon, ...money }),
    z.strictObject({ outcome: z.literal('UNRECOVERABLE'), ...outcomeCommon }),
  ])
  .refine((o) => !('hearingOn' in o) || o.hearingOn === undefined || o.hearingOn >= o.occurredOn, { message: 'the hearing is on or after the day the outcome occurred', path: ['hearingOn'] });
export type LegalOutcome = z.infer<typeof recordLegalOutcomeSchema>;

/** An outcome as stored and shown in the timeline and the case view. */
export const legalOutcomeViewSchema = z.strictObject({
  outcomeId: z.number().int().positive(),
  outcome: z.enum(LEGAL_OUTCOMES),
  occurredOn: isoDateSchema,
  amount: minorUnitsSchema.nullable(),
  courtReference: z.string().nullable(),
  hearingOn: isoDateSchema.nullable(),
  reportedBy: z.string(),
  recordedAt: z.iso.datetime(),
});
export type LegalOutcomeView = z.infer<typeof legalOutcomeViewSchema>;

/**
 * Dates in order, and the case's story in order: the validator (workflow) and the activity
 * (Postgres) both ask this, with the case's outcomes so far and the day it is now. Returns
 * the problem in words, or null.
 */
export function outcomeOutOfOrder(earlier: Pick<LegalOutcomeView, 'outcome' | 'occurredOn'>[], next: Pick<LegalOutcome, 'outcome' | 'occurredOn'> & { currency?: string }, today: IsoDate, caseCurrency?: string): string | null {
  if (next.occurredOn > today) return `occurredOn ${next.occurredOn} is in the future (today is ${today})`;
  const last = earlier.at(-1);
  if (last && FINAL_OUTCOMES.includes(last.outcome)) return `the case ended with ${last.outcome}: nothing is recorded after it`;
  if (last && next.occurredOn < last.occurredOn) return `occurredOn ${next.occurredOn} is before the last outcome (${last.outcome} on ${last.occurredOn})`;
  const seen = (kind: LegalOutcomeKind) => earlier.some((o) => o.outcome === kind);
  if (next.outcome === 'FILED' && seen('FILED')) return 'the case is already filed';
  if (next.outcome === 'JUDGMENT' && !seen('FILED')) return 'a judgment comes after the case is filed';
  if (next.outcome === 'JUDGMENT' && seen('JUDGMENT')) return 'the case already has its judgment';
  if (caseCurrency !== undefined && next.currency !== undefined && next.currency !== caseCurrency) return `the amount is in ${next.currency}, the account in ${caseCurrency}`;
  return null;
}

// ---------- the legal case (GET /legal/cases/:id, arrears legal) ----------

export const LEGAL_CASE_STATUSES = ['REFERRED', 'FILED', 'ASSET_PRESERVATION', 'JUDGMENT', 'SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE'] as const;
export type LegalCaseStatus = (typeof LEGAL_CASE_STATUSES)[number];

export const legalCaseViewSchema = z.strictObject({
  caseId: z.number().int().positive(),
  accountId: z.string(),
  decisionId: z.number().int().positive(),
  status: z.enum(LEGAL_CASE_STATUSES),
  assignedTeam: z.string(),
  currency: currencySchema,
  claim: minorUnitsSchema,
  /** the evidence bundle: where it is stored and its SHA-256 */
  bundlePath: z.string(),
  bundleSha256: z.string().regex(/^[0-9a-f]{64}$/),
  referredAt: z.iso.datetime(),
  /** the next hearing, when the legal team reported one */
  nextHearingOn: isoDateSchema.nullable(),
  recovered: minorUnitsSchema.min(0),
  outcomes: z.array(legalOutcomeViewSchema),
});
export type LegalCaseView = z.infer<typeof legalCaseViewSchema>;

// ---------- agency placement and recall ----------

export const RECALL_REASONS = ['PAYMENT_CURED', 'HOLD_PLACED', 'TERM_ENDED', 'SUPERVISOR', 'ACCOUNT_CLOSED'] as const;
export type RecallReason = (typeof RECALL_REASONS)[number];

export const PLACEMENT_STATUSES = ['PLACED', 'RECALL_PENDING', 'RECALLED'] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];

/** recallPlacement update: a supervisor recalls the account from its agency. */
export const recallPlacementSchema = z.strictObject({
  placementId: z.number().int().positive(),
  supervisorId: staffIdSchema,
  reason: z.string().trim().min(5).max(500),
});
export type RecallPlacementRequest = z.infer<typeof recallPlacementSchema>;

export const placementViewSchema = z.strictObject({
  placementId: z.number().int().positive(),
  accountId: z.string(),
  agencyId: z.string(),
  commissionRate: z.number().min(0).max(1),
  currency: currencySchema,
  placedAmount: minorUnitsSchema,
  placedAt: z.iso.datetime(),
  /** the term ends: recalled then if not before */
  recallBy: isoDateSchema,
  status: z.enum(PLACEMENT_STATUSES),
  /** the placement message's delivery to the agency */
  sent: z.boolean(),
  recall: z.strictObject({ reason: z.enum(RECALL_REASONS), requestedBy: z.string().nullable(), requestedAt: z.iso.datetime(), sentAt: z.iso.datetime().nullable(), attempts: z.number().int().min(0) }).nullable(),
});
export type PlacementView = z.infer<typeof placementViewSchema>;

// ---------- write-off ----------

export const WRITE_OFF_DECISIONS = ['APPROVE', 'DECLINE'] as const;

/** approveWriteOff update: SUPERVISOR only (the activity checks the role), with a reason. */
export const approveWriteOffSchema = z.strictObject({
  recommendationId: z.number().int().positive(),
  supervisorId: staffIdSchema,
  decision: z.enum(WRITE_OFF_DECISIONS),
  reason: z.string().trim().min(5).max(500),
});
export type WriteOffDecision = z.infer<typeof approveWriteOffSchema>;

export const WRITE_OFF_STATUSES = ['RECOMMENDED', 'APPROVED', 'DECLINED'] as const;

export const writeOffViewSchema = z.strictObject({
  recommendationId: z.number().int().positive(),
  accountId: z.string(),
  status: z.enum(WRITE_OFF_STATUSES),
  currency: currencySchema,
  /** minor units: the balance written off (fixed when approved) */
  amount: minorUnitsSchema.min(0),
  recommendedAt: z.iso.datetime(),
  /** why: the charge-off preset reached, or legal action does not pay off */
  basis: z.enum(['CHARGE_OFF_REACHED', 'LEGAL_DOES_NOT_PAY']),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  /** minor units received after the write-off (recoveries), reported, re-opening nothing */
  recovered: minorUnitsSchema.min(0),
});
export type WriteOffView = z.infer<typeof writeOffViewSchema>;

// ---------- the account closed (import or API event) ----------

export const CLOSURE_REASONS = ['SOLD', 'CLOSED_BY_BANK', 'PAID_ELSEWHERE', 'DECEASED_ESTATE_SETTLED', 'OTHER'] as const;

export const accountClosedSchema = z
  .strictObject({
    eventId: z.string().trim().min(1).max(200),
    reason: z.enum(CLOSURE_REASONS),
    closedOn: isoDateSchema,
    source: z.enum(['IMPORT', 'API']),
    /** to whom, for SOLD (a debt buyer); a word of explanation for OTHER */
    note: z.string().trim().max(500).optional(),
  })
  .refine((e) => e.reason !== 'OTHER' || (e.note?.length ?? 0) > 0, { message: 'OTHER needs a note', path: ['note'] });
export type AccountClosed = z.infer<typeof accountClosedSchema>;

// ---------- the LegalStatus search attribute ----------

/** The LegalStatus search attribute's values (the UI filters "LEGAL with a hearing this month" with NextHearing beside it). */
export const LEGAL_STATUSES = ['DECIDED', ...LEGAL_CASE_STATUSES, 'PLACED', 'RECALLED', 'WRITE_OFF_RECOMMENDED', 'WRITTEN_OFF'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

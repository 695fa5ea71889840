/**
 * Negotiation and plans (SPEC §2 steps 7-8, issue 16): what an offer is made of, the
 * payloads of the account workflow's `respondToPlan` and `approveWaiver` updates and the
 * shape its `offer` query answers. zod and types only, and only src/domain imports, so the
 * workflow, the API and the CLI share one definition.
 *
 * Money is integer minor units throughout; what people type (a stated income, a reduced
 * waiver) is decimal major units as a string, converted exactly where the currency is known.
 */
import { z } from 'zod';
import { BUCKETS, type Bucket } from './buckets';
import { isoDateSchema, type IsoDate } from './dates';
import { majorUnitsSchema, staffIdSchema } from './early-collection';
import { currencySchema, minorUnitsSchema } from './money';

export const PRODUCTS = ['LOAN', 'CREDIT_CARD'] as const;
export type Product = (typeof PRODUCTS)[number];

/** The parts of a balance a plan may waive; principal never, outside a settlement. */
export const WAIVABLE_COMPONENTS = ['PENALTY_FEES', 'LATE_INTEREST', 'CONTRACT_INTEREST'] as const;
export type WaivableComponent = (typeof WAIVABLE_COMPONENTS)[number];

/** A waiver line's subject: one waivable component, or a settlement's discount on the whole balance. */
export const WAIVER_SUBJECTS = [...WAIVABLE_COMPONENTS, 'SETTLEMENT_DISCOUNT'] as const;
export type WaiverSubject = (typeof WAIVER_SUBJECTS)[number];

export const OPTION_KINDS = ['INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT'] as const;
export type OptionKind = (typeof OPTION_KINDS)[number];

/** What is owed, by component, in minor units. */
export const balanceSchema = z.strictObject({
  principal: minorUnitsSchema.min(0),
  contractInterest: minorUnitsSchema.min(0),
  lateInterest: minorUnitsSchema.min(0),
  penaltyFees: minorUnitsSchema.min(0),
});
export type Balance = z.infer<typeof balanceSchema>;

export const BALANCE_OF: Readonly<Record<WaivableComponent, keyof Balance>> = {
  PENALTY_FEES: 'penaltyFees',
  LATE_INTEREST: 'lateInterest',
  CONTRACT_INTEREST: 'contractInterest',
};

export const balanceTotal = (b: Balance): number => b.principal + b.contractInterest + b.lateInterest + b.penaltyFees;

// ---------- what an offer is sized from ----------

export const SURPLUS_SOURCES = ['VISIT_REPORT', 'STATED'] as const;

/** The account's figures and what is known of the borrower, as the offer activity reads them (no personal data but the surplus). */
export interface OfferBasis {
  accountId: string;
  currency: string;
  product: Product;
  riskTier: string;
  bucket: Bucket;
  daysPastDue: number;
  /** the business day the offer is made on */
  asOf: IsoDate;
  /** unpaid on installments due before asOf */
  overdue: Balance;
  /** the contract's installments not yet due */
  notYetDue: Balance & {
    instalments: number;
    /** minor units: the next contractual installment, which the borrower keeps paying beside an arrears plan */
    nextInstalment: number;
  };
  /** the borrower's monthly income minus outgoings, minor units (negative: outgoings exceed income); null when nobody asked */
  surplus: { monthly: number; source: (typeof SURPLUS_SOURCES)[number] } | null;
  /** the contract's yearly rate in basis points, when the loan book has it */
  contractRateBps: number | null;
}

// ---------- the offer (the `offer` query, GET /accounts/:id/offer) ----------

export const scheduleLineSchema = z.strictObject({
  instalmentNo: z.number().int().min(1),
  dueDate: isoDateSchema,
  /** minor units the borrower pays on this date */
  amount: minorUnitsSchema.min(1),
  /** of which plan interest (0 on a plan without interest) */
  interest: minorUnitsSchema.min(0),
});
export type ScheduleLine = z.infer<typeof scheduleLineSchema>;

export const waiverLineSchema = z.strictObject({
  subject: z.enum(WAIVER_SUBJECTS),
  /** minor units of the component owed (the whole balance, for a settlement discount) */
  owed: minorUnitsSchema.min(0),
  /** what the policy proposes to waive */
  proposed: minorUnitsSchema.min(0),
  /** of which the tier's limit allows without a supervisor */
  withinLimit: minorUnitsSchema.min(0),
  /** the rest of `proposed`: applied only as far as a supervisor approves it */
  needsApproval: minorUnitsSchema.min(0),
  /** what this option applies: withinLimit plus whatever of needsApproval was approved */
  granted: minorUnitsSchema.min(0),
});
export type WaiverLine = z.infer<typeof waiverLineSchema>;

export const offerOptionSchema = z.strictObject({
  kind: z.enum(OPTION_KINDS),
  /** minor units owed before this option's waivers */
  owed: minorUnitsSchema.min(0),
  /** minor units the borrower pays in all: the schedule's sum */
  total: minorUnitsSchema.min(1),
  waivers: z.array(waiverLineSchema),
  /** a settlement's write-down by component (fees first, principal last); zeros for the others */
  writeDown: balanceSchema,
  schedule: z.array(scheduleLineSchema).min(1),
  /** the instalment fits the borrower's surplus (null: the surplus is not known) */
  affordable: z.boolean().nullable(),
});
export type OfferOption = z.infer<typeof offerOptionSchema>;

export const UNAVAILABLE_REASONS = ['NOTHING_OWED', 'SURPLUS_TOO_SMALL', 'NO_DISCOUNT_IN_BUCKET', 'NOTHING_TO_EXTEND'] as const;
export type UnavailableReason = (typeof UNAVAILABLE_REASONS)[number];

export const OFFER_STATUSES = ['AWAITING_APPROVAL', 'OFFERED', 'ACCEPTED', 'DECLINED', 'COUNTERED', 'EXPIRED', 'WITHDRAWN'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** composeOffer's answer: the options, and why any of the three is missing. */
export const offerTermsSchema = z.strictObject({
  currency: currencySchema,
  asOf: isoDateSchema,
  /** config/negotiation.json's version the terms were sized with */
  configVersion: z.string(),
  surplus: z.strictObject({ monthly: minorUnitsSchema, source: z.enum(SURPLUS_SOURCES) }).nullable(),
  /** minor units an instalment may take of the surplus, beside the contractual installment (null: surplus unknown) */
  instalmentBudget: minorUnitsSchema.nullable(),
  options: z.array(offerOptionSchema).max(3),
  unavailable: z.array(z.strictObject({ kind: z.enum(OPTION_KINDS), reason: z.enum(UNAVAILABLE_REASONS) })),
});
export type OfferTerms = z.infer<typeof offerTermsSchema>;

/** The `offer` query's answer and GET /accounts/:id/offer's body. */
export const offerSchema = offerTermsSchema.extend({
  offerId: z.number().int().positive(),
  accountId: z.string(),
  status: z.enum(OFFER_STATUSES),
  /** the offer's number in this negotiation (a renegotiation or a counter-offer makes the next) */
  round: z.number().int().min(1),
  validUntil: isoDateSchema,
  /** the open waiver requests, with their ids for approveWaiver */
  pendingWaivers: z.array(z.strictObject({ waiverId: z.number().int().positive(), kind: z.enum(OPTION_KINDS), subject: z.enum(WAIVER_SUBJECTS), needsApproval: minorUnitsSchema.min(1) })),
  /** when a waiver not decided by then lapses and the offer goes out without its excess */
  approvalDeadline: z.iso.datetime().nullable(),
});
export type Offer = z.infer<typeof offerSchema>;

// ---------- respondToPlan update (POST /accounts/:id/offer/response, arrears respond) ----------

/** Who brought the borrower's answer. */
export const RESPONSE_CHANNELS = ['AGENT', 'FIELD_APP', 'API', 'CLI'] as const;

const answerCommon = {
  offerId: z.number().int().positive(),
  /** BORROWER (self-service), or the staff id who took the answer */
  respondedBy: z.union([z.literal('BORROWER'), staffIdSchema]),
  via: z.enum(RESPONSE_CHANNELS),
};

export const OFFER_ANSWERS = ['ACCEPT', 'DECLINE', 'COUNTER'] as const;

export const respondToPlanSchema = z.discriminatedUnion('answer', [
  z.strictObject({ answer: z.literal('ACCEPT'), ...answerCommon, option: z.enum(OPTION_KINDS) }),
  z.strictObject({ answer: z.literal('DECLINE'), ...answerCommon, note: z.string().max(2000).optional() }),
  /** another offer, sized from what the borrower states now */
  z.strictObject({
    answer: z.literal('COUNTER'),
    ...answerCommon,
    statedMonthlyIncome: majorUnitsSchema,
    statedMonthlyOutgoings: majorUnitsSchema,
    note: z.string().max(2000).optional(),
  }),
]);
export type PlanResponse = z.infer<typeof respondToPlanSchema>;

// ---------- approveWaiver update (POST /waivers/:id/decision, arrears waiver) ----------

export const WAIVER_DECISIONS = ['APPROVE', 'REDUCE', 'REFUSE'] as const;

export const approveWaiverSchema = z
  .strictObject({
    waiverId: z.number().int().positive(),
    supervisorId: staffIdSchema,
    decision: z.enum(WAIVER_DECISIONS),
    /** REDUCE only: the part of the excess approved, decimal major units */
    approvedAmount: majorUnitsSchema.optional(),
    reason: z.string().trim().min(5).max(500),
  })
  .refine((d) => (d.decision === 'REDUCE') === (d.approvedAmount !== undefined), {
    message: 'approvedAmount is given with REDUCE, and only with it',
    path: ['approvedAmount'],
  });
export type WaiverDecision = z.infer<typeof approveWaiverSchema>;

// ---------- the plan followed (PLAN_ACTIVE) ----------

/** The PlanStatus search attribute's values. */
export const PLAN_STATUSES = ['OFFERED', 'ACTIVE', 'LATE', 'BROKEN', 'COMPLETED'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const INSTALMENT_STATUSES = ['DUE', 'PAID', 'LATE'] as const;

/** A plan instalment as the stage follows it. */
export const planInstalmentSchema = scheduleLineSchema.extend({
  /** minor units of payments allocated to it so far */
  paid: minorUnitsSchema.min(0),
});
export type PlanInstalment = z.infer<typeof planInstalmentSchema>;

/** GET /accounts/:id/plan and the stage's view of its plan. */
export const planViewSchema = z.strictObject({
  planId: z.number().int().positive(),
  accountId: z.string(),
  offerId: z.number().int().positive(),
  kind: z.enum(OPTION_KINDS),
  currency: currencySchema,
  status: z.enum(PLAN_STATUSES),
  total: minorUnitsSchema.min(1),
  paid: minorUnitsSchema.min(0),
  instalments: z.array(planInstalmentSchema),
  /** the first instalment not paid in full, or null once the plan is paid up */
  nextDue: planInstalmentSchema.nullable(),
  bucketAtStart: z.enum(BUCKETS),
});
export type PlanView = z.infer<typeof planViewSchema>;

// ---------- the activities' inputs and answers ----------

export interface MakeOfferInput {
  /** one per offer of one run chain: a retry finds the first */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  /** a counter-offer's surplus, minor units (income minus outgoings as stated); else the latest visit report's */
  statedSurplus?: number;
  at: number;
}

export interface DecideWaiverInput {
  accountId: string;
  decision: WaiverDecision;
  at: number;
}

export interface OfferRef {
  accountId: string;
  offerId: number;
  at: number;
}

export interface RespondToOfferInput {
  /** one per answer (the update's id): a retry finds the first */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  response: PlanResponse;
  at: number;
}

export type OfferAnswered =
  | { outcome: 'PLAN_STARTED'; offerId: number; plan: PlanView }
  | { outcome: 'DECLINED'; offerId: number }
  /** the next offer is sized from this surplus (minor units) */
  | { outcome: 'COUNTERED'; offerId: number; statedSurplus: number };

export const PLAN_ANSWER_OUTCOMES = ['PLAN_STARTED', 'DECLINED', 'COUNTERED'] as const;

/** The respondToPlan update's answer (no stated figures: they are personal data). */
export interface PlanAnswer {
  offerId: number;
  outcome: OfferAnswered['outcome'];
  /** the plan the accepted option started */
  planId: number | null;
}

export interface SetPlanStatusInput {
  accountId: string;
  planId: number;
  status: Exclude<PlanStatus, 'OFFERED'>;
  at: number;
}

/**
 * The state a run of accountCollection hands to its successor at continue-as-new (SPEC §7:
 * runs live for months, history stays bounded). Not for people to write: the workflow's
 * input parses it with this schema, so a successor never starts from a shape it does not
 * know. Versioned: `version` is absent in state written before the number existed (1);
 * every field added since is optional, so state from each earlier version still parses
 * (carried-state.test.ts holds the schema to real carried state taken from the recorded
 * histories of every generation).
 */
import { z } from 'zod';
import { accountFiguresSchema } from '../../../src/domain/account';
import { BUCKETS } from '../../../src/domain/buckets';
import { isoDateSchema } from '../../../src/domain/dates';
import { OVERRIDABLE_STAGES, RECOMMENDED_ACTIONS, overrideStageSchema, proposedSlotSchema, visitBookedSchema } from '../../../src/domain/field-collection';
import { offerSchema, planViewSchema } from '../../../src/domain/negotiation';
import { STAGES } from '../../../src/domain/stages';
import { negotiationConfigSchema } from '../../../src/negotiation/schema';
import { treatmentSchema } from '../../../src/treatments/schema';

/** 1: before the number existed (absent); 2: the stage kernel (issue 14); 3: negotiation and the plan followed (issue 16). */
export const CARRIED_STATE_VERSION = 3;

const count = z.number().int().min(0);
const channel = z.enum(['SMS', 'CALL', 'EMAIL']);
const stage = z.enum(STAGES);

/** The treatment chosen for the chain of runs (chooseTreatment's answer, kept, never re-made). */
export const treatmentChoiceSchema = z.object({
  treatmentId: z.string(),
  configVersion: z.string(),
  treatment: treatmentSchema,
  why: z.string(),
  segment: z.object({
    bucket: z.enum(BUCKETS),
    riskTier: z.string(),
    onTimeRatio: z.number().nullable(),
    brokenPromises: count,
    refusedToPay: z.boolean(),
  }),
  promisePolicy: z.object({ horizonDays: count, graceDays: count }),
  callWindowHours: z.number().positive(),
  businessTimeZone: z.string(),
  /** absent before champion/challenger (issue 18 §4) */
  experiment: z.object({ id: z.string(), arm: z.enum(['champion', 'challenger']), configVersion: z.string() }).optional(),
});

export const pendingPromiseSchema = z.object({
  promiseId: z.number().int(),
  amount: z.number().int(),
  currency: z.string(),
  promisedFor: isoDateSchema,
  checkAt: z.string(),
});

/** The field-collection policy as the run got it (loadFieldPolicy's answer). */
export const fieldPolicySchema = z.object({
  configVersion: z.string(),
  contactOrder: z.array(channel),
  appointmentTemplates: z.record(channel, z.string()),
  familyCallbackTemplate: z.string(),
  visitNoticeTemplate: z.string(),
  callWindowHours: z.number().positive(),
  confirmWindowHours: z.number().positive(),
  onNoConfirmation: z.enum(['VISIT', 'LEGAL']),
  maxReschedules: count,
  reportDeadlineHours: z.number().positive(),
  onVisitsExhausted: stage,
  afterReport: z.record(z.enum(RECOMMENDED_ACTIONS), stage),
  requiresSecurity: z.boolean(),
});

/** An appointment proposed and waiting for the borrower's confirmation. */
export const appointmentProposalSchema = z.object({
  appointmentId: z.number().int(),
  slots: z.array(proposedSlotSchema),
  confirmBy: z.string(),
  reachedVia: z.string().nullable(),
});
export type AppointmentProposal = z.infer<typeof appointmentProposalSchema>;

/** The field story's own phases: an override may also hand the account to a later stage (NEGOTIATION, LEGAL). */
export const FIELD_PHASES = ['APPOINTMENT', 'VISIT'] as const satisfies readonly (typeof OVERRIDABLE_STAGES)[number][];
export type FieldPhase = (typeof FIELD_PHASES)[number];

/** Field collection's state: the appointment or visit in hand. */
export const fieldCarriedSchema = z.object({
  policy: fieldPolicySchema.nullable(),
  phase: z.enum(FIELD_PHASES).nullable(),
  done: z.boolean(),
  proposals: count,
  proposal: appointmentProposalSchema.nullable(),
  visitsBooked: count,
  visit: visitBookedSchema.nullable(),
  failedVisits: count,
  familyRequests: count,
  closedAppointmentIds: z.array(z.number().int()),
  reportedAppointmentIds: z.array(z.number().int()),
  override: overrideStageSchema.nullable(),
  overrides: count,
  lastFailedAppointmentId: z.number().int().nullable(),
});
export type FieldCarried = z.infer<typeof fieldCarriedSchema>;

const policy = negotiationConfigSchema.shape;
/** The negotiation policy as the run got it (loadNegotiationPolicy's answer). */
export const negotiationPolicySchema = z.strictObject({
  configVersion: z.string(),
  approvalDeadlineHours: z.number().positive(),
  answer: policy.answer.omit({ why: true }),
  messages: policy.messages.omit({ why: true }),
  followUp: policy.followUp.omit({ why: true }),
});

/** NEGOTIATION's state: the offer on the table and how many went unanswered (absent before issue 16). */
export const negotiationCarriedSchema = z.strictObject({
  policy: negotiationPolicySchema.nullable(),
  /** offers made in this chain of runs (each offer's key is its number) */
  offersMade: count,
  /** offers of this negotiation declined or left unanswered; the policy's limit sends the case to LEGAL */
  unanswered: count,
  offer: offerSchema.nullable(),
  /** the offer whose messages went out */
  sentOfferId: z.number().int().nullable(),
  /** a hold came while the offer was out: its expiry does not count against the borrower */
  heldDuringOffer: z.boolean(),
});
export type NegotiationCarried = z.infer<typeof negotiationCarriedSchema>;

/** PLAN_ACTIVE's state: the plan followed and its clock (absent before issue 16). */
export const planCarriedSchema = z.strictObject({
  plan: planViewSchema.nullable(),
  /** the plan's clock: active (not on hold) time since the plan started, ms */
  clockElapsedMs: z.number().min(0),
  /** when the plan started (workflow time, ms): instalment dates count from here on the plan's clock */
  startedAt: z.number().int().nullable(),
  /** plans broken in this chain of runs */
  breaks: count,
  remindedInstalments: z.array(z.number().int()),
  calledBackInstalments: z.array(z.number().int()),
});
export type PlanCarried = z.infer<typeof planCarriedSchema>;

const holdSchema = z.strictObject({ holdId: z.string(), reason: z.string(), placedAt: z.string() });

/** Early collection (generation 3 on): what the next run needs to carry on where this one stopped. */
export const earlyCarriedSchema = z.strictObject({
  /** the treatment chosen for this chain (kept, not re-made, across runs) */
  choice: treatmentChoiceSchema,
  /** the cadence clock's reading: active (not paused) time in REMINDING so far, ms */
  cadenceElapsedMs: z.number().min(0),
  /** tries of the current step so far (a call cancelled by a hold is tried again) */
  stepAttempt: count,
  /** a broken promise brought the next step forward and it has not happened yet */
  nextStepNow: z.boolean(),
  holds: z.array(holdSchema),
  releasedHoldIds: z.array(z.string()),
  stageBeforeHold: stage.nullable(),
  ceased: z.boolean(),
  ceaseRequestIds: z.array(z.string()),
  pendingPromise: pendingPromiseSchema.nullable(),
  promisesMade: count,
  promisesKept: count,
  promisesBroken: count,
  callTaskIds: z.array(z.number().int()),
  answeredCallTaskIds: z.array(z.number().int()),
  assignedAgent: z.string().nullable(),
  escalated: z.boolean(),
  /** call tasks on which the agent reached the borrower (absent before field collection) */
  rightPartyTaskIds: z.array(z.number().int()).optional(),
  /** field collection's state: the appointment or visit in hand (absent before it) */
  field: fieldCarriedSchema.optional(),
  /** NEGOTIATION and PLAN_ACTIVE (absent before issue 16) */
  negotiation: negotiationCarriedSchema.optional(),
  plan: planCarriedSchema.optional(),
});
export type EarlyCarried = z.infer<typeof earlyCarriedSchema>;

export const carriedStateSchema = z.strictObject({
  /** absent: version 1 */
  version: z.number().int().min(2).max(CARRIED_STATE_VERSION).optional(),
  stage,
  figures: accountFiguresSchema.optional(),
  remindingStartedAt: z.number().int().nullable(),
  cadenceIndex: count,
  transitionCount: count,
  seenEventIds: z.array(z.string()),
  paymentsCounted: count,
  /** Of the seen payment events, those counted toward the figures (absent from older runs: all seen ones). */
  countedEventIds: z.array(z.string()).optional(),
  /** Reversals already taken, by the reversed payment's event id. */
  reversedEventIds: z.array(z.string()).optional(),
  paymentsReversed: count.optional(),
  /** How often the account fell overdue again after its cure was recorded in this chain of runs. */
  reopenings: count.optional(),
  early: earlyCarriedSchema.optional(),
});
export type CarriedState = z.infer<typeof carriedStateSchema>;

/**
 * How simulated borrowers behave, by segment (risk tier × bucket × product): the documented
 * probabilities of docs/effectiveness-reports.md ("Simulated year"). Pure: a decision is a
 * draw of the seeded dice (chance.ts) against a probability from this table, so a run is
 * reproducible from its seed and the table is the one place to tune.
 *
 * The base figures are per risk tier; the bucket and the product scale them (longer lateness
 * and revolving credit pay less and answer less). Every probability is clamped to [0, 1].
 */
import type { Chance } from './chance';

export interface BorrowerSegment {
  riskTier: string;
  bucket: string;
  product: string;
}

export interface Propensities {
  /** a due installment is not paid on its due date (a borrower not in arrears) */
  missInstallment: number;
  /** pays the whole overdue amount on a given day in collection, unprompted */
  payInFullPerDay: number;
  /** pays part (half) of the overdue amount on a given day in collection, unprompted */
  payPartPerDay: number;
  /** pays the whole overdue amount within a few days of a reminder delivered (SMS, e-mail) */
  payAfterReminder: number;
  /** picks up an agent's call (the right party reached) */
  answerCall: number;
  /** on an answered call, promises to pay the overdue amount */
  promise: number;
  /** keeps a promise (pays in full by the promised date) */
  keepPromise: number;
  /** confirms a proposed appointment */
  confirmAppointment: number;
  /** is at the door for a confirmed visit */
  attendVisit: number;
  /** pays in full within a few days of a visit */
  payAfterVisit: number;
  /** raises a dispute (a hold) in an episode; released 5 to 20 days later */
  dispute: number;
  /** asks the bank to cease contact in an episode */
  ceaseContact: number;
  /** opts out of SMS in an episode */
  optOutSms: number;
}

/** By risk tier: the borrower as the screening sees them. */
const BY_TIER: Record<string, Propensities> = {
  LOW: {
    missInstallment: 0.02,
    payInFullPerDay: 0.025,
    payPartPerDay: 0.01,
    payAfterReminder: 0.12,
    answerCall: 0.7,
    promise: 0.6,
    keepPromise: 0.75,
    confirmAppointment: 0.6,
    attendVisit: 0.85,
    payAfterVisit: 0.4,
    dispute: 0.02,
    ceaseContact: 0.005,
    optOutSms: 0.02,
  },
  MEDIUM: {
    missInstallment: 0.04,
    payInFullPerDay: 0.015,
    payPartPerDay: 0.01,
    payAfterReminder: 0.08,
    answerCall: 0.55,
    promise: 0.5,
    keepPromise: 0.6,
    confirmAppointment: 0.45,
    attendVisit: 0.75,
    payAfterVisit: 0.3,
    dispute: 0.03,
    ceaseContact: 0.01,
    optOutSms: 0.03,
  },
  HIGH: {
    missInstallment: 0.08,
    payInFullPerDay: 0.006,
    payPartPerDay: 0.008,
    payAfterReminder: 0.04,
    answerCall: 0.4,
    promise: 0.4,
    keepPromise: 0.4,
    confirmAppointment: 0.3,
    attendVisit: 0.6,
    payAfterVisit: 0.2,
    dispute: 0.04,
    ceaseContact: 0.02,
    optOutSms: 0.04,
  },
};

/** Longer lateness: less money, less will. Scales the paying and answering figures. */
const BUCKET_FACTOR: Record<string, number> = { CURRENT: 1, '1-30': 1, '31-60': 0.8, '61-90': 0.6, '91-180': 0.4, '180+': 0.25 };
/** A card is revolving credit: paid a little less readily than a loan. */
const PRODUCT_FACTOR: Record<string, number> = { LOAN: 1, CREDIT_CARD: 0.85 };

const SCALED: readonly (keyof Propensities)[] = ['payInFullPerDay', 'payPartPerDay', 'payAfterReminder', 'answerCall', 'keepPromise', 'confirmAppointment', 'payAfterVisit'];

const clamp = (p: number) => Math.min(1, Math.max(0, p));

export function propensities(segment: BorrowerSegment): Propensities {
  const base = BY_TIER[segment.riskTier] ?? BY_TIER.MEDIUM!;
  const factor = (BUCKET_FACTOR[segment.bucket] ?? 1) * (PRODUCT_FACTOR[segment.product] ?? 1);
  const scaled = { ...base };
  for (const key of SCALED) scaled[key] = clamp(base[key] * factor);
  return scaled;
}

/** One yes/no decision of one borrower: `name` fixes the draw (account, event, its number). */
export function decides(chance: Chance, probability: number, ...name: (string | number)[]): boolean {
  return chance(...name) < probability;
}

/**
 * Which treatment an account gets (SPEC §2 step 2). Pure and workflow-safe: no I/O,
 * no Node APIs, so the workflow can call it on the config it was started with.
 *
 * Rule order: the rules of config/treatments.json are tried top to bottom and the first
 * that matches wins; no match → `defaultTreatment`. The shipped file orders them
 *   1. signs of wilful default (broken promises, a refusal) → strong,
 *   2. long lateness or weak ability (later bucket, HIGH tier, poor on-time record) → fast,
 *   3. short lateness and good ability (1-30, LOW tier, good record, no broken promise) → gentle,
 *   4. anything else → standard (the default),
 * so a borrower showing wilful default never gets a gentler cadence for being early.
 */
import type { Bucket } from '../domain/buckets';
import type { Treatment, TreatmentRule, TreatmentsConfig } from './schema';

export interface Segment {
  bucket: Bucket;
  riskTier: string;
  /** Share of installments paid on time; null when none was due yet (no record to judge). */
  onTimeRatio: number | null;
  brokenPromises: number;
  /** The borrower said they will not pay (a call outcome with reason refusal). */
  refusedToPay: boolean;
}

export interface ChosenTreatment {
  treatmentId: string;
  /** The config version, recorded on the workflow so a choice can be explained later. */
  configVersion: string;
  treatment: Treatment;
  /** Index of the rule that matched, or null for the default. */
  ruleIndex: number | null;
}

function conditionResults(when: TreatmentRule['when'], s: Segment): boolean[] {
  const results: boolean[] = [];
  if (when.bucketIn) results.push(when.bucketIn.includes(s.bucket));
  if (when.riskTierIn) results.push(when.riskTierIn.includes(s.riskTier));
  if (when.onTimeRatioBelow !== undefined) results.push(s.onTimeRatio !== null && s.onTimeRatio < when.onTimeRatioBelow);
  if (when.onTimeRatioAtLeast !== undefined) results.push(s.onTimeRatio !== null && s.onTimeRatio >= when.onTimeRatioAtLeast);
  if (when.brokenPromisesAtLeast !== undefined) results.push(s.brokenPromises >= when.brokenPromisesAtLeast);
  if (when.brokenPromisesAtMost !== undefined) results.push(s.brokenPromises <= when.brokenPromisesAtMost);
  if (when.refusedToPay) results.push(s.refusedToPay);
  return results;
}

export function ruleMatches(rule: TreatmentRule, segment: Segment): boolean {
  const results = conditionResults(rule.when, segment);
  return rule.match === 'all' ? results.every(Boolean) : results.some(Boolean);
}

export function chooseTreatment(segment: Segment, treatments: TreatmentsConfig): ChosenTreatment {
  const ruleIndex = treatments.rules.findIndex((rule) => ruleMatches(rule, segment));
  const treatmentId = treatments.rules[ruleIndex]?.treatment ?? treatments.defaultTreatment;
  const treatment = treatments.treatments[treatmentId];
  // parseTreatments checks every rule names a treatment; an unchecked object could still miss one.
  if (!treatment) throw new Error(`treatments config ${treatments.version} has no treatment named ${treatmentId}`);
  return { treatmentId, configVersion: treatments.version, treatment, ruleIndex: ruleIndex >= 0 ? ruleIndex : null };
}

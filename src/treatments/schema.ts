/**
 * The shape of config/treatments.json (SPEC §2 step 2, issue 6 §1): which treatment an
 * account's segment gets, and what each treatment does. Workflow-safe (zod only, no
 * Node APIs), so the workflow can import the JSON and validate it deterministically.
 */
import { z } from 'zod';
import { BUCKETS } from '../domain/buckets';
import { ACTIVE_STAGES } from '../domain/stages';
import { issueLines } from '../domain/input-problems';

export const CHANNELS = ['SMS', 'CALL', 'EMAIL'] as const;

const treatmentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lower-case id such as gentle');
const templateId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case template id such as sms-first-reminder');
const tierName = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case risk tier such as HIGH');
const days = z.number().int().min(0);

export const stepSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  /** Days after reminding began. */
  dayOffset: days.max(365),
  templateId,
  /** Version of the template file; the newest when omitted. */
  templateVersion: z.number().int().min(1).optional(),
});

export const treatmentSchema = z
  .strictObject({
    description: z.string().min(1),
    steps: z.array(stepSchema).min(1),
    /** What follows when the last step has not cured the account. */
    escalation: z.strictObject({
      stage: z.enum(ACTIVE_STAGES).exclude(['SCREENED', 'REMINDING']),
      /** Days after the last step to wait for a payment or a promise before escalating. */
      afterDays: days.max(90),
    }),
  })
  .superRefine((t, ctx) => {
    t.steps.forEach((step, i) => {
      const before = t.steps[i - 1];
      if (before && step.dayOffset < before.dayOffset)
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'dayOffset'], message: 'steps are ordered by day offset (not earlier than the step before)' });
    });
  });

/** One condition per key; a rule matches when any (or, with `match: "all"`, every) condition holds. */
export const conditionsSchema = z
  .strictObject({
    bucketIn: z.array(z.enum(BUCKETS)).min(1).optional(),
    riskTierIn: z.array(tierName).min(1).optional(),
    onTimeRatioBelow: z.number().min(0).max(1).optional(),
    onTimeRatioAtLeast: z.number().min(0).max(1).optional(),
    brokenPromisesAtLeast: days.min(1).optional(),
    brokenPromisesAtMost: days.optional(),
    refusedToPay: z.literal(true).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'at least one condition');

export const ruleSchema = z.strictObject({
  treatment: treatmentId,
  match: z.enum(['any', 'all']),
  when: conditionsSchema,
  /** Why the rule exists, for the people who tune it. */
  why: z.string().min(1),
});

export const treatmentsConfigSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'a version such as 2026.1'),
    treatments: z.record(treatmentId, treatmentSchema),
    rules: z.array(ruleSchema),
    defaultTreatment: treatmentId,
    /** Promises to pay (SPEC §2 step 4): the recordPromise validator and the promise timer read these. */
    promises: z.strictObject({
      /** The latest promise date accepted, in days after today. */
      horizonDays: days.min(1).max(365),
      /** Days after the promised date before the promise is judged kept or broken. */
      graceDays: days.max(30),
    }),
    /** Call steps: how long the agent has to make the call before the cadence moves on. */
    calls: z.strictObject({ windowHours: z.number().int().min(1).max(14 * 24) }),
  })
  .superRefine((cfg, ctx) => {
    const known = (id: string) => Object.hasOwn(cfg.treatments, id);
    cfg.rules.forEach((rule, i) => {
      if (!known(rule.treatment)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'treatment'], message: `no treatment named ${rule.treatment}` });
    });
    if (!known(cfg.defaultTreatment)) ctx.addIssue({ code: 'custom', path: ['defaultTreatment'], message: `no treatment named ${cfg.defaultTreatment}` });
  });

export type TreatmentsConfig = z.infer<typeof treatmentsConfigSchema>;
export type Treatment = TreatmentsConfig['treatments'][string];
export type TreatmentStep = z.infer<typeof stepSchema>;
export type TreatmentRule = z.infer<typeof ruleSchema>;
export type Channel = (typeof CHANNELS)[number];

export class TreatmentsConfigError extends Error {
  override name = 'TreatmentsConfigError';
}

/**
 * Validates already-parsed JSON (the workflow imports the file; this is its check). The
 * error names the path of every wrong value, e.g. `treatments.gentle.steps.1.channel`.
 */
export function parseTreatments(raw: unknown, source = 'treatments config'): TreatmentsConfig {
  const parsed = treatmentsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new TreatmentsConfigError(`Invalid ${source}:\n  ${issueLines(parsed.error).join('\n  ')}`);
  }
  return parsed.data;
}

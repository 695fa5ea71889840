/**
 * The screening rules a bank tunes: risk-tier thresholds and priority weights, kept in
 * the versioned file config/screening.json and parsed with zod. Every screening run
 * records the version it was computed with, so a list can be explained later.
 *
 * Risk tier: the tiers are tried in order and the first whose `anyOf` has one condition
 * met wins; an account meeting none gets `defaultTier`. A condition on a ratio needs at
 * least one installment due (an account with nothing due yet has no ratio to judge).
 *
 * Risk tier from the behaviour score (issue 21), the default once a score model has
 * been fitted (`arrears score fit`): with `score` set, the screening scores every account
 * with that model (`latest`: the last fitted) and the tier is the first of `score.tiers`
 * whose `scoreBelow` the score is under (a lower score is more risk), else `defaultTier`.
 * While there is no model yet, the rules above give the tier.
 *
 * Priority (higher = work first):
 *   amountWeight × log10(1 + amount overdue in minor units)
 *   + daysPastDueWeight × min(days past due, daysPastDueCap) / daysPastDueCap
 *   + tierWeights[tier]
 * so ten times the amount adds `amountWeight`, reaching the DPD cap adds `daysPastDueWeight`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UNRATED } from '../domain/account';
import { PROJECT_ROOT } from '../paths';
import { issueLines } from '../domain/input-problems';

export const DEFAULT_SCREENING_CONFIG_PATH = path.join(PROJECT_ROOT, 'config', 'screening.json');

const tierName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case name such as HIGH')
  .refine((name) => name !== UNRATED, `${UNRATED} is reserved for accounts never screened`);

const ratio = z.number().min(0).max(1);
const days = z.number().int().min(0);

const tierRule = z.strictObject({
  tier: tierName,
  anyOf: z
    .strictObject({
      daysPastDueAtLeast: days.optional(),
      onTimeRatioBelow: ratio.optional(),
      shareRepaidBelow: ratio.optional(),
      longestLatenessDaysAtLeast: days.optional(),
    })
    .refine((conditions) => Object.values(conditions).some((v) => v !== undefined), 'at least one condition'),
});

const scoreTiers = z.strictObject({
  model: z.string().min(1).max(200),
  tiers: z
    .array(z.strictObject({ tier: tierName, scoreBelow: z.number().int() }))
    .min(1)
    .refine((tiers) => tiers.every((t, n) => n === 0 || t.scoreBelow > (tiers[n - 1]?.scoreBelow ?? 0)), 'cut-offs rise: the riskiest tier first'),
});

export const screeningConfigSchema = z
  .strictObject({
    version: z.string().min(1).max(64),
    riskTiers: z.array(tierRule),
    defaultTier: tierName,
    score: scoreTiers.optional(),
    priority: z.strictObject({
      amountWeight: z.number().min(0),
      daysPastDueWeight: z.number().min(0),
      daysPastDueCap: z.number().int().min(1),
      tierWeights: z.record(tierName, z.number()),
    }),
  })
  .superRefine((cfg, ctx) => {
    const names = [...cfg.riskTiers.map((r) => r.tier), cfg.defaultTier];
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['riskTiers'], message: 'each tier is named once (the default tier included)' });
    for (const name of cfg.score?.tiers.map((t) => t.tier) ?? []) {
      if (cfg.priority.tierWeights[name] === undefined) ctx.addIssue({ code: 'custom', path: ['score', 'tiers'], message: `the tier ${name} needs a weight` });
    }
    for (const name of names) {
      if (cfg.priority.tierWeights[name] === undefined) ctx.addIssue({ code: 'custom', path: ['priority', 'tierWeights', name], message: 'every tier needs a weight' });
    }
  });

export type ScreeningConfig = z.infer<typeof screeningConfigSchema>;
export type RiskTierRule = ScreeningConfig['riskTiers'][number];

/** Parses a screening config; the error names every wrong field. */
export function parseScreeningConfig(raw: unknown, source = 'screening config'): ScreeningConfig {
  const parsed = screeningConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source} is invalid:\n  ${issueLines(parsed.error).join('\n  ')}`);
  }
  return parsed.data;
}

export function loadScreeningConfig(file = DEFAULT_SCREENING_CONFIG_PATH): ScreeningConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the screening config ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseScreeningConfig(raw, file);
}

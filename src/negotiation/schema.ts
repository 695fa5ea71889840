/**
 * The shape of config/negotiation.json (SPEC §2 steps 7-8, issue 16 §1): how an offer is
 * sized, what may be waived and by whom, and how a plan is followed. Workflow-safe (zod
 * only, no Node APIs): the workflow may import the JSON and check it deterministically, as
 * it does the treatments. Every section carries a `why` for the people who tune it; the
 * sources of the defaults are in docs/negotiation.md.
 */
import { z } from 'zod';
import { BUCKETS } from '../domain/buckets';
import { majorUnitsSchema } from '../domain/early-collection';
import { currencySchema } from '../domain/money';
import { PRODUCTS, WAIVABLE_COMPONENTS } from '../domain/negotiation';
import { issueLines } from '../domain/input-problems';
import { CHANNELS } from '../treatments/schema';

const tierName = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case risk tier such as HIGH');
const share = z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1');
const why = z.string().min(1);
const months = z.number().int().min(1).max(120);
const message = z.strictObject({
  channel: z.enum(CHANNELS),
  templateId: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case template id such as sms-offer'),
});

/** A value for every risk tier: `default`, and the tiers that differ. */
export const byTier = <T extends z.ZodType>(value: T) => z.strictObject({ default: value, byTier: z.record(tierName, value) });

const componentShares = z.strictObject(Object.fromEntries(WAIVABLE_COMPONENTS.map((c) => [c, share])) as Record<(typeof WAIVABLE_COMPONENTS)[number], typeof share>);

export const negotiationConfigSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'a version such as 2026.1'),
    affordability: z.strictObject({
      /** the share of the monthly surplus (income minus outgoings) an instalment may take */
      surplusShare: share.refine((s) => s > 0, 'more than 0'),
      /** decimal major units, per currency */
      minimumInstalment: z.strictObject({ default: majorUnitsSchema, byCurrency: z.record(currencySchema, majorUnitsSchema) }),
      why,
    }),
    plan: z.strictObject({
      longestTermMonths: z.strictObject(Object.fromEntries(PRODUCTS.map((p) => [p, byTier(months)])) as Record<(typeof PRODUCTS)[number], ReturnType<typeof byTier<typeof months>>>),
      /** the first instalment falls due this many days after the offer is made */
      firstInstalmentAfterDays: z.number().int().min(1).max(60),
      interest: z.enum(['NONE', 'CONTRACT_RATE']),
      why,
    }),
    termExtension: z.strictObject({
      extraMonths: z.strictObject(Object.fromEntries(PRODUCTS.map((p) => [p, months])) as Record<(typeof PRODUCTS)[number], typeof months>),
      /** the re-aged schedule never runs longer than this */
      longestTotalMonths: months,
      why,
    }),
    waivers: z.strictObject({
      /** what an offer proposes to waive, as a share of each component */
      proposed: componentShares,
      /** what may be waived without a supervisor, per tier; the rest of `proposed` waits for approval */
      withoutApproval: byTier(componentShares),
      /** after this the offer goes out without the excess waiver */
      approvalDeadlineHours: z.number().int().min(1).max(24 * 14),
      why,
    }),
    settlement: z.strictObject({
      discountByBucket: z.strictObject(Object.fromEntries(BUCKETS.map((b) => [b, share.max(0.9, 'at most 0.9')])) as Record<(typeof BUCKETS)[number], typeof share>),
      discountWithoutApproval: byTier(share),
      validityDays: z.number().int().min(1).max(90),
      why,
    }),
    answer: z.strictObject({
      offerValidityDays: z.number().int().min(1).max(90),
      /** offers made (the first included) before an unanswered or declined negotiation escalates to LEGAL */
      offersBeforeEscalation: z.number().int().min(1).max(5),
      why,
    }),
    /** the templates of the offer (each channel in turn), the reminder before an instalment and the late instalment's call-back */
    messages: z.strictObject({
      offer: z.array(message).min(1),
      reminder: message,
      callBack: message.extend({ channel: z.literal('CALL') }),
      why,
    }),
    followUp: z.strictObject({
      reminderDaysBefore: z.number().int().min(0).max(30),
      graceDays: z.number().int().min(0).max(60),
      /** a late instalment opens an agent's call-back this many days after it fell due (within the grace) */
      callBackAfterDays: z.number().int().min(0).max(60),
      /** breaks of a plan (each renegotiated) before the account goes to LEGAL */
      breaksBeforeLegal: z.number().int().min(1).max(5),
      why,
    }),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.followUp.callBackAfterDays > cfg.followUp.graceDays)
      ctx.addIssue({ code: 'custom', path: ['followUp', 'callBackAfterDays'], message: 'the call-back comes within the grace period (not after graceDays)' });
    const limits = [['default', cfg.waivers.withoutApproval.default] as const, ...Object.entries(cfg.waivers.withoutApproval.byTier).map(([tier, v]) => [`byTier.${tier}`, v] as const)];
    for (const [where, limit] of limits) {
      for (const component of WAIVABLE_COMPONENTS) {
        if (limit[component] > cfg.waivers.proposed[component])
          ctx.addIssue({ code: 'custom', path: ['waivers', 'withoutApproval', ...where.split('.'), component], message: `more than is ever proposed (waivers.proposed.${component})` });
      }
    }
  });

export type NegotiationConfig = z.infer<typeof negotiationConfigSchema>;

/** The part of the policy the NEGOTIATION and PLAN_ACTIVE stages act on, recorded on the run with its version. */
export interface NegotiationPolicy {
  configVersion: string;
  approvalDeadlineHours: number;
  answer: Omit<NegotiationConfig['answer'], 'why'>;
  messages: Omit<NegotiationConfig['messages'], 'why'>;
  followUp: Omit<NegotiationConfig['followUp'], 'why'>;
}

/** What the workflow records: the policy's version and the figures its timers and messages use (no `why`s). */
export function negotiationPolicy(config: NegotiationConfig): NegotiationPolicy {
  const { why: _a, ...answer } = config.answer;
  const { why: _m, ...messages } = config.messages;
  const { why: _f, ...followUp } = config.followUp;
  return { configVersion: config.version, approvalDeadlineHours: config.waivers.approvalDeadlineHours, answer, messages, followUp };
}

export class NegotiationConfigError extends Error {
  override name = 'NegotiationConfigError';
}

/** Validates already-parsed JSON; the error names the path of every wrong value. */
export function parseNegotiationConfig(raw: unknown, source = 'negotiation config'): NegotiationConfig {
  const parsed = negotiationConfigSchema.safeParse(raw);
  if (!parsed.success) throw new NegotiationConfigError(`Invalid ${source}:\n  ${issueLines(parsed.error).join('\n  ')}`);
  return parsed.data;
}

/** The value for a tier: its own when the config names it, the default otherwise. */
export function forTier<T>(values: { default: T; byTier: Record<string, T> }, tier: string): T {
  return Object.hasOwn(values.byTier, tier) ? (values.byTier[tier] as T) : values.default;
}

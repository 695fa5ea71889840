/**
 * The effectiveness report (SPEC §6, issue 18 §2) as data: what `arrears report` prints in
 * text, CSV or HTML and what GET /reports/effectiveness answers, one zod schema for both.
 */
import { z } from 'zod';

export const REPORT_DIMENSIONS = ['bucket', 'treatment', 'experiment'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

const isoDate = z.iso.date();

export const reportRequestSchema = z.strictObject({
  from: isoDate.optional().describe('first day of the period, YYYY-MM-DD (default: a year before `to`)'),
  to: isoDate.optional().describe('last day of the period, YYYY-MM-DD (default: today, UTC)'),
  by: z.enum(REPORT_DIMENSIONS).default('treatment').describe('what the groups are'),
  cureWithinDays: z.coerce.number().int().min(1).max(730).default(30).describe('N of the cure rate: cured within N days of entering collection'),
});
export type ReportRequest = z.input<typeof reportRequestSchema>;

/** numerator / denominator; rate null when nothing was counted */
export const rateSchema = z.object({ hits: z.number().int(), of: z.number().int(), rate: z.number().nullable() });
export type Rate = z.infer<typeof rateSchema>;

export const groupSchema = z.object({
  key: z.string().describe('the bucket, treatment or experiment arm; "all" for the totals'),
  cureRate: rateSchema,
  promiseKeptRate: rateSchema,
  rightPartyContactRate: rateSchema,
  appointmentConfirmedRate: rateSchema,
  visitSuccessRate: rateSchema,
  contactsBlockedShare: rateSchema,
  balanceEntering: z.number().int().describe('minor units overdue when the period\'s entries entered collection'),
  collectedOnEntries: z.number().int().describe('minor units paid within those entries\' episodes, up to `to`'),
  liquidationRate: z.number().nullable(),
  amountRecovered: z.number().int().describe('minor units paid in the period within an episode of collection'),
  collectionCost: z.number().int().describe('minor units, priced by the cost config'),
  costPerUnitRecovered: z.number().nullable(),
});
export type ReportGroup = z.infer<typeof groupSchema>;

export const effectivenessReportSchema = z.object({
  from: isoDate,
  to: isoDate,
  by: z.enum(REPORT_DIMENSIONS),
  cureWithinDays: z.number().int(),
  currency: z.string().describe('the currency of the amounts and of the cost config'),
  costConfigVersion: z.string(),
  definitions: z.record(z.string(), z.string()),
  groups: z.array(groupSchema),
  total: groupSchema,
  blockedByRule: z.array(z.object({ rule: z.string(), blocked: z.number().int(), share: z.number().nullable() })),
  costByUnit: z.array(z.object({ unit: z.string(), count: z.number().int(), cost: z.number().int() })),
  rollRates: z.array(z.object({ fromBucket: z.string(), toBucket: z.string(), accounts: z.number().int(), fromAccounts: z.number().int(), rate: z.number().nullable() })),
  rollRateMonths: z.number().int().describe('month-over-month pairs summed into the matrix'),
  cureCurves: z.array(z.object({ key: z.string(), day: z.number().int(), curedShare: z.number() })),
  recoveredByMonth: z.array(z.object({ month: z.string(), key: z.string(), amount: z.number().int() })),
  experiments: z
    .array(
      z.object({
        experiment: z.string(),
        champion: groupSchema,
        challenger: groupSchema,
        cureRateDifference: z.object({
          difference: z.number().nullable().describe('challenger − champion'),
          low: z.number().nullable(),
          high: z.number().nullable(),
          pValue: z.number().nullable(),
          significant: z.boolean(),
        }),
        verdict: z.string(),
      }),
    )
    .describe('by=experiment only: champion against challenger on cure rate (95 % CI, two-proportion z-test) and cost per unit recovered (figures only)'),
  planCompletionRate: z.null().describe('plans are not built yet: null until the plan stage lands'),
});
export type EffectivenessReport = z.infer<typeof effectivenessReportSchema>;

/** The one-line definitions the report states (SPEC §6). */
export const DEFINITIONS: Record<string, string> = {
  cureRate: 'accounts back to current within N days of entering collection / accounts entering',
  rollRate: 'share of bucket N (last screening of a month) that is in bucket M at the last screening of the next month',
  promiseKeptRate: 'promises kept / promises due (settled kept or broken)',
  rightPartyContactRate: 'calls reaching the borrower / calls connected',
  appointmentConfirmedRate: 'arranged appointments confirmed / proposed',
  visitSuccessRate: 'visits followed by a payment within 30 days / visits reported',
  planCompletionRate: 'plans completed / plans ended (not yet: plans are not built)',
  liquidationRate: 'collected within the episodes of the period\'s entries / balance entering',
  amountRecovered: 'payments value-dated in the period within an episode of collection',
  costPerUnitRecovered: 'collection cost (SMS, e-mail, call minutes, visits, legal steps, priced by config) / amount recovered',
  contactsBlockedShare: 'contacts refused by the contact policy / contacts asked for (made or refused), by rule',
};

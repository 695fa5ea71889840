/**
 * The shape of config/legal.json (SPEC §2 step 9, issue 17 §1 and §3): what legal action
 * costs by amount band and jurisdiction, what it is expected to recover by segment and how
 * long that takes, the agencies an account may be placed with, what happens when legal
 * action does not pay off, and the charge-off presets. Workflow-safe (zod only): the
 * decision module is pure and the workflow may import the JSON. Every section carries a
 * `why`; the sources of the defaults are in docs/legal-and-exits.md.
 */
import { z } from 'zod';
import { BUCKETS } from '../domain/buckets';
import { majorUnitsSchema } from '../domain/early-collection';
import { issueLines } from '../domain/input-problems';
import { currencySchema } from '../domain/money';
import { PRODUCTS } from '../domain/negotiation';
import { JURISDICTIONS } from '../contact-policy/policy';
import { byTier } from '../negotiation/schema';

const share = z.number().min(0, 'a share from 0 to 1').max(1, 'a share from 0 to 1');
const why = z.string().min(1);
const factor = z.number().min(0, 'a factor from 0 to 10').max(10, 'a factor from 0 to 10');
const perJurisdiction = <T extends z.ZodType>(value: T) => z.strictObject(Object.fromEntries(JURISDICTIONS.map((j) => [j, value])) as Record<(typeof JURISDICTIONS)[number], T>);
const perBucket = <T extends z.ZodType>(value: T) => z.strictObject(Object.fromEntries(BUCKETS.map((b) => [b, value])) as Record<(typeof BUCKETS)[number], T>);
const perProduct = <T extends z.ZodType>(value: T) => z.strictObject(Object.fromEntries(PRODUCTS.map((p) => [p, value])) as Record<(typeof PRODUCTS)[number], T>);

/** A cost: the fixed part (its amount at the band's floor) plus a share of the claim above the floor. */
const costSchema = z.strictObject({ fixed: majorUnitsSchema, shareAbove: share });

const bandSchema = z.strictObject({
  /** the band holds claims up to this amount (major units, inclusive); null: no ceiling (the last band) */
  upTo: majorUnitsSchema.nullable(),
  courtFee: costSchema,
  lawyerFee: costSchema,
  /** counted only when assets were seen on the visit (nothing to preserve otherwise) */
  assetPreservation: costSchema,
});

const jurisdictionCostsSchema = z
  .strictObject({ currency: currencySchema, bands: z.array(bandSchema).min(1), why })
  .superRefine((costs, ctx) => {
    costs.bands.forEach((band, i) => {
      const last = i === costs.bands.length - 1;
      if ((band.upTo === null) !== last) ctx.addIssue({ code: 'custom', path: ['bands', i, 'upTo'], message: last ? 'the last band has no ceiling (null)' : 'only the last band has no ceiling' });
      const before = i > 0 ? costs.bands[i - 1]!.upTo : null;
      if (band.upTo !== null && before !== null && Number(band.upTo) <= Number(before)) ctx.addIssue({ code: 'custom', path: ['bands', i, 'upTo'], message: 'bands rise: above the band before' });
    });
  });

const agencySchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'a lower-case agency id such as north-star-recoveries'),
  name: z.string().min(1).max(200),
  jurisdictions: z.array(z.enum(JURISDICTIONS)).min(1),
  /** the share of what the agency collects that it keeps */
  commissionRate: share,
  /** the account is recalled when the placement has run this long */
  placementTermDays: z.number().int().min(1).max(730),
});

/** The US preset's regulatory ceiling (FFIEC): a bank may charge off earlier, never later. */
export const FFIEC_CHARGE_OFF_DAYS = { CREDIT_CARD: 180, LOAN: 120 } as const;

export const legalConfigSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'a version such as 2026.1'),
    legalCosts: perJurisdiction(jurisdictionCostsSchema),
    recovery: z.strictObject({
      /** the share of the claim recovered through the courts, per risk tier */
      rateByTier: byTier(share),
      /** the older the debt, the less is recovered */
      bucketFactor: perBucket(factor),
      assetsSeenFactor: factor,
      collateralFactor: factor,
      monthsToRecovery: perJurisdiction(z.number().int().min(1).max(120)),
      /** the bank's cost of funds, to discount a recovery that takes months */
      yearlyDiscountRate: z.number().min(0).max(1),
      /** legal action pays off when the discounted recovery is at least this many times its costs */
      minimumRecoveryToCost: z.number().min(1).max(20),
      why,
    }),
    agency: z.strictObject({
      agencies: z.array(agencySchema).min(1),
      recoveryRateByBucket: perBucket(share),
      /** below this expected net collection (after commission) an agency is not worth placing with */
      minimumExpectedNet: z.strictObject({ default: majorUnitsSchema, byCurrency: z.record(currencySchema, majorUnitsSchema) }),
      why,
    }),
    whenLegalDoesNotPay: z.strictObject({ prefer: z.enum(['AGENCY', 'WRITE_OFF']), why }),
    chargeOff: z.strictObject({
      presets: perJurisdiction(z.strictObject({ daysPastDue: perProduct(z.number().int().min(30).max(3650)), source: z.string().min(1) })),
      why,
    }),
  })
  .superRefine((cfg, ctx) => {
    for (const product of PRODUCTS) {
      if (cfg.chargeOff.presets.US.daysPastDue[product] > FFIEC_CHARGE_OFF_DAYS[product])
        ctx.addIssue({ code: 'custom', path: ['chargeOff', 'presets', 'US', 'daysPastDue', product], message: `at most ${FFIEC_CHARGE_OFF_DAYS[product]} (FFIEC: the preset may be tightened, not loosened)` });
    }
    const ids = cfg.agency.agencies.map((a) => a.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['agency', 'agencies', i, 'id'], message: `agency ${id} is named twice` });
    });
  });

export type LegalConfig = z.infer<typeof legalConfigSchema>;
export type Agency = z.infer<typeof agencySchema>;
export type CostBand = z.infer<typeof bandSchema>;

export class LegalConfigError extends Error {
  override name = 'LegalConfigError';
}

/** Validates already-parsed JSON; the error names the path of every wrong value. */
export function parseLegalConfig(raw: unknown, source = 'legal config'): LegalConfig {
  const parsed = legalConfigSchema.safeParse(raw);
  if (!parsed.success) throw new LegalConfigError(`Invalid ${source}:\n  ${issueLines(parsed.error).join('\n  ')}`);
  return parsed.data;
}

/**
 * The decision on entering LEGAL (SPEC §2 step 9, issue 17 §1): cost against expected
 * recovery, from config/legal.json. Pure and deterministic (no clock, no I/O, no Node
 * APIs): the workflow may call it and replay the same figures.
 *
 * - Legal costs: the claim's band in the account's jurisdiction; each cost is the band's
 *   fixed part plus its share of the claim above the band's floor (the way a progressive
 *   court-fee scale reads); asset preservation only when the visit saw assets.
 * - Expected recovery: the tier's rate times the bucket's factor, times the assets-seen and
 *   collateral factors, capped at the whole claim; discounted for the months it takes.
 * - REFER when the discounted recovery is at least `minimumRecoveryToCost` times the costs;
 *   otherwise PLACE_WITH_AGENCY (when preferred, an agency serves the jurisdiction and its
 *   expected net collection reaches the minimum) or RECOMMEND_WRITE_OFF.
 * - Charge-off: the day the oldest unpaid installment reaches the preset's days past due.
 */
import { addDays } from '../contact-policy/local-time';
import type { IsoDate } from '../domain/dates';
import type { ChargeOff, LegalBasis, LegalCost, LegalDecision } from '../domain/legal';
import { formatMoney } from '../domain/money';
import type { Product } from '../domain/negotiation';
import { majorToMinorUnits } from '../loan-book/major-units';
import { forTier } from '../negotiation/schema';
import type { Agency, CostBand, LegalConfig } from './schema';

export class LegalDecisionError extends Error {
  override name = 'LegalDecisionError';
}

function minor(text: string, currency: string): number {
  const parsed = majorToMinorUnits(text, currency);
  if (!parsed.ok) throw new LegalDecisionError(`config amount ${text} in ${currency}: ${parsed.message}`);
  return parsed.minor;
}

/** The costs of taking a claim (minor units) to court in a jurisdiction. */
export function legalCost(config: LegalConfig, basis: Pick<LegalBasis, 'jurisdiction' | 'currency' | 'claim' | 'assetsSeen'>): LegalCost {
  const costs = config.legalCosts[basis.jurisdiction];
  if (costs.currency !== basis.currency) throw new LegalDecisionError(`legal costs in ${basis.jurisdiction} are in ${costs.currency}; the account is in ${basis.currency}`);
  let floor = 0;
  let band: CostBand = costs.bands.at(-1)!;
  for (const b of costs.bands) {
    if (b.upTo === null || basis.claim <= minor(b.upTo, basis.currency)) {
      band = b;
      break;
    }
    floor = minor(b.upTo, basis.currency);
  }
  const above = Math.max(0, basis.claim - floor);
  // Costs round up to the minor unit: a court never charges a fraction of a fen less.
  const cost = (c: CostBand['courtFee']) => minor(c.fixed, basis.currency) + Math.ceil(above * c.shareAbove);
  const courtFee = cost(band.courtFee);
  const lawyerFee = cost(band.lawyerFee);
  const assetPreservation = basis.assetsSeen ? cost(band.assetPreservation) : 0;
  return { courtFee, lawyerFee, assetPreservation, total: courtFee + lawyerFee + assetPreservation };
}

/** The share of the claim expected back through the courts. */
export function recoveryRate(config: LegalConfig, basis: Pick<LegalBasis, 'riskTier' | 'bucket' | 'assetsSeen' | 'collateral'>): number {
  const r = config.recovery;
  const rate = forTier(r.rateByTier, basis.riskTier) * r.bucketFactor[basis.bucket] * (basis.assetsSeen ? r.assetsSeenFactor : 1) * (basis.collateral ? r.collateralFactor : 1);
  return Math.min(1, rate);
}

/** The agency that would take the account: the lowest commission among those serving its jurisdiction (config order breaks ties). */
export function agencyFor(config: LegalConfig, jurisdiction: LegalBasis['jurisdiction']): Agency | undefined {
  return config.agency.agencies.filter((a) => a.jurisdictions.includes(jurisdiction)).reduce<Agency | undefined>((best, a) => (best === undefined || a.commissionRate < best.commissionRate ? a : best), undefined);
}

/** The charge-off preset's days for the product, and the day the account reaches them. */
export function chargeOffDue(config: LegalConfig, basis: Pick<LegalBasis, 'jurisdiction' | 'product' | 'daysPastDue' | 'oldestUnpaidDueDate'>): ChargeOff {
  const days = config.chargeOff.presets[basis.jurisdiction].daysPastDue[basis.product as Product];
  const dueOn: IsoDate | null = basis.oldestUnpaidDueDate === null ? null : addDays(basis.oldestUnpaidDueDate, days);
  return { jurisdiction: basis.jurisdiction, daysPastDue: days, dueOn, reached: basis.oldestUnpaidDueDate !== null && basis.daysPastDue >= days };
}

export function decideLegalAction(config: LegalConfig, basis: LegalBasis): LegalDecision {
  const { currency, claim } = basis;
  const cost = legalCost(config, basis);
  const rate = recoveryRate(config, basis);
  const expectedRecovery = Math.floor(claim * rate);
  const months = config.recovery.monthsToRecovery[basis.jurisdiction];
  const discountedRecovery = Math.floor(expectedRecovery / (1 + config.recovery.yearlyDiscountRate) ** (months / 12));
  const recoveryToCost = cost.total === 0 ? null : Math.round((discountedRecovery / cost.total) * 1000) / 1000;
  const agency = agencyFor(config, basis.jurisdiction);
  const agencyView = agency ? { agencyId: agency.id, commissionRate: agency.commissionRate, placementTermDays: agency.placementTermDays, expectedNet: Math.floor(claim * config.agency.recoveryRateByBucket[basis.bucket] * (1 - agency.commissionRate)) } : null;
  const chargeOff = chargeOffDue(config, basis);
  const figures = { configVersion: config.version, currency, claim, cost, recoveryRate: rate, expectedRecovery, monthsToRecovery: months, discountedRecovery, recoveryToCost, agency: agencyView, chargeOff };
  const weighed = `${formatMoney(discountedRecovery, currency)} expected back in ${months} months against ${formatMoney(cost.total, currency)} of legal costs`;

  const paysOff = claim > 0 && (cost.total === 0 || discountedRecovery >= cost.total * config.recovery.minimumRecoveryToCost);
  if (paysOff) return { action: 'REFER', ...figures, reason: `legal action pays off: ${weighed} (at least ${config.recovery.minimumRecoveryToCost} times)` };

  const minimumNet = minor(config.agency.minimumExpectedNet.byCurrency[currency] ?? config.agency.minimumExpectedNet.default, currency);
  if (config.whenLegalDoesNotPay.prefer === 'AGENCY' && agencyView && agencyView.expectedNet >= minimumNet)
    return { action: 'PLACE_WITH_AGENCY', ...figures, reason: `legal action does not pay off (${weighed}); ${agencyView.agencyId} is expected to collect ${formatMoney(agencyView.expectedNet, currency)} after commission` };
  const why = config.whenLegalDoesNotPay.prefer === 'WRITE_OFF' ? 'the policy prefers write-off' : agencyView ? `an agency is expected to collect only ${formatMoney(agencyView.expectedNet, currency)} (below ${formatMoney(minimumNet, currency)})` : `no agency serves ${basis.jurisdiction}`;
  return { action: 'RECOMMEND_WRITE_OFF', ...figures, reason: `legal action does not pay off (${weighed}); ${why}` };
}

/**
 * Champion against challenger on cure rate (issue 18 §4): the difference of the two
 * proportions with its 95 % confidence interval (Wald, unpooled standard error) and the
 * two-sided p-value of the two-proportion z-test (pooled standard error under "no
 * difference"). Significant when p < 0.05; until then the report says the difference is
 * not yet significant. The normal distribution's CDF comes from simple-statistics' erf.
 */
import { errorFunction } from 'simple-statistics';
import type { Rate } from './report-schema';

/** The standard normal quantile of 0.975: a 95 % two-sided interval. */
const Z_975 = 1.959963984540054;
export const SIGNIFICANCE_LEVEL = 0.05;

export interface ProportionComparison {
  /** challenger's rate − champion's rate; null when an arm has no runs */
  difference: number | null;
  low: number | null;
  high: number | null;
  pValue: number | null;
  significant: boolean;
}

const standardNormalCdf = (z: number) => 0.5 * (1 + errorFunction(z / Math.SQRT2));

export function compareProportions(champion: Rate, challenger: Rate): ProportionComparison {
  const n1 = champion.of;
  const n2 = challenger.of;
  if (n1 === 0 || n2 === 0) return { difference: null, low: null, high: null, pValue: null, significant: false };
  const p1 = champion.hits / n1;
  const p2 = challenger.hits / n2;
  const difference = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pooled = (champion.hits + challenger.hits) / (n1 + n2);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // both arms all cured or none cured: no evidence of a difference either way
  const pValue = se0 === 0 ? 1 : 2 * (1 - standardNormalCdf(Math.abs(difference / se0)));
  return { difference, low: difference - Z_975 * se, high: difference + Z_975 * se, pValue, significant: pValue < SIGNIFICANCE_LEVEL };
}

const points = (x: number) => `${(100 * x).toFixed(1)} points`;

/** One sentence a supervisor can act on. */
export function verdictOf(c: ProportionComparison): string {
  if (c.difference === null || c.pValue === null) return 'not yet comparable: an arm has no runs entering collection in the period';
  const direction = c.difference >= 0 ? `cures ${points(c.difference)} more` : `cures ${points(-c.difference)} less`;
  const interval = `95 % CI ${points(c.low!)} to ${points(c.high!)}, p = ${c.pValue.toFixed(3)}`;
  return c.significant ? `the challenger ${direction} (${interval}): significant` : `the challenger ${direction} (${interval}): not yet significant, keep the experiment running`;
}

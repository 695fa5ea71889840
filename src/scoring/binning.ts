/**
 * Binning and weight of evidence, the first half of a binned logistic scorecard.
 *
 * A feature's known values are cut at quantiles into at most `maxBins` bins of at least
 * `minShare` of the accounts each (a value is never split across bins), and the accounts
 * without a value get a bin of their own. Each bin's weight of evidence is
 * ln(share of the goods in it / share of the bads in it), with half an account added to
 * each count so that a bin without bads (or goods) stays finite. Bins are not forced to
 * be monotonic: the points show the shape the book has, and the report shows each bin.
 */

export interface Bin {
  /** the bin of accounts without a value */
  missing: boolean;
  /** [lower, upper): null = unbounded */
  lower: number | null;
  upper: number | null;
  accounts: number;
  bads: number;
  weightOfEvidence: number;
}

export interface BinningOptions {
  maxBins: number;
  minShare: number;
}

const SMOOTHING = 0.5;

function woe(goods: number, bads: number, totalGoods: number, totalBads: number): number {
  return Math.log((goods + SMOOTHING) / (totalGoods + SMOOTHING) / ((bads + SMOOTHING) / (totalBads + SMOOTHING)));
}

/** The bins of one feature over the training accounts (`values[k]` and `bad[k]` belong to one account). */
export function binFeature(values: (number | null)[], bad: boolean[], { maxBins, minShare }: BinningOptions): Bin[] {
  const totalBads = bad.filter(Boolean).length;
  const totalGoods = bad.length - totalBads;
  const known: { value: number; bad: boolean }[] = [];
  let missingAccounts = 0;
  let missingBads = 0;
  values.forEach((value, k) => {
    if (value === null || !Number.isFinite(value)) {
      missingAccounts++;
      if (bad[k]) missingBads++;
    } else known.push({ value, bad: bad[k] === true });
  });
  known.sort((a, b) => a.value - b.value);

  const target = Math.max(Math.ceil(known.length / maxBins), Math.ceil(minShare * values.length), 1);
  const cuts: { lower: number; accounts: number; bads: number }[] = [];
  let current: { lower: number; accounts: number; bads: number } | undefined;
  known.forEach(({ value, bad: isBad }, k) => {
    const startsNewValue = k === 0 || value !== known[k - 1]?.value;
    if (!current || (startsNewValue && current.accounts >= target)) {
      current = { lower: value, accounts: 0, bads: 0 };
      cuts.push(current);
    }
    current.accounts++;
    if (isBad) current.bads++;
  });
  // a last bin smaller than the minimum joins the one before it
  const last = cuts[cuts.length - 1];
  const before = cuts[cuts.length - 2];
  if (last && before && last.accounts < minShare * values.length) {
    before.accounts += last.accounts;
    before.bads += last.bads;
    cuts.pop();
  }

  const bins: Bin[] = cuts.map((c, n) => ({
    missing: false,
    lower: n === 0 ? null : c.lower,
    upper: n === cuts.length - 1 ? null : (cuts[n + 1]?.lower ?? null),
    accounts: c.accounts,
    bads: c.bads,
    weightOfEvidence: woe(c.accounts - c.bads, c.bads, totalGoods, totalBads),
  }));
  if (missingAccounts > 0) {
    bins.push({ missing: true, lower: null, upper: null, accounts: missingAccounts, bads: missingBads, weightOfEvidence: woe(missingAccounts - missingBads, missingBads, totalGoods, totalBads) });
  }
  return bins;
}

/** The bin a value falls in (the missing bin for no value; none if the model saw no missing value). */
export function binOf(bins: readonly Bin[], value: number | null): Bin | undefined {
  if (value === null || !Number.isFinite(value)) return bins.find((b) => b.missing);
  return bins.find((b) => !b.missing && (b.lower === null || value >= b.lower) && (b.upper === null || value < b.upper));
}

/** Information value: how far the feature's bins tell the goods from the bads (< 0.02: no use). */
export function informationValue(bins: readonly Bin[]): number {
  const totalBads = bins.reduce((n, b) => n + b.bads, 0);
  const totalGoods = bins.reduce((n, b) => n + b.accounts - b.bads, 0);
  return bins.reduce((iv, b) => iv + ((b.accounts - b.bads + SMOOTHING) / (totalGoods + SMOOTHING) - (b.bads + SMOOTHING) / (totalBads + SMOOTHING)) * b.weightOfEvidence, 0);
}

/**
 * How well a score ranks (higher score = less risk): ROC AUC, Gini, Kolmogorov–Smirnov,
 * and the bad rate per score band. 0.5 AUC is a coin, 1.0 a perfect ranking.
 */

export interface Scored {
  score: number;
  bad: boolean;
}

/** The rows from the lowest score up, with their bads and goods; undefined when either is none (nothing to rank). */
function ranked(rows: readonly Scored[]): { sorted: Scored[]; bads: number; goods: number } | undefined {
  const bads = rows.filter((r) => r.bad).length;
  const goods = rows.length - bads;
  if (bads === 0 || goods === 0) return undefined;
  return { sorted: [...rows].sort((a, b) => a.score - b.score), bads, goods };
}

/** P(a random good scores above a random bad), ties counting half (Mann–Whitney). */
export function rocAuc(rows: readonly Scored[]): number {
  const r = ranked(rows);
  if (!r) return Number.NaN;
  const { sorted, bads, goods } = r;
  let badsBelow = 0;
  let pairs = 0;
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    let tiedBads = 0;
    while (end < sorted.length && sorted[end]!.score === sorted[k]!.score) {
      if (sorted[end]!.bad) tiedBads++;
      end++;
    }
    const tiedGoods = end - k - tiedBads;
    pairs += tiedGoods * (badsBelow + tiedBads / 2);
    badsBelow += tiedBads;
    k = end;
  }
  return pairs / (goods * bads);
}

/** The largest gap between the bads' and the goods' cumulative shares along the score. */
export function kolmogorovSmirnov(rows: readonly Scored[]): number {
  const r = ranked(rows);
  if (!r) return Number.NaN;
  const { sorted, bads, goods } = r;
  let cumBads = 0;
  let cumGoods = 0;
  let ks = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (sorted[k]!.bad) cumBads++;
    else cumGoods++;
    if (k + 1 === sorted.length || sorted[k + 1]!.score !== sorted[k]!.score) ks = Math.max(ks, Math.abs(cumBads / bads - cumGoods / goods));
  }
  return ks;
}

export interface ScoreBand {
  from: number;
  to: number;
  accounts: number;
  bads: number;
  badRate: number;
}

/** `bands` bands of about equal size from the lowest score up (an equal score never straddles two). */
export function scoreBands(rows: readonly Scored[], bands: number): ScoreBand[] {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  const out: ScoreBand[] = [];
  const size = Math.ceil(sorted.length / bands);
  for (let k = 0; k < sorted.length; ) {
    let end = Math.min(k + size, sorted.length);
    while (end < sorted.length && sorted[end]!.score === sorted[end - 1]!.score) end++;
    const slice = sorted.slice(k, end);
    const bads = slice.filter((r) => r.bad).length;
    out.push({ from: slice[0]!.score, to: slice[slice.length - 1]!.score, accounts: slice.length, bads, badRate: bads / slice.length });
    k = end;
  }
  return out;
}

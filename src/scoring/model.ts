/**
 * A binned logistic scorecard: base points plus, per feature, the points of the bin the
 * account's value falls in. Points follow the industry's scaling: 600 points at odds of
 * 50 goods to 1 bad, 20 more points double the odds (PDO). A higher score is less risk.
 */
import { z } from 'zod';
import type { Bin } from './binning';
import { FEATURES } from './features-sql';
import type { ScoreBand } from './metrics';

export const POINTS_AT_BASE_ODDS = 600;
export const BASE_ODDS = 50;
export const POINTS_TO_DOUBLE_ODDS = 20;
export const POINTS_FACTOR = POINTS_TO_DOUBLE_ODDS / Math.LN2;

export interface ScoredBin extends Bin {
  points: number;
}

export interface ScoreCard {
  feature: (typeof FEATURES)[number];
  bins: ScoredBin[];
}

export interface FitReport {
  outcome: string;
  trainAccounts: number;
  trainBads: number;
  holdoutAccounts: number;
  holdoutBads: number;
  auc: number;
  gini: number;
  ks: number;
  /** the hand-written tier rules' AUC on the same holdout, for comparison */
  rulesAuc: number;
  bands: ScoreBand[];
  features: { feature: string; informationValue: number; coefficient: number }[];
  dropped: { feature: string; informationValue: number }[];
  iterations: number;
  converged: boolean;
}

export interface ScoreModel {
  version: string;
  asOf: string;
  outcomeAt: string;
  outcome: string;
  basePoints: number;
  cards: ScoreCard[];
  report: FitReport;
}

/** Base points and each bin's points from the fit: score = offset − factor × log-odds of bad. */
export function scaledPoints(intercept: number, cards: { feature: ScoreCard['feature']; coefficient: number; bins: Bin[] }[]): { basePoints: number; cards: ScoreCard[] } {
  const offset = POINTS_AT_BASE_ODDS - POINTS_FACTOR * Math.log(BASE_ODDS);
  return {
    basePoints: Math.round(offset - POINTS_FACTOR * intercept),
    cards: cards.map((c) => ({
      feature: c.feature,
      bins: c.bins.map((b) => ({ ...b, points: Math.round(-POINTS_FACTOR * c.coefficient * b.weightOfEvidence) })),
    })),
  };
}

export const featureSchema = z.enum(FEATURES);
export const scoredBinSchema = z.object({
  missing: z.boolean(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  accounts: z.number().int(),
  bads: z.number().int(),
  weightOfEvidence: z.number(),
  points: z.number().int(),
});

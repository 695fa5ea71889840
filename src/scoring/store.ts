/**
 * Score models in Postgres: written once per version (the same version again changes
 * nothing: a retried fit), read back by version or as the latest fitted. Rows are
 * parsed with zod at this edge.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import { featureSchema, scoredBinSchema, type FitReport, type ScoreCard, type ScoreModel } from './model';

export async function writeScoreModel(db: Queryable, model: ScoreModel): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO score_models (version, as_of, outcome_at, outcome, base_points, report)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (version) DO NOTHING`,
    [model.version, model.asOf, model.outcomeAt, model.outcome, model.basePoints, JSON.stringify(model.report)],
  );
  if (rowCount === 0) return false;
  const bins = model.cards.flatMap((c) => c.bins.map((b, n) => ({ feature: c.feature, bin: n, ...b })));
  await db.query(
    `INSERT INTO score_model_bins (model_version, feature, bin, missing, lower_bound, upper_bound, weight_of_evidence, points, accounts, bads)
     SELECT $1, * FROM unnest($2::text[], $3::smallint[], $4::boolean[], $5::float8[], $6::float8[], $7::float8[], $8::int[], $9::int[], $10::int[])`,
    [
      model.version,
      bins.map((b) => b.feature),
      bins.map((b) => b.bin),
      bins.map((b) => b.missing),
      bins.map((b) => b.lower),
      bins.map((b) => b.upper),
      bins.map((b) => b.weightOfEvidence),
      bins.map((b) => b.points),
      bins.map((b) => b.accounts),
      bins.map((b) => b.bads),
    ],
  );
  return true;
}

const modelRow = z.object({
  version: z.string(),
  as_of: z.string(),
  outcome_at: z.string(),
  outcome: z.string(),
  base_points: z.number().int(),
  report: z.custom<FitReport>((v) => typeof v === 'object' && v !== null),
});
const binRow = z.object({
  feature: featureSchema,
  missing: z.boolean(),
  lower_bound: z.number().nullable(),
  upper_bound: z.number().nullable(),
  weight_of_evidence: z.number(),
  points: z.number().int(),
  accounts: z.number().int(),
  bads: z.number().int(),
});

/** The model of that version, or the latest fitted (`latest`); undefined when there is none. */
export async function readScoreModel(db: Queryable, version: string): Promise<ScoreModel | undefined> {
  const { rows } = await db.query(
    version === 'latest' ? 'SELECT * FROM score_models ORDER BY fitted_at DESC, version DESC LIMIT 1' : 'SELECT * FROM score_models WHERE version = $1',
    version === 'latest' ? [] : [version],
  );
  if (!rows[0]) return undefined;
  const m = modelRow.parse(rows[0]);
  const { rows: binRows } = await db.query('SELECT * FROM score_model_bins WHERE model_version = $1 ORDER BY feature, bin', [m.version]);
  const cards = new Map<string, ScoreCard>();
  for (const row of binRows) {
    const b = binRow.parse(row);
    const card = cards.get(b.feature) ?? { feature: b.feature, bins: [] };
    card.bins.push(
      scoredBinSchema.parse({ missing: b.missing, lower: b.lower_bound, upper: b.upper_bound, accounts: b.accounts, bads: b.bads, weightOfEvidence: b.weight_of_evidence, points: b.points }),
    );
    cards.set(b.feature, card);
  }
  return { version: m.version, asOf: m.as_of, outcomeAt: m.outcome_at, outcome: m.outcome, basePoints: m.base_points, cards: [...cards.values()], report: m.report };
}

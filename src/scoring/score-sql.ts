/**
 * A scorecard as one SQL expression over a row of the features (alias `f`): base points
 * plus a CASE per feature that picks its bin's points, so that the screening scores the
 * whole book inside its one set-based pass. Bounds and points travel as bind parameters;
 * feature names are checked against FEATURES when a model is read.
 */
import type { SqlParams } from '../screening/rules-sql';
import type { ScoreCard, ScoreModel } from './model';

function cardSql(card: ScoreCard, params: SqlParams, alias: string): string {
  const column = `${alias}.${card.feature}`;
  // a value the fit never saw missing scores as no evidence either way
  const missing = card.bins.find((b) => b.missing)?.points ?? 0;
  const ranged = card.bins.filter((b) => !b.missing);
  const whens = ranged.map((b) =>
    b.upper === null ? `ELSE ${params.add(b.points, 'integer')}` : `WHEN ${column}::float8 < ${params.add(b.upper, 'float8')} THEN ${params.add(b.points, 'integer')}`,
  );
  if (ranged.length === 0) whens.push('ELSE 0');
  return `CASE WHEN ${column} IS NULL OR ${column}::float8 = 'NaN' THEN ${params.add(missing, 'integer')} ${whens.join(' ')} END`;
}

export function scoreSql(model: Pick<ScoreModel, 'basePoints' | 'cards'>, params: SqlParams, alias = 'f'): string {
  return `(${[params.add(model.basePoints, 'integer'), ...model.cards.map((c) => cardSql(c, params, alias))].join(' + ')})`;
}

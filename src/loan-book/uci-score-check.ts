/**
 * `arrears score check --format uci-credit-card`: how the live score ranks the imported
 * UCI holders against the dataset's own outcome, default_payment (October 2005), for the
 * record. The score never saw that label: the model was fitted on the book's own later
 * status. The tier rules' AUC is given beside it.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import type { ScreeningConfig } from '../screening/config';
import { riskTierSql, SqlParams } from '../screening/rules-sql';
import { featuresSql } from '../scoring/features-sql';
import { kolmogorovSmirnov, rocAuc } from '../scoring/metrics';
import type { ScoreModel } from '../scoring/model';
import { scoreSql } from '../scoring/score-sql';

export interface UciScoreCheck {
  modelVersion: string;
  asOf: string;
  paymentsThrough: string;
  holders: number;
  defaults: number;
  auc: number;
  ks: number;
  rulesAuc: number;
}

const row = z.object({ score: z.number().int(), rule_tier: z.string(), default_payment: z.boolean() });

export async function uciScoreCheck(db: Queryable, model: ScoreModel, config: ScreeningConfig, { asOf, paymentsThrough }: { asOf: string; paymentsThrough: string }): Promise<UciScoreCheck> {
  const params = new SqlParams();
  const at = params.add(asOf, 'date');
  const through = params.add(paymentsThrough, 'date');
  const score = scoreSql(model, params);
  const tier = riskTierSql(config, params);
  const { rows } = await db.query(
    `SELECT ${score} AS score, ${tier} AS rule_tier, r.default_payment
     FROM (${featuresSql(`account_figures(${at}, ${through})`, at, through)}) f
     JOIN uci_credit_card_reference r ON r.account_id = f.account_id`,
    params.values,
  );
  const holders = rows.map((r) => row.parse(r));
  const order = [...config.riskTiers.map((r) => r.tier), config.defaultTier];
  const scored = holders.map((h) => ({ score: h.score, bad: h.default_payment }));
  return {
    modelVersion: model.version,
    asOf,
    paymentsThrough,
    holders: holders.length,
    defaults: holders.filter((h) => h.default_payment).length,
    auc: rocAuc(scored),
    ks: kolmogorovSmirnov(scored),
    rulesAuc: rocAuc(holders.map((h) => ({ score: order.indexOf(h.rule_tier), bad: h.default_payment }))),
  };
}

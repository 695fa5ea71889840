/**
 * `arrears score fit --as-of D --outcome-at D2`: fits a behaviour scorecard on the loan
 * book's own history (src/scoring/fit.ts), writes it as a new score model version and
 * prints its out-of-sample report. `arrears score check --format uci-credit-card`: the
 * AUC of the live score against the UCI dataset's default_payment. Figures only.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { uciScoreCheck } from '../../loan-book/uci-score-check';
import type { Pool } from '../../db/pool';
import { loadScreeningConfig, type ScreeningConfig } from '../../screening/config';
import { fitScoreModel } from '../../scoring/fit';
import type { ScoreModel } from '../../scoring/model';
import { readScoreModel, writeScoreModel } from '../../scoring/store';
import { withCliContext } from '../context';

const date = (flag: string) => z.iso.date(`${flag} takes a date, YYYY-MM-DD`);
const share = (flag: string) => z.coerce.number(`${flag} takes a number between 0 and 1`).gt(0, `${flag} is above 0`).lt(1, `${flag} is below 1`);
const fitSchema = z.strictObject({ asOf: date('--as-of'), outcomeAt: date('--outcome-at'), holdout: share('--holdout').default(0.3), periods: z.coerce.number('--periods takes a whole number').int('--periods takes a whole number').min(1, '--periods is at least 1').max(24, '--periods is at most 24').default(1), config: z.string().optional() });
const checkSchema = z.strictObject({
  format: z.enum(['uci-credit-card'], '--format takes uci-credit-card'),
  asOf: date('--as-of').default('2005-10-01'),
  paymentsThrough: date('--payments-through').default('2005-09-30'),
  model: z.string().min(1).default('latest'),
  config: z.string().optional(),
});

/** A command's action: its options parsed, the screening rules loaded, then a database. */
function withRules<T extends { config?: string | undefined }>(
  schema: z.ZodType<T>,
  body: (opts: T, rules: ScreeningConfig, pool: Pool, write: (line: string) => void) => Promise<void>,
): (raw: unknown) => Promise<void> {
  return async (raw) => {
    const result = schema.safeParse(raw);
    if (!result.success) throw new Error(result.error.issues.map((i) => i.message).join('; '));
    const rules = loadScreeningConfig(result.data.config);
    await withCliContext(({ pool }) => body(result.data, rules, pool, (line) => process.stdout.write(`${line}\n`)));
  };
}

const f3 = (v: number) => v.toFixed(3);

export function printFitReport(model: ScoreModel, written: boolean, write: (line: string) => void): void {
  const r = model.report;
  write(`Score model ${model.version}${written ? '' : ' (already written: same fit)'}: features as of ${model.asOf}, outcome at ${model.outcomeAt}`);
  write(`  outcome (bad): ${r.outcome}`);
  write(`  trained on ${r.trainAccounts} accounts (${r.trainBads} bad); holdout ${r.holdoutAccounts} (${r.holdoutBads} bad), not seen by the fit`);
  write(`  logistic fit on weights of evidence: ${r.iterations} Newton steps${r.converged ? '' : ', NOT converged'}; base points ${model.basePoints}`);
  write('');
  write(`  Holdout: ROC AUC ${f3(r.auc)}, Gini ${f3(r.gini)}, KS ${f3(r.ks)}   (tier rules: AUC ${f3(r.rulesAuc)})`);
  write(`  ${'score band'.padEnd(14)}${'accounts'.padStart(10)}${'bad'.padStart(8)}${'bad rate'.padStart(10)}`);
  for (const b of r.bands) write(`  ${`${b.from}-${b.to}`.padEnd(14)}${String(b.accounts).padStart(10)}${String(b.bads).padStart(8)}${`${(100 * b.badRate).toFixed(1)} %`.padStart(10)}`);
  write('');
  write(`  ${'feature'.padEnd(26)}${'IV'.padStart(7)}  points per bin ([lower, upper) or missing)`);
  for (const card of model.cards) {
    const iv = r.features.find((x) => x.feature === card.feature)?.informationValue ?? 0;
    const bins = card.bins.map((b) => `${b.missing ? 'missing' : `[${b.lower ?? '-inf'}, ${b.upper ?? 'inf'})`} ${b.points}`).join('; ');
    write(`  ${card.feature.padEnd(26)}${f3(iv).padStart(7)}  ${bins}`);
  }
  if (r.dropped.length > 0) write(`  left out (no bins, or IV below the minimum): ${r.dropped.map((d) => `${d.feature} ${f3(d.informationValue)}`).join(', ')}`);
}

export function registerScoreCommands(program: Command): void {
  const score = program.command('score').description('The behaviour score: fit a scorecard on the book\'s own history, check it');
  score
    .command('fit')
    .description('Fit a binned logistic scorecard: features as of --as-of, outcome from the book screened at --outcome-at; writes a new model version and prints its holdout report')
    .requiredOption('--as-of <date>', 'the date the features are read as of, YYYY-MM-DD')
    .requiredOption('--outcome-at <date>', 'the later date whose screening gives the outcome, YYYY-MM-DD')
    .option('--holdout <share>', 'share of the accounts held out of the fit for the report', '0.3')
    .option('--periods <n>', 'train also on the same pair of dates 1 … n - 1 months earlier (the holdout accounts never train)', '1')
    .option('--config <file>', 'screening rules, for the tier rules\' AUC beside the score\'s (default: config/screening.json)')
    .action(
      withRules(fitSchema, async (opts, rules, pool, write) => {
        const model = await fitScoreModel(pool, { asOf: opts.asOf, outcomeAt: opts.outcomeAt, holdoutShare: opts.holdout, periods: opts.periods }, rules);
        printFitReport(model, await writeScoreModel(pool, model), write);
      }),
    );
  score
    .command('check')
    .description('How the live score ranks a dataset\'s holders against its own outcome label (for the record; the score never saw it)')
    .requiredOption('--format <book>', 'uci-credit-card: AUC against default_payment (October 2005)')
    .option('--as-of <date>', 'score the book as of this date', '2005-10-01')
    .option('--payments-through <date>', 'count payments value-dated through this date', '2005-09-30')
    .option('--model <version>', 'the score model version (default: the latest fitted)', 'latest')
    .option('--config <file>', 'screening rules, for the tier rules\' AUC (default: config/screening.json)')
    .action(
      withRules(checkSchema, async (opts, rules, pool, write) => {
        const model = await readScoreModel(pool, opts.model);
        if (!model) throw new Error(opts.model === 'latest' ? 'no score model yet: run `arrears score fit` first' : `no score model ${opts.model}`);
        const check = await uciScoreCheck(pool, model, rules, opts);
        write(`Score ${check.modelVersion} as of ${check.asOf} (payments through ${check.paymentsThrough}) against the dataset's default_payment:`);
        write(`  ${check.holders} holders, ${check.defaults} defaulted`);
        write(`  ROC AUC ${f3(check.auc)}, Gini ${f3(2 * check.auc - 1)}, KS ${f3(check.ks)}   (tier rules: AUC ${f3(check.rulesAuc)})`);
      }),
    );
}

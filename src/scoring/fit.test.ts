/**
 * The fit on a synthetic card book with a known signal, in a database of this file's own
 * (a fit reads the whole book): 2,000 cards, every one paid its minimums on time up to
 * the as-of date, so the tier rules see no difference between them; whether a card
 * misses its next minimum depends on its utilisation. The fitted score must find that
 * signal on the holdout where the rules cannot; the screening then scores with it.
 */
import { createPool, type Pool } from '../db/pool';
import { ownTestDatabase } from '../../test/own-database';
import { loadScreeningConfig, type ScreeningConfig } from '../screening/config';
import { readCollectionList, runScreening } from '../screening/scan';
import { fitScoreModel, scoreBook } from './fit';
import { readScoreModel, writeScoreModel } from './store';

const CARDS = 2_000;
const AS_OF = '2025-11-01';
const OUTCOME_AT = '2025-12-01';

let pool: Pool;
const config: ScreeningConfig = { ...loadScreeningConfig(), version: 'test-score' };

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('scoring_fit'), 4);
  // Card g: utilisation u in [0.05, 0.95] from a hash of g; statements cut at each month's
  // end from January to November, each minimum (5 % of the balance) due on the next 15th
  // and paid on it up to October's. November's (October's statement, due 11-15) is missed
  // with probability 1 / (1 + e^(4 - 6u)): from 2 % at the lowest utilisation to 84 % at
  // the highest.
  await pool.query(`
    CREATE TEMP TABLE cards AS
    SELECT g, 'FIT-' || lpad(g::text, 5, '0') AS id,
           0.05 + 0.9 * ((hashint4(g) & 1023) / 1023.0) AS u,
           ((hashint4(g + 100003) & 1023) / 1024.0) AS draw
    FROM generate_series(1, ${CARDS}) g;
    INSERT INTO borrowers (id) SELECT 'B-' || id FROM cards;
    INSERT INTO accounts (id, borrower_id, product, currency, principal, credit_limit, status, opened_on)
    SELECT id, 'B-' || id, 'CREDIT_CARD', 'CNY', 0, 10000000, 'OPEN', '2025-01-01' FROM cards;
    INSERT INTO installments (account_id, seq, due_date, principal_due, statement_date, statement_balance)
    SELECT c.id, m, (date '2025-01-15' + make_interval(months => m))::date,
           round(0.05 * c.u * 10000000)::bigint,
           (date '2025-02-01' + make_interval(months => m - 1))::date - 1,
           round(c.u * 10000000)::bigint
    FROM cards c, generate_series(1, 11) m;
    INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
    SELECT c.id || '-' || m, c.id, round(0.05 * c.u * 10000000)::bigint, 'CNY', (date '2025-01-15' + make_interval(months => m))::date, 'BANK_TRANSFER', 'IMPORT'
    FROM cards c, generate_series(1, 9) m
    UNION ALL
    SELECT c.id || '-10', c.id, round(0.05 * c.u * 10000000)::bigint, 'CNY', date '2025-11-15', 'BANK_TRANSFER', 'IMPORT'
    FROM cards c WHERE c.draw >= 1 / (1 + exp(4 - 6 * c.u));
  `);
}, 60_000);
afterAll(async () => {
  await pool?.end();
});

test('the fitted score ranks the known signal on the holdout, where the tier rules cannot; written once per version', async () => {
  const model = await fitScoreModel(pool, { asOf: AS_OF, outcomeAt: OUTCOME_AT }, config);
  const r = model.report;
  expect(r.trainAccounts + r.holdoutAccounts).toBe(CARDS);
  expect(r.holdoutAccounts).toBeGreaterThan(0.2 * CARDS);
  expect(r.holdoutBads).toBeGreaterThan(50);
  // every card was current with an on-time history: the rules put them all in one tier
  expect(r.rulesAuc).toBe(0.5);
  expect(r.auc).toBeGreaterThan(0.7);
  expect(model.cards.map((c) => c.feature)).toContain('utilisation');
  // more utilisation, fewer points (more risk): the first bin scores above the last
  const utilisation = model.cards.find((c) => c.feature === 'utilisation')?.bins.filter((b) => !b.missing) ?? [];
  expect(utilisation[0]?.points).toBeGreaterThan(utilisation[utilisation.length - 1]?.points ?? Infinity);

  expect(await writeScoreModel(pool, model)).toBe(true);
  expect(await writeScoreModel(pool, model)).toBe(false);
  // read back as written (its features in name order)
  expect(await readScoreModel(pool, 'latest')).toEqual({ ...model, cards: [...model.cards].sort((a, b) => a.feature.localeCompare(b.feature)) });
});

test('the screening takes the tier from the latest score and its cut-offs, lists each overdue account with its score, and names the model', async () => {
  const model = await readScoreModel(pool, 'latest');
  if (!model) throw new Error('the fit test writes the model first');
  const run = await runScreening(pool, { asOf: OUTCOME_AT, paymentsThrough: OUTCOME_AT, config });
  expect(run.scoreModelVersion).toBe(model.version);
  const scores = await scoreBook(pool, model, OUTCOME_AT, OUTCOME_AT);
  const list = await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: CARDS });
  expect(list.length).toBe(run.overdueAccounts);
  expect(list.length).toBeGreaterThan(50);
  const cutOffs = config.score?.tiers ?? [];
  for (const entry of list) {
    expect(entry.score).toBe(scores.get(entry.accountId));
    const expected = cutOffs.find((t) => (entry.score ?? Infinity) < t.scoreBelow)?.tier ?? config.defaultTier;
    expect(entry.riskTier).toBe(expected);
  }
  // the tier the workflows show is the score's
  const { rows } = await pool.query('SELECT id, risk_tier FROM accounts WHERE id = ANY ($1)', [list.map((e) => e.accountId)]);
  expect(Object.fromEntries(rows.map((r) => [r.id, r.risk_tier]))).toEqual(Object.fromEntries(list.map((e) => [e.accountId, e.riskTier])));
});

test('a config naming a model that is not there refuses to screen; without a score block the rules give the tier', async () => {
  await expect(runScreening(pool, { asOf: OUTCOME_AT, config: { ...config, score: { model: 'no-such-model', tiers: [{ tier: 'HIGH', scoreBelow: 500 }] } } })).rejects.toThrow(
    'the screening config names the score model no-such-model',
  );
  const { score: _ignored, ...rulesOnly } = config;
  const run = await runScreening(pool, { asOf: OUTCOME_AT, config: rulesOnly });
  expect(run.scoreModelVersion).toBeNull();
  const [first] = await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: 1 });
  expect(first?.score).toBeNull();
});

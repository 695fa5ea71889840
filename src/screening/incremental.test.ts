/**
 * The incremental daily run against the full pass, account by account, over several days
 * of a small book in a database of this file's own: payments, a reversal, a schedule
 * change, new due dates (with gaps of days between runs), a tier changed by the date
 * alone, a payment value-dated after the run's date, an import, an account closed, then a
 * config change and a score model, which force a full pass. And the change capture:
 * which writes mark an account, which do not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPool, type Pool } from '../db/pool';
import { importLoanBook } from '../loan-book/import-loan-book';
import { PROJECT_ROOT } from '../paths';
import type { FitReport, ScoreModel } from '../scoring/model';
import { writeScoreModel } from '../scoring/store';
import { ownTestDatabase } from '../../test/own-database';
import { addFixtureAccount, type FixtureAccount } from './book-fixtures';
import type { ScreeningConfig } from './config';
import { scanQuery } from './queries';
import { resultsAsOf } from './results';
import { SqlParams } from './rules-sql';
import { readCollectionList, runScreening, type ScreeningRunSummary } from './scan';

const config: ScreeningConfig = {
  version: 'incremental-1',
  riskTiers: [
    { tier: 'HIGH', anyOf: { daysPastDueAtLeast: 91, longestLatenessDaysAtLeast: 120 } },
    { tier: 'MEDIUM', anyOf: { daysPastDueAtLeast: 31, onTimeRatioBelow: 0.8, shareRepaidBelow: 0.9 } },
  ],
  defaultTier: 'LOW',
  priority: { amountWeight: 1, daysPastDueWeight: 2, daysPastDueCap: 180, tierWeights: { HIGH: 2, MEDIUM: 1, LOW: 0 } },
};

let pool: Pool;
beforeAll(async () => {
  pool = createPool(await ownTestDatabase('screening_incremental'), 4);
});
afterAll(async () => {
  await pool.end();
});

const monthly = (from: number, to: number, amount = 1000) =>
  Array.from({ length: to - from + 1 }, (_, k) => ({ due: `2025-${String(from + k).padStart(2, '0')}-01`, principal: amount * 0.8, interest: amount * 0.15, fees: amount * 0.05 }));

/** What a run says of one account, as the full pass computes it and as the results carry it. */
interface Judged {
  account_id: string;
  amount_overdue: number;
  overdue_principal: number;
  overdue_interest: number;
  overdue_fees: number;
  days_past_due: number;
  bucket: string;
  risk_tier: string;
}
const JUDGED = 'account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier';

async function fullPass(asOf: string, rules = config): Promise<Judged[]> {
  const { text, values } = scanQuery({ asOf, paymentsThrough: null, config: rules });
  return (await pool.query(`SELECT ${JUDGED} FROM (${text}) s ORDER BY account_id`, values)).rows;
}

async function carried(asOf: string, rules = config): Promise<Judged[]> {
  const params = new SqlParams();
  return (await pool.query(`SELECT ${JUDGED} FROM ${resultsAsOf(asOf, rules)(params)} s ORDER BY account_id`, params.values)).rows;
}

/** The run's own outputs (counts, list, the tiers written back) against the full pass of its date. */
async function expectRunToMatchFullPass(run: ScreeningRunSummary, expected: Judged[]): Promise<void> {
  const byBucket: Record<string, number> = {};
  const byTier: Record<string, number> = {};
  for (const e of expected) {
    byBucket[e.bucket] = (byBucket[e.bucket] ?? 0) + 1;
    byTier[e.risk_tier] = (byTier[e.risk_tier] ?? 0) + 1;
  }
  const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  expect(run.accountsScanned).toBe(expected.length);
  expect(nonZero(run.countsByBucket)).toEqual(byBucket);
  expect(nonZero(run.countsByTier)).toEqual(byTier);

  const list = await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: 1000 });
  expect(
    list
      .map((e) => ({
        account_id: e.accountId,
        amount_overdue: e.amountOverdue,
        overdue_principal: e.overduePrincipal,
        overdue_interest: e.overdueInterest,
        overdue_fees: e.overdueFees,
        days_past_due: e.daysPastDue,
        bucket: e.bucket,
        risk_tier: e.riskTier,
      }))
      .sort((a, b) => a.account_id.localeCompare(b.account_id)),
  ).toEqual(expected.filter((e) => e.amount_overdue > 0));

  const { rows: tiers } = await pool.query(`SELECT id AS account_id, risk_tier FROM accounts WHERE status = 'OPEN' ORDER BY id`);
  expect(tiers).toEqual(expected.map((e) => ({ account_id: e.account_id, risk_tier: e.risk_tier })));
}

const pay = (accountId: string, eventId: string, amount: number, valueDate: string) =>
  pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, $3, 'CNY', $4, 'BANK_TRANSFER', 'API')`, [
    eventId,
    accountId,
    amount,
    valueDate,
  ]);

const BOOK: Record<string, FixtureAccount> = {
  // paid on each due date through April, then stops: overdue from 05-02, 31 days on 06-01
  stopsInMay: { installments: monthly(1, 8), payments: [1, 2, 3, 4].map((m) => ({ amount: 1000, valueDate: `2025-0${m}-01` })) },
  // never paid: 91 days past due (HIGH) between two runs, by the date alone
  neverPaid: { installments: [{ due: '2025-01-10', principal: 5000 }, { due: '2025-02-10', principal: 5000 }] },
  // everything paid on the first day: every due date is crossed already settled
  paidAhead: { installments: monthly(1, 8), payments: [{ amount: 8000, valueDate: '2024-12-20' }] },
  // the March installment is settled by a payment value-dated 2025-05-01, after the first runs
  valueDatedLater: { installments: monthly(2, 4), payments: [{ amount: 1000, valueDate: '2025-02-01' }, { amount: 2000, valueDate: '2025-05-01' }] },
  // nothing to pay on one installment
  nothingDue: { installments: [...monthly(3, 3), { due: '2025-04-05', principal: 0 }, ...monthly(5, 6)], payments: [{ amount: 1000, valueDate: '2025-03-01' }] },
  empty: {},
  closed: { status: 'CLOSED', installments: monthly(1, 3) },
  // 60 % of each installment
  partial: { installments: monthly(1, 7), payments: [1, 2, 3, 4, 5, 6].map((m) => ({ amount: 600, valueDate: `2025-0${m}-01` })) },
};

test('day by day, the incremental run gives the full pass its figures, list, counts and tiers', async () => {
  const ids: Record<string, string> = {};
  for (const [name, account] of Object.entries(BOOK)) ids[name] = await addFixtureAccount(pool, account);
  const id = (name: string) => ids[name] as string;

  // each day: the writes of that day, then the run, checked against the full pass
  const days: { asOf: string; before?: () => Promise<unknown>; pass: string }[] = [
    { asOf: '2025-04-01', pass: 'FULL' },
    { asOf: '2025-04-02', pass: 'INCREMENTAL' },
    { asOf: '2025-04-12', pass: 'INCREMENTAL', before: () => pay(id('partial'), 'INC-1', 500, '2025-04-11') },
    {
      asOf: '2025-04-15',
      pass: 'INCREMENTAL',
      before: async () => {
        await pool.query(`UPDATE payments SET reversed_at = now() WHERE event_id = $1`, [`${id('stopsInMay')}-pay-3`]);
        // a schedule change: an installment inserted with a due date already behind
        await pool.query(`INSERT INTO installments (account_id, seq, due_date, principal_due) VALUES ($1, 20, '2025-04-13', 700)`, [id('paidAhead')]);
        const imported = await importLoanBook(pool, { format: 'loan-book-json', content: fs.readFileSync(path.join(PROJECT_ROOT, 'examples', 'loan-book.json'), 'utf8') });
        expect(imported.ok).toBe(true);
      },
    },
    { asOf: '2025-05-21', pass: 'INCREMENTAL', before: () => pool.query(`UPDATE accounts SET status = 'CLOSED' WHERE id = $1`, [id('partial')]) },
    { asOf: '2025-06-01', pass: 'INCREMENTAL', before: () => pay(id('stopsInMay'), 'INC-2', 400, '2025-05-30') },
    { asOf: '2025-06-30', pass: 'INCREMENTAL' },
    { asOf: '2025-06-30', pass: 'INCREMENTAL', before: () => pool.query(`DELETE FROM payments WHERE event_id = 'INC-2'`) },
  ];
  const tiersSeen = new Map<string, Set<string>>();
  for (const day of days) {
    await day.before?.();
    const run = await runScreening(pool, { asOf: day.asOf, config });
    const expected = await fullPass(day.asOf);
    expect({ asOf: day.asOf, pass: run.pass }).toEqual({ asOf: day.asOf, pass: day.pass });
    if (run.pass === 'INCREMENTAL') expect(run.accountsRead).toBeLessThan(run.accountsScanned);
    expect(await carried(day.asOf)).toEqual(expected);
    await expectRunToMatchFullPass(run, expected);
    for (const e of expected) tiersSeen.set(e.account_id, (tiersSeen.get(e.account_id) ?? new Set()).add(e.risk_tier));
  }
  // the book did move: an account went HIGH by the date alone, another one's tier changed too
  expect([...(tiersSeen.get(id('neverPaid')) ?? [])]).toEqual(['MEDIUM', 'HIGH']);
  expect(tiersSeen.get(id('stopsInMay'))?.size).toBeGreaterThan(1);

  // a full pass on the last date ranks the list exactly as the incremental run did
  const last = await runScreening(pool, { asOf: '2025-07-03', config });
  const full = await runScreening(pool, { asOf: '2025-07-03', config, pass: 'full' });
  expect([last.pass, full.pass]).toEqual(['INCREMENTAL', 'FULL']);
  const page = { afterRank: 0, limit: 1000 };
  expect(await readCollectionList(pool, last.screeningRunId, page)).toEqual(await readCollectionList(pool, full.screeningRunId, page));
  expect({ ...last, screeningRunId: 0, durationMs: 0, accountsRead: 0, pass: null }).toEqual({ ...full, screeningRunId: 0, durationMs: 0, accountsRead: 0, pass: null });
});

test('a new config version, or rules edited under the same one, force a full pass; then incremental again', async () => {
  await runScreening(pool, { asOf: '2025-08-01', config });
  const stricter: ScreeningConfig = { ...config, version: 'incremental-2', riskTiers: [{ tier: 'HIGH', anyOf: { daysPastDueAtLeast: 1 } }] };
  const changed = await runScreening(pool, { asOf: '2025-08-01', config: stricter });
  expect(changed.pass).toBe('FULL');
  await expectRunToMatchFullPass(changed, await fullPass('2025-08-01', stricter));

  const edited: ScreeningConfig = { ...stricter, riskTiers: [{ tier: 'HIGH', anyOf: { daysPastDueAtLeast: 45 } }] };
  const same = await runScreening(pool, { asOf: '2025-08-02', config: edited });
  expect(same.pass).toBe('FULL');
  const next = await runScreening(pool, { asOf: '2025-08-20', config: edited });
  expect(next.pass).toBe('INCREMENTAL');
  expect(await carried('2025-08-20', edited)).toEqual(await fullPass('2025-08-20', edited));
  await expectRunToMatchFullPass(next, await fullPass('2025-08-20', edited));
});

test('a date before the last run, or payments through a date, is the historical full pass and leaves the results alone', async () => {
  await runScreening(pool, { asOf: '2025-08-31', config });
  const today = await runScreening(pool, { asOf: '2025-09-01', config });
  const { rows: before } = await pool.query('SELECT * FROM screening_account_results ORDER BY account_id');
  const earlier = await runScreening(pool, { asOf: '2025-06-15', config });
  const through = await runScreening(pool, { asOf: '2025-09-01', paymentsThrough: '2025-05-01', config });
  expect([today.pass, earlier.pass, through.pass]).toEqual(['INCREMENTAL', 'HISTORICAL', 'HISTORICAL']);
  expect(earlier.accountsRead).toBe(earlier.accountsScanned);
  expect((await pool.query('SELECT * FROM screening_account_results ORDER BY account_id')).rows).toEqual(before);
  expect((await pool.query('SELECT as_of, screening_run_id FROM screening_results_state')).rows).toEqual([{ as_of: '2025-09-01', screening_run_id: today.screeningRunId }]);
});

test('with a score model the run is the full pass (the features move with the date), and keeps no results', async () => {
  const model: ScoreModel = {
    version: 'incremental-test-model',
    asOf: '2025-01-01',
    outcomeAt: '2025-04-01',
    outcome: 'test',
    basePoints: 560,
    cards: [
      {
        feature: 'days_past_due',
        bins: [
          { missing: false, lower: null, upper: 31, accounts: 1, bads: 0, weightOfEvidence: 0, points: 0 },
          { missing: false, lower: 31, upper: null, accounts: 1, bads: 1, weightOfEvidence: 0, points: -80 },
        ],
      },
    ],
    report: {} as FitReport,
  };
  await writeScoreModel(pool, model);
  const scored: ScreeningConfig = { ...config, score: { model: model.version, tiers: [{ tier: 'HIGH', scoreBelow: 500 }] } };
  const first = await runScreening(pool, { asOf: '2025-09-02', config: scored });
  const second = await runScreening(pool, { asOf: '2025-09-03', config: scored });
  expect([first.pass, second.pass]).toEqual(['FULL', 'FULL']);
  expect(second.scoreModelVersion).toBe(model.version);
  expect((await pool.query('SELECT count(*)::int AS n FROM screening_results_state')).rows).toEqual([{ n: 0 }]);
  // back to the rules: a full pass first, which keeps the results again
  expect((await runScreening(pool, { asOf: '2025-09-03', config })).pass).toBe('FULL');
  expect((await runScreening(pool, { asOf: '2025-09-04', config })).pass).toBe('INCREMENTAL');
});

describe('the change capture', () => {
  const dirty = async (accountId: string) =>
    (await pool.query('SELECT change_no FROM screening_dirty_accounts WHERE account_id = $1', [accountId])).rows[0]?.change_no as number | undefined;
  let accountId: string;

  beforeEach(async () => {
    accountId = await addFixtureAccount(pool, { installments: monthly(1, 3), payments: [{ amount: 1000, valueDate: '2025-01-01' }] });
    await runScreening(pool, { asOf: '2025-09-05', config, pass: 'full' });
    expect(await dirty(accountId)).toBeUndefined();
  });

  test.each([
    ['a payment', (id: string) => pay(id, `${id}-cap`, 100, '2025-09-01')],
    ['a reversal', (id: string) => pool.query(`UPDATE payments SET reversed_at = now() WHERE account_id = $1`, [id])],
    ['a new installment', (id: string) => pool.query(`INSERT INTO installments (account_id, seq, due_date, principal_due) VALUES ($1, 9, '2025-10-01', 100)`, [id])],
    ['a changed installment', (id: string) => pool.query(`UPDATE installments SET fees_due = 7 WHERE account_id = $1 AND seq = 1`, [id])],
    ['the account closed', (id: string) => pool.query(`UPDATE accounts SET status = 'CLOSED' WHERE id = $1`, [id])],
    ['a tier set by hand', (id: string) => pool.query(`UPDATE accounts SET risk_tier = 'LOW' WHERE id = $1`, [id])],
    // what an applied waiver or write-down goes through (migration 076's trigger)
    ['a re-allocation of its payments', (id: string) => pool.query('SELECT refresh_repayment_state(ARRAY[$1]::text[])', [id])],
  ])('%s marks the account', async (_, write) => {
    await write(accountId);
    expect(await dirty(accountId)).toEqual(expect.any(Number));
  });

  test('an update that changes nothing, and the screening writing its own tiers, mark nothing', async () => {
    await pool.query(`UPDATE installments SET fees_due = fees_due WHERE account_id = $1`, [accountId]);
    await pool.query(`UPDATE payments SET amount = amount WHERE account_id = $1`, [accountId]);
    await runScreening(pool, { asOf: '2025-09-05', config: { ...config, version: 'incremental-3', riskTiers: [] } });
    expect((await pool.query('SELECT risk_tier FROM accounts WHERE id = $1', [accountId])).rows).toEqual([{ risk_tier: 'LOW' }]);
    expect(await dirty(accountId)).toBeUndefined();
  });

  test('a change committed while a run is under way stays marked for the next run', async () => {
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await pay(accountId, `${accountId}-racing`, 100, '2025-09-01');
      await writer.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 50, 'CNY', '2025-09-02', 'BANK_TRANSFER', 'API')`, [
        `${accountId}-held`,
        accountId,
      ]);
      // the run claims the first change; the writer holds the row of the second, uncommitted
      const run = await runScreening(pool, { asOf: '2025-09-06', config });
      expect(run.pass).toBe('INCREMENTAL');
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    expect(await dirty(accountId)).toEqual(expect.any(Number));
    const next = await runScreening(pool, { asOf: '2025-09-06', config });
    expect(await carried('2025-09-06')).toEqual(await fullPass('2025-09-06'));
    await expectRunToMatchFullPass(next, await fullPass('2025-09-06'));
    expect(await dirty(accountId)).toBeUndefined();
  });
});

/**
 * Each behaviour feature, computed by hand on a small book: a card six months on book
 * with statements, late and partial payments, a broken promise and a refusal, and a loan
 * without statements. Read as of 2025-07-01 with payments value-dated through 06-30.
 */
import type { Pool } from '../db/pool';
import { addFixtureAccount } from '../screening/book-fixtures';
import { SqlParams } from '../screening/rules-sql';
import { testPool, uniqueId } from '../../test/support';
import { FEATURES, featuresSql } from './features-sql';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

async function featuresOf(accountId: string, asOf: string, paymentsThrough: string | null): Promise<Record<string, unknown>> {
  const params = new SqlParams();
  const at = params.add(asOf, 'date');
  const through = params.add(paymentsThrough, 'date');
  const id = params.add(accountId, 'text');
  const { rows } = await pool.query(
    `SELECT ${FEATURES.map((f) => `f.${f}`).join(', ')} FROM (${featuresSql(`account_figures(${at}, ${through})`, at, through)}) f WHERE f.account_id = ${id}`,
    params.values,
  );
  return rows[0] as Record<string, unknown>;
}

test('a card: days past due and bucket, missed cycles, reported statuses, utilisation, payment ratios, trend, months on book, promises, refusals', async () => {
  // [statement cut, due, minimum, balance, reported cycles past due]
  const statements: [string, string, number, number, number][] = [
    ['2025-01-31', '2025-02-15', 10_000, 200_000, 0],
    ['2025-02-28', '2025-03-15', 15_000, 300_000, 0],
    ['2025-03-31', '2025-04-15', 20_000, 400_000, 1],
    ['2025-04-30', '2025-05-15', 25_000, 500_000, 2],
    ['2025-05-31', '2025-06-15', 30_000, 600_000, 1],
    ['2025-06-30', '2025-07-15', 40_000, 800_000, 1],
    ['2025-07-31', '2025-08-15', 45_000, 900_000, 0], // cut after the date: not known yet
  ];
  const card = await addFixtureAccount(pool, {
    product: 'CREDIT_CARD',
    creditLimit: 1_000_000,
    openedOn: '2025-01-01',
    installments: statements.map(([cut, due, minimum, balance, reported]) => ({ due, principal: minimum, statementDate: cut, statementBalance: balance, reportedCyclesPastDue: reported })),
    payments: [
      { amount: 10_000, valueDate: '2025-02-15' }, // the first minimum, on time
      { amount: 15_000, valueDate: '2025-04-20' }, // the second, 36 days late
      { amount: 30_000, valueDate: '2025-06-15' }, // the third (61 days late) and 10,000 of the fourth
      { amount: 100_000, valueDate: '2025-07-05' }, // after the payments-through date
    ],
  });
  const borrower = (await pool.query('SELECT borrower_id FROM accounts WHERE id = $1', [card])).rows[0].borrower_id as string;
  // broken promises: one settled before the date (counts), one settled after it (not yet broken then)
  for (const [promisedFor, settledAt] of [['2025-06-01', '2025-06-05T10:00:00Z'], ['2025-06-28', '2025-07-03T10:00:00Z']]) {
    await pool.query(
      `INSERT INTO payment_promises (idempotency_key, account_id, workflow_id, amount, currency, promised_for, channel, recorded_at, check_at, status, settled_at)
       VALUES ($1, $2, 'wf', 1000, 'CNY', $3, 'CALL', $4, $4, 'BROKEN', $4)`,
      [uniqueId('promise'), card, promisedFor, settledAt],
    );
  }
  const task = await pool.query(
    `INSERT INTO agent_tasks (idempotency_key, kind, account_id, borrower_id, workflow_id, template_id, template_version, script, status, opened_at, due_by, closed_at)
     VALUES ($1, 'CALL', $2, $3, 'wf', 't', 1, 's', 'DONE', '2025-06-10T08:00:00Z', '2025-06-11T08:00:00Z', '2025-06-10T09:00:00Z') RETURNING id`,
    [uniqueId('task'), card, borrower],
  );
  await pool.query(
    `INSERT INTO call_outcomes (agent_task_id, account_id, workflow_id, agent_id, right_party_reached, reason, recorded_at)
     VALUES ($1, $2, 'wf', 'agent', true, 'REFUSAL', '2025-06-10T09:00:00Z')`,
    [task.rows[0].id, card],
  );

  expect(await featuresOf(card, '2025-07-01', '2025-06-30')).toEqual({
    // 55,000 paid settles the first three minimums (45,000); the fourth, due 05-15, is 47 days past due
    days_past_due: 47,
    bucket: 2, // 31-60
    // due since 04-01: the third (paid late), the fourth and fifth (unpaid)
    missed_cycles_3m: 3,
    // due since 01-01: all but the first
    missed_cycles_6m: 4,
    reported_status: 1, // the June statement, cut 06-30
    previous_reported_status: 1, // May's
    worst_reported_status_6m: 2,
    reported_late_statements_6m: 4, // March to June
    credit_limit: 1_000_000,
    longest_lateness_days: 61, // the third: 04-15 to 06-15
    on_time_ratio: 0.2, // one of five
    utilisation: 0.8, // 800,000 / 1,000,000
    paid_to_balance: 0.05, // June's 30,000 against the May statement's 600,000 (due 06-15)
    paid_to_minimum: 1, // against the 30,000 due in June
    paid_to_balance_3m: 0.03, // 45,000 paid since 04-01 against the 1,500,000 of the statements due since
    balance_trend: 0.4, // 800,000 now, 400,000 three statements before, over the limit
    months_on_book: 6,
    broken_promises_6m: 1,
    refusals_6m: 1,
  });

  // every known payment counting (the live run): the 07-05 payment clears the arrears, as
  // it does for the figures, but the minimums were still missed, and last month's
  // payments are those value-dated before the date
  expect(await featuresOf(card, '2025-07-01', null)).toMatchObject({ days_past_due: 0, missed_cycles_3m: 3, paid_to_minimum: 1 });
  // a month on: the 07-05 payment cleared the arrears; the July statement is now known
  expect(await featuresOf(card, '2025-08-01', '2025-07-31')).toMatchObject({
    days_past_due: 0,
    bucket: 0,
    missed_cycles_3m: 2, // 05-15 and 06-15, both settled late on 07-05
    reported_status: 0,
    utilisation: 0.9,
    paid_to_balance: 0.125, // 100,000 against the June statement's 800,000
    paid_to_minimum: 2.5, // against the 40,000 due in July
  });
});

test('a loan without statements: no reported status, utilisation, balance ratio or trend; payments against what fell due', async () => {
  const loan = await addFixtureAccount(pool, {
    openedOn: '2025-03-10',
    installments: [
      { due: '2025-04-10', principal: 1_000 },
      { due: '2025-05-10', principal: 1_000 },
      { due: '2025-06-10', principal: 1_000 },
    ],
    payments: [
      { amount: 1_000, valueDate: '2025-04-10' },
      { amount: 1_500, valueDate: '2025-06-10' },
    ],
  });
  expect(await featuresOf(loan, '2025-07-01', '2025-06-30')).toEqual({
    // 2,500 paid: the 05-10 installment settled on 06-10 (31 days late), 500 of 06-10's unpaid
    days_past_due: 21,
    bucket: 1,
    missed_cycles_3m: 2, // 05-10 (late) and 06-10 (unpaid)
    missed_cycles_6m: 2,
    reported_status: null,
    previous_reported_status: null,
    worst_reported_status_6m: null,
    reported_late_statements_6m: null,
    credit_limit: null,
    longest_lateness_days: 31,
    on_time_ratio: 1 / 3,
    utilisation: null,
    paid_to_balance: null,
    paid_to_minimum: 1.5,
    paid_to_balance_3m: null,
    balance_trend: null,
    months_on_book: 3, // 03-10 to 07-01: three whole months
    broken_promises_6m: 0,
    refusals_6m: 0,
  });
});

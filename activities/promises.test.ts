/**
 * Promises to pay against the real Postgres: the amount converted exactly, the check time
 * at the start of the bank's business day after the grace period (across zones and a DST
 * change), one row per idempotency key, and the verdict from the payments since the promise.
 */
import { ApplicationFailure } from '@temporalio/common';
import { markPaymentReversed, recordPayment } from '../src/db/payments';
import type { PromiseRecorded, PromiseSettled, PromiseToPay, RecordPromiseInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { isoDateFrom, seedAccount, uniqueId } from '../test/support';
import { promiseCheckAt, type SettlePromiseInput } from './promises';

const bed = activityTestbed();
const NOW = Date.now();

const recordPromise = (input: RecordPromiseInput, businessTimeZone?: string): Promise<PromiseRecorded> =>
  runActivity((businessTimeZone ? bed.activitiesWith({ businessTimeZone }) : bed.activities).recordPromise, input);
const settlePromise = (input: SettlePromiseInput): Promise<PromiseSettled> => runActivity(bed.activities.settlePromise, input);

/** 2 × CNY 2500.00 overdue (40 and 10 days), one more not yet due. */
const overdue = (currency = 'CNY') =>
  seedAccount(bed.pool, {
    currency,
    installments: [
      { dueDate: isoDateFrom(NOW, -40), amount: 250_000 },
      { dueDate: isoDateFrom(NOW, -10), amount: 250_000 },
      { dueDate: isoDateFrom(NOW, 20), amount: 250_000 },
    ],
  });

const promiseInput = (accountId: string, promise: Partial<PromiseToPay> = {}, graceDays = 3): RecordPromiseInput => ({
  idempotencyKey: uniqueId('promise'),
  accountId,
  workflowId: accountWorkflowId(accountId),
  promise: { amount: '1500.00', currency: 'CNY', promisedFor: isoDateFrom(NOW, 5), channel: 'CALL', ...promise },
  graceDays,
  at: NOW,
});

async function pay(accountId: string, amount: number): Promise<string> {
  const eventId = uniqueId('pay');
  await recordPayment(bed.pool, { eventId, accountId, amount, currency: 'CNY', valueDate: isoDateFrom(NOW, 0), method: 'BANK_TRANSFER' }, 'API');
  return eventId;
}

describe('promiseCheckAt: 00:00 of the business day after the promised date plus grace, in the bank zone', () => {
  test.each([
    ['UTC', '2026-12-01', 3, '2026-12-05T00:00:00.000Z'],
    // Shanghai is UTC+8 all year: its midnight is 16:00 UTC the day before
    ['Asia/Shanghai', '2026-12-01', 3, '2026-12-04T16:00:00.000Z'],
    ['Asia/Shanghai', '2026-12-31', 0, '2026-12-31T16:00:00.000Z'],
    // New York leaves summer time at 02:00 on 2026-11-01: midnight that day is still EDT (UTC-4), the next EST (UTC-5)
    ['America/New_York', '2026-10-30', 1, '2026-11-01T04:00:00.000Z'],
    ['America/New_York', '2026-10-31', 1, '2026-11-02T05:00:00.000Z'],
  ])('%s, promised for %s with %i days of grace → %s', (zone, promisedFor, graceDays, expected) => {
    expect(promiseCheckAt(promisedFor, graceDays, zone).toISOString()).toBe(expected);
  });
});

describe('recordPromise', () => {
  test('CNY 1200.50 is 120050 fen; the check is at Shanghai midnight after the grace days; the row holds the workflow time', async () => {
    const accountId = await overdue();
    const input = promiseInput(accountId, { amount: '1200.50', promisedFor: '2026-12-01', recordedBy: 'agent-01' }, 3);

    const result = await recordPromise(input, 'Asia/Shanghai');

    expect(result).toEqual({ promiseId: expect.any(Number), amount: 120_050, checkAt: '2026-12-04T16:00:00.000Z' });
    const { rows } = await bed.pool.query('SELECT * FROM payment_promises WHERE id = $1', [result.promiseId]);
    expect(rows[0]).toMatchObject({
      idempotency_key: input.idempotencyKey,
      account_id: accountId,
      workflow_id: accountWorkflowId(accountId),
      amount: 120_050,
      currency: 'CNY',
      promised_for: '2026-12-01',
      channel: 'CALL',
      recorded_by: 'agent-01',
      recorded_at: new Date(NOW),
      check_at: new Date('2026-12-04T16:00:00Z'),
      status: 'PENDING',
      amount_paid: null,
      settled_at: null,
    });
  });

  test('JPY has no minor unit: "98000" is 98000', async () => {
    const accountId = await overdue('JPY');
    const result = await recordPromise(promiseInput(accountId, { amount: '98000', currency: 'JPY' }));
    expect(result.amount).toBe(98_000);
  });

  test('the same key again returns the first promise; one row', async () => {
    const accountId = await overdue();
    const input = promiseInput(accountId);
    const first = await recordPromise(input);
    const again = await recordPromise({ ...input, promise: { ...input.promise, amount: '9.99' }, at: NOW + 60_000 });

    expect(again).toEqual(first);
    const { rows } = await bed.pool.query('SELECT amount FROM payment_promises WHERE idempotency_key = $1', [input.idempotencyKey]);
    expect(rows).toEqual([{ amount: 150_000 }]);
  });

  test.each([
    [{ currency: 'USD' }, 'the account is held in CNY, the promise is in USD'],
    [{ amount: '12.345' }, 'amount: finer than the minor unit: CNY has 2 decimal places'],
    [{ amount: '0.00' }, 'amount: a promise to pay more than nothing'],
  ])('%j is refused for good, nothing stored', async (change, message) => {
    const accountId = await overdue();
    const failure = await recordPromise(promiseInput(accountId, change)).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.PromiseNotAccepted, nonRetryable: true, message });
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM payment_promises WHERE account_id = $1', [accountId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('settlePromise', () => {
  test('BROKEN: payments since the promise, not reversed, fall short (100000 + 40000 of 150000)', async () => {
    const accountId = await overdue();
    await pay(accountId, 50_000); // before the promise: does not count toward it
    const { promiseId } = await recordPromise(promiseInput(accountId));
    await pay(accountId, 100_000);
    await markPaymentReversed(bed.pool, await pay(accountId, 80_000), 'returned direct debit');
    await pay(accountId, 40_000);

    const result = await settlePromise({ promiseId, accountId, at: NOW + 60_000 });

    expect(result).toEqual({ promiseId, status: 'BROKEN', amountPaid: 140_000 });
    const { rows } = await bed.pool.query('SELECT status, amount_paid, settled_at FROM payment_promises WHERE id = $1', [promiseId]);
    expect(rows[0]).toEqual({ status: 'BROKEN', amount_paid: 140_000, settled_at: new Date(NOW + 60_000) });
  });

  test('KEPT: exactly the promised amount (100000 + 50000 of 150000)', async () => {
    const accountId = await overdue();
    const { promiseId } = await recordPromise(promiseInput(accountId));
    await pay(accountId, 100_000);
    await pay(accountId, 50_000);

    expect(await settlePromise({ promiseId, accountId, at: NOW })).toEqual({ promiseId, status: 'KEPT', amountPaid: 150_000 });
  });

  test('KEPT: less than promised, but nothing is overdue any more (500000 paid of 600000 promised)', async () => {
    const accountId = await overdue();
    const { promiseId } = await recordPromise(promiseInput(accountId, { amount: '6000.00' }));
    await pay(accountId, 500_000);

    expect(await settlePromise({ promiseId, accountId, at: NOW })).toEqual({ promiseId, status: 'KEPT', amountPaid: 500_000 });
  });

  test('judged once: a second call returns the stored verdict, whatever was paid since', async () => {
    const accountId = await overdue();
    const { promiseId } = await recordPromise(promiseInput(accountId));
    const first = await settlePromise({ promiseId, accountId, at: NOW });
    await pay(accountId, 150_000);

    const second = await settlePromise({ promiseId, accountId, at: NOW + 86_400_000 });

    expect(first).toEqual({ promiseId, status: 'BROKEN', amountPaid: 0 });
    expect(second).toEqual(first);
    const { rows } = await bed.pool.query('SELECT status, amount_paid, settled_at FROM payment_promises WHERE id = $1', [promiseId]);
    expect(rows[0]).toEqual({ status: 'BROKEN', amount_paid: 0, settled_at: new Date(NOW) });
  });

  test("another account's promise is refused for good and stays PENDING", async () => {
    const accountId = await overdue();
    const other = await overdue();
    const { promiseId } = await recordPromise(promiseInput(other));

    const failure = await settlePromise({ promiseId, accountId, at: NOW }).catch((err: unknown) => err);

    expect(failure).toMatchObject({ type: FailureType.UnknownPromise, nonRetryable: true, message: `promise ${promiseId} is not a promise of account ${accountId}` });
    const { rows } = await bed.pool.query('SELECT status FROM payment_promises WHERE id = $1', [promiseId]);
    expect(rows[0].status).toBe('PENDING');
  });
});

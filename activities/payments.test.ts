/**
 * applyPaymentEvent against the real Postgres: a payment is recorded once per event id,
 * and, asked with the run's move to CURED, records that move in the same step only when
 * the payment clears the overdue amount (patch cure-in-one-step), once per key.
 */
import type { StageTransition } from '../src/db/audit';
import type { PaymentEvent } from '../src/domain/payment-event';
import { accountWorkflowId } from '../src/domain/ids';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { seedAccount, uniqueId } from '../test/support';

const bed = activityTestbed();

const AT = Date.parse('2026-06-10T02:00:00Z');
const payment = (accountId: string, amount: number, currency = 'CNY'): PaymentEvent => ({
  eventId: uniqueId('PAY'),
  accountId,
  amount,
  currency,
  valueDate: '2026-06-09',
  method: 'BANK_TRANSFER',
});
const cureOf = (accountId: string, eventId: string): StageTransition => ({
  idempotencyKey: `${accountWorkflowId(accountId)}/run-1/stage-cure/${eventId}`,
  accountId,
  workflowId: accountWorkflowId(accountId),
  runId: 'run-1',
  fromStage: 'REMINDING',
  toStage: 'CURED',
  reason: 'payment cleared the overdue amount',
  occurredAt: new Date(AT).toISOString(),
});
const apply = (event: PaymentEvent, cureTransition?: StageTransition) =>
  runActivity(bed.activities.applyPaymentEvent, { event, at: AT, ...(cureTransition ? { cureTransition } : {}) });
const transitionsOf = async (accountId: string) =>
  (await bed.pool.query('SELECT from_stage, to_stage, run_id FROM stage_transitions WHERE account_id = $1 ORDER BY id', [accountId])).rows;

test('a payment that clears the overdue amount records the move to CURED in the same step, once', async () => {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }] });
  const full = payment(accountId, 10_000);

  const first = await apply(full, cureOf(accountId, full.eventId));
  const again = await apply(full, cureOf(accountId, full.eventId)); // a retry of the step

  expect(first).toMatchObject({ outcome: 'RECORDED', cureRecorded: true, figures: { amountOverdue: 0 } });
  expect(again).toMatchObject({ outcome: 'ALREADY_RECORDED', cureRecorded: true, figures: { amountOverdue: 0 } });
  expect(await transitionsOf(accountId)).toEqual([{ from_stage: 'REMINDING', to_stage: 'CURED', run_id: 'run-1' }]);
});

test('a partial payment records no move; a payment in the wrong currency neither counts nor cures', async () => {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }] });
  const part = payment(accountId, 4_000);
  const wrongCurrency = payment(accountId, 10_000, 'USD');

  expect(await apply(part, cureOf(accountId, part.eventId))).toMatchObject({ outcome: 'RECORDED', cureRecorded: false, figures: { amountOverdue: 6_000 } });
  expect(await apply(wrongCurrency, cureOf(accountId, wrongCurrency.eventId))).toMatchObject({ outcome: 'CURRENCY_MISMATCH', cureRecorded: false });
  expect(await transitionsOf(accountId)).toEqual([]);
});

test('asked without the move (runs from before the patch), the step records the payment only', async () => {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }] });

  const applied = await apply(payment(accountId, 10_000));

  expect(applied).toMatchObject({ outcome: 'RECORDED', figures: { amountOverdue: 0 } });
  expect(applied).not.toHaveProperty('cureRecorded');
  expect(await transitionsOf(accountId)).toEqual([]);
});

/**
 * `arrears offer` and `arrears plan`: the printed offer (each option's schedule line by line)
 * and plan, and the commands run as staff run them against the test Postgres.
 */
import { createNegotiationActivities } from '../../activities/negotiation';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { runActivity } from '../../test/activity-testbed';
import { arrearsCli } from '../../test/arrears-cli';
import { setRiskTier } from '../../test/early-collection-seeds';
import { isoDateFrom, newCodecKeys, seedAccount, testPool, uniqueId } from '../../test/support';
import type { Pool } from '../db/pool';
import { accountWorkflowId } from '../domain/ids';
import type { Offer } from '../domain/negotiation';
import { printOffer, printPlan } from './negotiation-print';

const arrears = arrearsCli(newCodecKeys());
let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

const NOW = Date.now();

const offer: Offer = {
  offerId: 7,
  accountId: 'ACC-1',
  status: 'OFFERED',
  round: 1,
  currency: 'CNY',
  asOf: '2026-12-01',
  validUntil: '2026-12-15',
  configVersion: '2026.1',
  surplus: null,
  instalmentBudget: null,
  options: [
    {
      kind: 'INSTALMENT_PLAN',
      owed: 100_000,
      total: 95_000,
      waivers: [{ subject: 'PENALTY_FEES', owed: 10_000, proposed: 10_000, withinLimit: 5_000, needsApproval: 5_000, granted: 5_000 }],
      writeDown: { principal: 0, contractInterest: 0, lateInterest: 0, penaltyFees: 0 },
      schedule: [
        { instalmentNo: 1, dueDate: '2026-12-15', amount: 47_500, interest: 0 },
        { instalmentNo: 2, dueDate: '2027-01-15', amount: 47_500, interest: 0 },
      ],
      affordable: null,
    },
  ],
  unavailable: [{ kind: 'SETTLEMENT', reason: 'NO_DISCOUNT_IN_BUCKET' }],
  pendingWaivers: [{ waiverId: 3, kind: 'INSTALMENT_PLAN', subject: 'PENALTY_FEES', needsApproval: 5_000 }],
  approvalDeadline: '2026-12-03T00:00:00.000Z',
};

test('printOffer: each option with its waivers and schedule, what is unavailable, what waits', () => {
  const lines: string[] = [];
  printOffer(offer, (l) => lines.push(l));
  expect(lines).toEqual([
    'Offer 7 to ACC-1 (round 1, OFFERED), made 2026-12-01, open until 2026-12-15; policy 2026.1',
    '',
    '1. INSTALMENT_PLAN: CNY 950.00 in 2 (owed CNY 1000.00)',
    '   waiver PENALTY_FEES: CNY 50.00 granted of CNY 100.00 proposed (CNY 50.00 within the limit, CNY 50.00 needing approval)',
    '   #  due         amount      interest',
    '   1  2026-12-15  CNY 475.00  CNY 0.00',
    '   2  2027-01-15  CNY 475.00  CNY 0.00',
    '(no SETTLEMENT: NO_DISCOUNT_IN_BUCKET)',
    'Waiting for a supervisor: waiver 3 (INSTALMENT_PLAN PENALTY_FEES, CNY 50.00) until 2026-12-03T00:00:00.000Z',
  ]);
});

test('printPlan: the instalments with what is paid, and the next one due', () => {
  const lines: string[] = [];
  printPlan(
    {
      planId: 4,
      accountId: 'ACC-1',
      offerId: 7,
      kind: 'INSTALMENT_PLAN',
      currency: 'CNY',
      status: 'ACTIVE',
      total: 95_000,
      paid: 50_000,
      bucketAtStart: '31-60',
      instalments: [
        { instalmentNo: 1, dueDate: '2026-12-15', amount: 47_500, interest: 0, paid: 47_500 },
        { instalmentNo: 2, dueDate: '2027-01-15', amount: 47_500, interest: 0, paid: 2_500 },
      ],
      nextDue: { instalmentNo: 2, dueDate: '2027-01-15', amount: 47_500, interest: 0, paid: 2_500 },
    },
    (l) => lines.push(l),
  );
  expect(lines).toEqual([
    'Plan 4 of ACC-1 (INSTALMENT_PLAN, ACTIVE, from offer 7): CNY 500.00 paid of CNY 950.00',
    '#  due         amount      paid',
    '1  2026-12-15  CNY 475.00  CNY 475.00',
    '2  2027-01-15  CNY 475.00  CNY 25.00',
    'Next: instalment 2, CNY 450.00 due on 2027-01-15',
  ]);
});

test('arrears offer <accountId> prints the newest offer; arrears plan says when there is none', async () => {
  const accountId = await seedAccount(pool, { installments: [-70, -40, 20].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 100_000 })) });
  await setRiskTier(pool, accountId, 'LOW');
  const activities = createNegotiationActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
  const made = await runActivity(activities.makeOffer, { idempotencyKey: uniqueId('offer'), accountId, workflowId: accountWorkflowId(accountId), at: NOW });

  const shown = await arrears('offer', accountId);
  expect(shown).toMatchObject({ code: 0, stderr: '' });
  expect(shown.stdout).toContain(`Offer ${made.offerId} to ${accountId} (round 1, OFFERED)`);
  expect(shown.stdout).toContain('3. SETTLEMENT: CNY 2700.00 in 1 (owed CNY 3000.00)');
  expect(await arrears('plan', accountId)).toMatchObject({ code: 1, stdout: `${accountId} has no plan in force.\n` });
});

/**
 * `arrears offer` and `arrears plan`: the printed offer (each option's schedule line by line)
 * and plan, and the commands run as staff run them against the test Postgres. `arrears
 * waiver` and `arrears respond` against a real run on the Temporal dev server (a worker of
 * the file's own): refused by role, refused by the workflow's validator, then taken.
 */
import { createNegotiationActivities } from '../../activities/negotiation';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { runActivity } from '../../test/activity-testbed';
import { arrearsCli } from '../../test/arrears-cli';
import { setRiskTier } from '../../test/early-collection-seeds';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { daytimeZoneAt, eventually, isoDateFrom, newCodecKeys, seedAccount, testPool, uniqueId } from '../../test/support';
import { workerTestbed } from '../../test/worker-testbed';
import { ACCOUNT_COLLECTION_WORKFLOW, overrideStageUpdate, summaryQuery } from '../../workflows/account/contract';
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

describe('arrears waiver and arrears respond on a running account', () => {
  const bed = workerTestbed('cli-negotiation');
  const staff = arrearsCli(bed.codecKeys);

  /** A MEDIUM-tier account a supervisor moved to NEGOTIATION: its offer waits for a supervisor (half the fees beyond the limit). */
  async function negotiating(supervisor: string) {
    const now = Date.now();
    const accountId = await seedAccount(bed.pool, { timeZone: daytimeZoneAt(now), installments: [-70, -40, -10, 20].map((d) => ({ dueDate: isoDateFrom(now, d), amount: 100_000 })) });
    await setRiskTier(bed.pool, accountId, 'MEDIUM');
    const handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
    await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
    await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'NEGOTIATION', supervisorId: supervisor, reason: 'the borrower asked for a plan' }] });
    const { offer } = await eventually(() => handle.query(summaryQuery), (s) => s.offer?.status === 'AWAITING_APPROVAL');
    return { accountId, handle, offer: offer! };
  }

  test('a waiver decided by a supervisor and an option accepted for the borrower; refused by role and by the validator, nothing changed', async () => {
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    const collector = await addFieldStaff(bed.pool, 'COLLECTOR');
    const security = await addFieldStaff(bed.pool, 'SECURITY');
    const { accountId, handle, offer } = await negotiating(supervisor);
    const [first, ...others] = offer.pendingWaivers;
    expect(first).toBeDefined();
    const workflowId = accountWorkflowId(accountId);

    // A collector may take the borrower's answer but not decide a waiver.
    await staff('login', '--staff', collector);
    const notASupervisor = await staff('waiver', String(first!.waiverId), '--approve', '--reason', 'hardship stated on the call');
    expect(notASupervisor).toMatchObject({ code: 1, stdout: '' });
    expect(notASupervisor.stderr).toBe('arrears: your roles (FIELD_COLLECTOR) may not do this: it takes SUPERVISOR\n');
    // The workflow's validator: the offer is not out yet.
    const tooEarly = await staff('respond', accountId, '--offer', String(offer.offerId), '--accept', 'INSTALMENT_PLAN', '--borrower');
    expect(tooEarly).toEqual({ code: 1, stdout: '', stderr: `arrears: refused: offer ${offer.offerId} is waiting for a supervisor's decision on its waivers: not yet sent\n` });
    const unchanged = await handle.query(summaryQuery);
    expect(unchanged.offer).toMatchObject({ offerId: offer.offerId, status: 'AWAITING_APPROVAL', pendingWaivers: offer.pendingWaivers });

    await staff('login', '--staff', supervisor);
    const approved = await staff('waiver', String(first!.waiverId), '--approve', '--reason', 'hardship stated on the call');
    expect(approved).toEqual({ code: 0, stderr: '', stdout: `Waiver ${first!.waiverId}: approved. Offer ${offer.offerId} is ${others.length ? 'AWAITING_APPROVAL' : 'OFFERED'}.\n` });
    for (const w of others) expect((await staff('waiver', String(w.waiverId), '--refuse', '--reason', 'within the limit is enough')).code).toBe(0);
    await eventually(() => handle.query(summaryQuery), (s) => s.offer?.status === 'OFFERED');
    const decided = await bed.pool.query('SELECT id, status, decided_by FROM offer_waivers WHERE offer_id = $1 ORDER BY id', [offer.offerId]);
    expect(decided.rows).toEqual(offer.pendingWaivers.map((w, n) => ({ id: w.waiverId, status: n === 0 ? 'APPROVED' : 'REFUSED', decided_by: supervisor })));

    // Security staff do not answer for the borrower.
    await staff('login', '--staff', security);
    const notAllowed = await staff('respond', accountId, '--offer', String(offer.offerId), '--accept', 'INSTALMENT_PLAN', '--borrower');
    expect(notAllowed).toMatchObject({ code: 1, stdout: '' });
    expect(notAllowed.stderr).toBe('arrears: your roles (SECURITY) may not do this: it takes AGENT, SUPERVISOR, FIELD_COLLECTOR, SERVICE\n');
    expect((await handle.query(summaryQuery)).stage).toBe('NEGOTIATION');

    await staff('login', '--staff', collector);
    const accepted = await staff('respond', accountId, '--offer', String(offer.offerId), '--accept', 'INSTALMENT_PLAN', '--borrower');
    const plan = await bed.pool.query('SELECT id, kind, status FROM payment_plans WHERE offer_id = $1', [offer.offerId]);
    expect(plan.rows).toEqual([{ id: expect.any(Number), kind: 'INSTALMENT_PLAN', status: 'ACTIVE' }]);
    expect(accepted).toEqual({ code: 0, stderr: '', stdout: `${workflowId}: offer ${offer.offerId} plan started (plan ${plan.rows[0].id}).\n` });
    await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'PLAN_ACTIVE');
    const answered = await bed.pool.query('SELECT status, answer, responded_by, responded_via FROM negotiation_offers WHERE id = $1', [offer.offerId]);
    expect(answered.rows).toEqual([{ status: 'ACCEPTED', answer: 'ACCEPT', responded_by: 'BORROWER', responded_via: 'CLI' }]);
    await handle.terminate('test over');
  });
});

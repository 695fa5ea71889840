/**
 * The demo's accounts reaching APPOINTMENT and VISIT: after the screening starts their
 * workflows, supervisor-01's overrides move a few on, on the Temporal dev server with a
 * worker running the real activities. A second start moves no more.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { addStaff } from '../db/staff';
import { accountWorkflowId } from '../domain/ids';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, testPool, testTemporalAddress, type TestWorker, uniqueId } from '../../test/support';
import { ACCOUNT_COLLECTION_WORKFLOW, summaryQuery } from '../../workflows/account/contract';
import type { Pool } from '../db/pool';
import { DEMO_OVERRIDE_REASON, DEMO_SUPERVISOR, fieldDemoCandidates, moveDemoAccountsToTheField } from './field-stages';

const taskQueue = uniqueId('demo-field');
let pool: Pool;
let worker: TestWorker;
const handles: WorkflowHandle[] = [];

beforeAll(async () => {
  pool = testPool();
  worker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: newCodecKeys(), pool });
  await addStaff(pool, [{ id: DEMO_SUPERVISOR, displayName: 'Supervisor 1', role: 'SUPERVISOR' }]);
  // field staff free at any hour, so the proposal and the visit find someone
  await addFieldStaff(pool, 'COLLECTOR');
  await addFieldStaff(pool, 'SECURITY');
});
afterAll(async () => {
  await Promise.all(handles.map((h) => h.terminate('test over').catch(() => undefined)));
  await worker?.stop();
  await pool?.end();
});

async function overdueRun(): Promise<string> {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 250_000 }] });
  handles.push(await worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] }));
  return accountId;
}

test('a few accounts go to APPOINTMENT, a few to VISIT, with a proposal and a visit to try; a second start moves no more', async () => {
  const [first, second, third, fourth] = [await overdueRun(), await overdueRun(), await overdueRun(), await overdueRun()];
  const deps = { pool, temporal: worker.client };

  const demo = await moveDemoAccountsToTheField(deps, [first!, second!, third!, 'NO-SUCH-ACCOUNT', fourth!], { perStage: 2 });

  expect(demo).toEqual({
    appointment: [first, second],
    visit: [third, fourth],
    proposal: { appointmentId: expect.any(Number), accountId: first, slotIds: ['s1', 's2', 's3'] },
    visitBooked: { appointmentId: expect.any(Number), accountId: third, collectorId: expect.any(String), startsAt: expect.any(String) },
  });
  const { rows } = await pool.query(`SELECT account_id, to_stage, reason FROM stage_transitions WHERE account_id = ANY($1::text[]) AND reason LIKE 'override%' ORDER BY account_id`, [
    [first, second, third, fourth],
  ]);
  const reason = `override by ${DEMO_SUPERVISOR}: ${DEMO_OVERRIDE_REASON}`;
  expect(rows).toEqual(
    [
      { account_id: first, to_stage: 'APPOINTMENT', reason },
      { account_id: second, to_stage: 'APPOINTMENT', reason },
      { account_id: third, to_stage: 'VISIT', reason },
      { account_id: fourth, to_stage: 'VISIT', reason },
    ].sort((a, b) => a.account_id!.localeCompare(b.account_id!)),
  );

  const again = await moveDemoAccountsToTheField(deps, [first!, second!, third!, fourth!], { perStage: 2 });

  expect({ appointment: again.appointment, visit: again.visit }).toEqual({ appointment: [first, second], visit: [third, fourth] });
  const after = await pool.query(`SELECT count(*)::int AS n FROM stage_transitions WHERE account_id = ANY($1::text[]) AND reason LIKE 'override%'`, [[first, second, third, fourth]]);
  expect(after.rows[0].n).toBe(4);
  const stages = await Promise.all(handles.map((h) => eventually(() => h.query(summaryQuery), (s) => s.stage !== 'REMINDING').then((s) => s.stage)));
  expect(stages).toEqual(['APPOINTMENT', 'APPOINTMENT', 'VISIT', 'VISIT']);
});

test('the candidates: demo accounts of borrowers in Shanghai, in the order of the overdue list', () => {
  const overdue = ['DEMO-A00020', 'DEMO-A00007', 'DEMO-A00010', 'ACC-1', 'DEMO-A00003'].map((accountId) => ({ accountId }));
  // 10: Los Angeles, 20: London (portfolio.ts demoTimeZone)
  expect(fieldDemoCandidates(overdue)).toEqual(['DEMO-A00007', 'DEMO-A00003']);
});

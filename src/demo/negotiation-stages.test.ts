/**
 * The demo's accounts reaching NEGOTIATION: supervisor-01's override moves accounts still in
 * REMINDING straight to negotiation, on the Temporal dev server with a worker running the
 * real activities; each workflow makes its offer from the book. A second start moves no more.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { addStaff } from '../db/staff';
import { accountWorkflowId } from '../domain/ids';
import { eventually, isoDateFrom, seedAccount } from '../../test/support';
import { workerTestbed } from '../../test/worker-testbed';
import { ACCOUNT_COLLECTION_WORKFLOW, summaryQuery } from '../../workflows/account/contract';
import { DEMO_SUPERVISOR } from './field-stages';
import { DEMO_NEGOTIATION_REASON, moveDemoAccountsToNegotiation, negotiationDemoCandidates } from './negotiation-stages';

const bed = workerTestbed('demo-negotiation');
const handles: WorkflowHandle[] = [];

beforeAll(() => addStaff(bed.pool, [{ id: DEMO_SUPERVISOR, displayName: 'Supervisor 1', role: 'SUPERVISOR' }]));
afterAll(() => Promise.all(handles.map((h) => h.terminate('test over').catch(() => undefined))));

/** Two installments overdue 40 and 10 days, one to come: an account with all three options. */
async function overdueRun(): Promise<string> {
  const now = Date.now();
  const accountId = await seedAccount(bed.pool, {
    installments: [-40, -10, 20].map((days) => ({ dueDate: isoDateFrom(now, days), amount: 120_000 })),
  });
  handles.push(await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] }));
  return accountId;
}

test('two accounts go to NEGOTIATION by the override, each with an offer; a second start moves no more', async () => {
  const [first, second, third] = [await overdueRun(), await overdueRun(), await overdueRun()];
  const deps = { pool: bed.pool, temporal: bed.worker.client };

  const demo = await moveDemoAccountsToNegotiation(deps, ['NO-SUCH-ACCOUNT', first!, second!, third!], { count: 2 });

  expect(demo.negotiation).toEqual([first, second]);
  expect(demo.offer).toMatchObject({ accountId: first, round: 1, surplus: null });
  expect(demo.offer!.options.map((o) => o.kind)).toEqual(['INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT']);
  const offers = await Promise.all(
    [first!, second!].map((id) => eventually(() => bed.worker.client.workflow.getHandle(accountWorkflowId(id)).query(summaryQuery), (s) => s.stage === 'NEGOTIATION' && !!s.offer)),
  );
  for (const s of offers) {
    for (const option of s.offer!.options) expect(option.schedule.reduce((sum, line) => sum + line.amount, 0)).toBe(option.total);
  }
  const reason = `override by ${DEMO_SUPERVISOR}: ${DEMO_NEGOTIATION_REASON}`;
  const moved = await bed.pool.query(`SELECT account_id, to_stage, reason FROM stage_transitions WHERE account_id = ANY($1::text[]) AND reason LIKE 'override%' ORDER BY account_id`, [[first, second, third]]);
  expect(moved.rows).toEqual([first!, second!].sort().map((account_id) => ({ account_id, to_stage: 'NEGOTIATION', reason })));

  const again = await moveDemoAccountsToNegotiation(deps, [first!, second!, third!], { count: 2 });

  expect(again.negotiation).toEqual([first, second]);
  const after = await bed.pool.query(`SELECT count(*)::int AS n FROM stage_transitions WHERE account_id = ANY($1::text[]) AND reason LIKE 'override%'`, [[first, second, third]]);
  expect(after.rows[0].n).toBe(2);
  expect((await handles[2]!.query(summaryQuery)).stage).toBe('REMINDING');
});

test('the candidates: loans still running and over 30 days past due first (all three options), then the rest; none already in the field', () => {
  const overdue = [
    { accountId: 'A', daysPastDue: 200 }, // matured: nothing to extend
    { accountId: 'B', daysPastDue: 120 },
    { accountId: 'C', daysPastDue: 90 }, // in the field
    { accountId: 'D', daysPastDue: 20 }, // no settlement discount yet
    { accountId: 'E', daysPastDue: 45 },
  ];
  expect(negotiationDemoCandidates(overdue, new Set(['B', 'C', 'D', 'E']), new Set(['C']))).toEqual(['B', 'E', 'A', 'D']);
});

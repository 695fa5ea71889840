/**
 * The LEGAL stage's write side through the API with real tokens, on a real run in LEGAL (the
 * dev server; cease-contact during the reminders hands each account on): the legal team's
 * outcome, a supervisor's write-off decision and recall, each as the workflow's update. A bad
 * body is a 400 naming the field, an unknown id a 404, the wrong role a 403, someone else's
 * name a 403, the validator's refusal a 409; nothing is written on a refusal.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { accountWorkflowId } from '../domain/ids';
import { apiTestbed } from '../../test/api-testbed';
import { setRiskTier } from '../../test/early-collection-seeds';
import { eventually, isoDateFrom, seedAccount, uniqueId } from '../../test/support';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { testRoleSubject } from '../../test/test-identities';
import { ACCOUNT_COLLECTION_WORKFLOW, ceaseContactSignal, legalQuery, summaryQuery, type LegalSummary } from '../../workflows/account/contract';

/** A supervisor on the staff list (the activities check it) of this file's own: the shared test account stays off the list. */
let supervisor: string;
const bed = apiTestbed('legal-updates', async (pool) => {
  supervisor = await addFieldStaff(pool, 'SUPERVISOR');
});
const handles: WorkflowHandle[] = [];
afterAll(async () => {
  for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
});

async function account(days: number[], amount: number, tier: string, { usCard = false, collateral = false } = {}): Promise<string> {
  const accountId = await seedAccount(bed.pool, { installments: days.map((d) => ({ dueDate: isoDateFrom(Date.now(), d), amount })), ...(usCard ? { currency: 'USD', jurisdiction: 'US' as const } : {}) });
  await setRiskTier(bed.pool, accountId, tier);
  await bed.pool.query(`UPDATE accounts SET collateral = $2, product = $3 WHERE id = $1`, [accountId, collateral, usCard ? 'CREDIT_CARD' : 'LOAN']);
  return accountId;
}

/** A run handed on to LEGAL, once the stage settled in `status`. */
async function inLegal(accountId: string, status: LegalSummary['status']): Promise<{ handle: WorkflowHandle; legal: LegalSummary }> {
  const handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment: 'standard' } }] });
  handles.push(handle);
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  await handle.signal(ceaseContactSignal, { requestId: uniqueId('cease'), scope: 'ACCOUNT' });
  const legal = await eventually(() => handle.query(legalQuery), (l) => l?.status === status);
  return { handle, legal: legal! };
}

test('POST /legal/cases/:id/outcomes: the legal team reports FILED; a bad body 400, out of order 409, no such case 404, another role or name 403', async () => {
  const accountId = await account([-75, -45, -15, 15, 45, 75, 105, 135, 165], 1_000_000, 'LOW', { collateral: true });
  const { legal } = await inLegal(accountId, 'REFERRED');
  const caseId = legal.legalCase!.caseId;
  const filed = { outcome: 'FILED', occurredOn: isoDateFrom(Date.now(), -1), courtReference: 'C-2026-1' };
  const post = (body: unknown, as: Parameters<typeof bed.call>[3] = { role: 'LEGAL' }, id = caseId) => bed.call('POST', `/legal/cases/${id}/outcomes`, body, as);
  const outcomes = async () => (await bed.pool.query('SELECT count(*)::int AS n FROM legal_outcomes WHERE case_id = $1', [caseId])).rows[0].n;

  const bad = await post({ outcome: 'FILED', occurredOn: 'yesterday' });
  expect(bad.status).toBe(400);
  expect(bad.json.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^occurredOn:/), expect.stringMatching(/^courtReference:/)]));
  expect(await post({ outcome: 'JUDGMENT', occurredOn: filed.occurredOn, amount: 100, currency: 'CNY' })).toMatchObject({ status: 409, json: { error: expect.stringMatching(/after the case is filed/) } });
  expect((await post(filed, { role: 'LEGAL' }, caseId + 100_000)).status).toBe(404);
  expect((await post(filed, { role: 'SUPERVISOR' })).status).toBe(403);
  expect((await post({ ...filed, reportedBy: 'someone-else' })).status).toBe(403);
  expect(await outcomes()).toBe(0);

  const answer = await post(filed);
  expect(answer).toMatchObject({ status: 200, json: { caseId, status: 'FILED', outcomes: [expect.objectContaining({ outcome: 'FILED', reportedBy: testRoleSubject('LEGAL') })] } });
  expect((await post(filed)).status).toBe(200); // the same report again: the first answer
  expect(await outcomes()).toBe(1);
});

test('POST /write-offs/:id/decision: a supervisor approves → WRITTEN_OFF; a bad body 400, no such write-off 404, the legal team 403', async () => {
  const accountId = await account([-185, -155, -125, -95], 25_000, 'HIGH', { usCard: true });
  const { handle, legal } = await inLegal(accountId, 'WRITE_OFF_RECOMMENDED');
  const id = legal.writeOff!.recommendationId;
  const approve = { decision: 'APPROVE', reason: 'past the FFIEC charge-off' };
  const post = (body: unknown, as: Parameters<typeof bed.call>[3] = { subject: supervisor }, to = id) => bed.call('POST', `/write-offs/${to}/decision`, body, as);

  expect(await post({ decision: 'MAYBE', reason: 'no' })).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^decision:/), expect.stringMatching(/^reason:/)] } });
  expect((await post(approve, { subject: supervisor }, id + 100_000)).status).toBe(404);
  expect((await post(approve, { role: 'LEGAL' })).status).toBe(403);
  expect((await bed.pool.query('SELECT status FROM write_offs WHERE id = $1', [id])).rows).toEqual([{ status: 'RECOMMENDED' }]);

  expect(await post(approve)).toMatchObject({ status: 200, json: { recommendationId: id, status: 'APPROVED', decidedBy: supervisor } });
  expect((await handle.result()).outcome).toBe('WRITTEN_OFF');
});

test('POST /placements/:id/recall: a supervisor recalls the placement; a bad body 400, no such placement 404, an agent 403', async () => {
  const accountId = await account([-200, -170, -140, -110], 200_000, 'HIGH');
  const { handle, legal } = await inLegal(accountId, 'PLACED');
  const id = legal.placement!.placementId;
  const post = (body: unknown, as: Parameters<typeof bed.call>[3] = { subject: supervisor }, to = id) => bed.call('POST', `/placements/${to}/recall`, body, as);
  const recall = { reason: 'the agency is under review' };

  expect(await post({ reason: 'no' })).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^reason:/)] } });
  expect((await post(recall, { subject: supervisor }, id + 100_000)).status).toBe(404);
  expect((await post(recall, { role: 'AGENT' })).status).toBe(403);

  expect(await post(recall)).toMatchObject({ status: 200, json: { placementId: id, status: 'RECALLED', recall: { reason: 'SUPERVISOR', requestedBy: supervisor } } });
  await eventually(() => handle.query(legalQuery), (l) => l?.status === 'RECALLED');
});

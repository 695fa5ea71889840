/**
 * The legal team's routes and the export through the API with real tokens: the export is a
 * ZIP whose manifest verifies, logged as a view; LEGAL and COMPLIANCE only; cases (with a
 * hearing within dates), placements and write-offs as the activities left them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manifestMismatches, manifestSchema, MANIFEST_NAME, sha256Hex } from '../account-export/manifest';
import { readZip } from '../account-export/zip';
import { createActivities } from '../../activities';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { accountWorkflowId } from '../domain/ids';
import { runActivity } from '../../test/activity-testbed';
import { apiTestbed } from '../../test/api-testbed';
import { setRiskTier } from '../../test/early-collection-seeds';
import { isoDateFrom, seedAccount, uniqueId } from '../../test/support';

const bed = apiTestbed('legal-routes');
const NOW = Date.now();
const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
const acts = () => createActivities({ pool: bed.pool, smsProvider: new OutboxSmsProvider(bed.pool), legalBundleDir: bundleDir });

async function account(tier: string, amount: number, collateral: boolean): Promise<string> {
  const accountId = await seedAccount(bed.pool, { installments: [-200, -100, 30, 60].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount })) });
  await setRiskTier(bed.pool, accountId, tier);
  await bed.pool.query('UPDATE accounts SET collateral = $2 WHERE id = $1', [accountId, collateral]);
  return accountId;
}
const decided = async (accountId: string) => {
  const d = await runActivity(acts().decideLegal, { idempotencyKey: uniqueId('legal'), accountId, workflowId: accountWorkflowId(accountId), at: NOW });
  return { idempotencyKey: uniqueId('step'), accountId, workflowId: accountWorkflowId(accountId), decisionId: d.decisionId, at: NOW, action: d.decision.action };
};

test('GET /accounts/:id/export: a ZIP whose manifest verifies and whose hash is in the header, logged as an export; 404 for no account', async () => {
  const accountId = await account('MEDIUM', 300_000, false);
  const answer = await bed.download(`/accounts/${accountId}/export`, { role: 'LEGAL' });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toBe('application/zip');
  expect(answer.headers.get('content-disposition')).toMatch(new RegExp(`attachment; filename="arrears-export-${accountId}-\\d{4}-\\d{2}-\\d{2}\\.zip"`));
  expect(answer.headers.get('x-export-sha256')).toBe(sha256Hex(answer.body));
  const files = await readZip(answer.body);
  const manifest = manifestSchema.parse(JSON.parse(files.find((f) => f.name === MANIFEST_NAME)!.content.toString('utf8')));
  expect(manifest).toMatchObject({ accountId, generatedBy: 'test-legal' });
  expect(manifestMismatches(manifest, files)).toEqual([]);

  const log = await bed.call('GET', `/access-log?accountId=${accountId}`, undefined, { role: 'COMPLIANCE' });
  expect(log.json.entries).toEqual([expect.objectContaining({ subject: 'test-legal', roles: ['LEGAL'], accountIds: [accountId], via: 'EXPORT', purpose: 'GET /accounts/:accountId/export', dataKinds: ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER', 'INCOME', 'VISIT_REPORT_TEXT'] })]);

  expect((await bed.download(`/accounts/${accountId}/export`, { role: 'AGENT' })).status).toBe(403);
  expect((await bed.download(`/accounts/${accountId}/export`, 'nobody')).status).toBe(401);
  expect((await bed.download('/accounts/ACC-NOWHERE/export', { role: 'COMPLIANCE' })).status).toBe(404);
});

test('GET /legal/cases, /placements and /write-offs: what the activities recorded; a hearing within dates', async () => {
  const suing = await account('LOW', 5_000_000, true);
  const refer = await decided(suing);
  expect(refer.action).toBe('REFER');
  const legalCase = await runActivity(acts().referToLegal, refer);
  await runActivity(acts().recordLegalOutcome, { idempotencyKey: uniqueId('o'), accountId: suing, outcome: { outcome: 'FILED', caseId: legalCase.caseId, occurredOn: isoDateFrom(NOW, -1), reportedBy: 'legal-01', courtReference: 'C-1', hearingOn: '2031-03-14' }, at: NOW });

  const inMarch = await bed.call('GET', '/legal/cases?open=true&hearingFrom=2031-03-01&hearingTo=2031-03-31', undefined, { role: 'LEGAL' });
  expect(inMarch.status).toBe(200);
  expect(inMarch.json.cases).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: legalCase.caseId, status: 'FILED', nextHearingOn: '2031-03-14' })]));
  const inApril = await bed.call('GET', `/legal/cases?accountId=${suing}&hearingFrom=2031-04-01`, undefined, { role: 'LEGAL' });
  expect(inApril.json.cases).toEqual([]);
  const one = await bed.call('GET', `/legal/cases/${legalCase.caseId}`, undefined, { role: 'SUPERVISOR' });
  expect(one.json).toMatchObject({ caseId: legalCase.caseId, accountId: suing, outcomes: [expect.objectContaining({ outcome: 'FILED', courtReference: 'C-1' })] });
  expect((await bed.call('GET', '/legal/cases/999999999', undefined, { role: 'LEGAL' })).status).toBe(404);

  const placed = await account('HIGH', 200_000, false);
  const place = await decided(placed);
  expect(place.action).toBe('PLACE_WITH_AGENCY');
  await runActivity(acts().placeWithAgency, place);
  const placements = await bed.call('GET', `/placements?accountId=${placed}&inForce=true`, undefined, { role: 'LEGAL' });
  expect(placements.json.placements).toEqual([expect.objectContaining({ accountId: placed, agencyId: 'north-star-recoveries', status: 'PLACED', sent: true })]);

  await runActivity(acts().recommendWriteOff, { ...place, idempotencyKey: uniqueId('wo'), basis: 'CHARGE_OFF_REACHED', decisionId: undefined });
  const writeOffs = await bed.call('GET', `/write-offs?accountId=${placed}&status=RECOMMENDED`, undefined, { role: 'COMPLIANCE' });
  expect(writeOffs.json.writeOffs).toEqual([expect.objectContaining({ accountId: placed, status: 'RECOMMENDED', basis: 'CHARGE_OFF_REACHED' })]);

  expect((await bed.call('GET', '/write-offs?status=MAYBE', undefined, { role: 'LEGAL' })).status).toBe(400);
  expect((await bed.call('GET', '/placements', undefined, { role: 'AGENT' })).status).toBe(403);
});

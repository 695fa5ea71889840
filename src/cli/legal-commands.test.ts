/**
 * The legal commands as staff run them against the test Postgres, signed in: the export
 * written to a file whose manifest verifies (and logged as a view), refused to an agent;
 * cases and placements listed; the update payloads read from flags, each bad flag named; and
 * the LEGAL stage's updates sent to a real run in LEGAL (a worker on the dev server; the run
 * handed on by cease-contact): a US card's write-off approved by a supervisor, refused to the
 * legal team.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { runActivity } from '../../test/activity-testbed';
import { arrearsCli } from '../../test/arrears-cli';
import { setRiskTier } from '../../test/early-collection-seeds';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, testPool, testTemporalAddress, uniqueId, type TestWorker } from '../../test/support';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { ACCOUNT_COLLECTION_WORKFLOW, ceaseContactSignal, legalQuery, summaryQuery } from '../../workflows/account/contract';
import { manifestMismatches, manifestSchema, MANIFEST_NAME } from '../account-export/manifest';
import { readZip } from '../account-export/zip';
import type { Pool } from '../db/pool';
import { accountWorkflowId } from '../domain/ids';
import { caseFilterOf, legalOutcomeOf, recallOf, writeOffDecisionOf } from './legal-arguments';

const codecKeys = newCodecKeys();
const taskQueue = uniqueId('legal-cli');
const arrears = arrearsCli(codecKeys);
let pool: Pool;
let worker: TestWorker;
beforeAll(async () => {
  pool = testPool();
  worker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys, pool });
});
afterAll(async () => {
  await worker?.stop();
  await pool.end();
});

const NOW = Date.now();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'export-cli-'));

test('arrears export: the ZIP written where --out says, its manifest verified, the view logged; an agent is refused', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(NOW, -40), amount: 100_000 }] });
  expect((await arrears('login', '--staff', 'test-agent')).code).toBe(0);
  const refused = await arrears('export', accountId, '--out', path.join(out, 'no.zip'));
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/LEGAL|COMPLIANCE/);
  expect(fs.existsSync(path.join(out, 'no.zip'))).toBe(false);

  expect((await arrears('login', '--staff', 'test-legal')).code).toBe(0);
  const file = path.join(out, `${accountId}.zip`);
  const run = await arrears('export', accountId, '--out', file);
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\d+ files, SHA-256 [0-9a-f]{64}\\n$`));
  const files = await readZip(fs.readFileSync(file));
  const manifest = manifestSchema.parse(JSON.parse(files.find((f) => f.name === MANIFEST_NAME)!.content.toString('utf8')));
  expect(manifestMismatches(manifest, files)).toEqual([]);
  const { rows } = await pool.query(`SELECT subject, via, purpose FROM personal_data_access_log WHERE account_ids @> ARRAY[$1::text]`, [accountId]);
  expect(rows).toEqual([{ subject: 'test-legal', via: 'EXPORT', purpose: 'CLI export' }]);
}, 60_000);

test('arrears legal cases and arrears placement list show what the activities recorded', async () => {
  const accountId = await seedAccount(pool, { installments: [-200, -100].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 400_000 })) });
  await setRiskTier(pool, accountId, 'HIGH');
  const acts = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), legalBundleDir: out });
  const { decisionId, decision } = await runActivity(acts.decideLegal, { idempotencyKey: uniqueId('legal'), accountId, workflowId: accountWorkflowId(accountId), at: NOW });
  expect(decision.action).toBe('PLACE_WITH_AGENCY');
  await runActivity(acts.placeWithAgency, { idempotencyKey: uniqueId('place'), accountId, workflowId: accountWorkflowId(accountId), decisionId, at: NOW });

  expect((await arrears('login', '--staff', 'test-legal')).code).toBe(0);
  const placements = await arrears('placement', 'list', '--account', accountId, '--in-force');
  expect(placements.stdout).toMatch(new RegExp(`${accountId}\\s+north-star-recoveries\\s+25 %\\s+CNY 8000\\.00`));
  const cases = await arrears('legal', 'cases', '--account', accountId);
  expect(cases.stdout).toBe('No legal cases.\n');
  const badDate = await arrears('legal', 'cases', '--hearing-from', 'March');
  expect(badDate.code).not.toBe(0);
  expect(badDate.stderr).toMatch(/--hearing-from/);
}, 60_000);

describe('the update payloads from flags (for the LEGAL stage module)', () => {
  test('an outcome: amounts in minor units, a bad one named by its flag', () => {
    expect(legalOutcomeOf(3, { outcome: 'RECOVERED', on: '2026-11-30', by: 'legal-01', amount: '650000', currency: 'CNY' })).toEqual({ outcome: 'RECOVERED', caseId: 3, occurredOn: '2026-11-30', reportedBy: 'legal-01', amount: 650_000, currency: 'CNY' });
    expect(() => legalOutcomeOf(3, { outcome: 'RECOVERED', on: '2026-11-30', by: 'legal-01', amount: '6500.50', currency: 'CNY' })).toThrow(/--amount: an integer number of minor units/);
    expect(() => legalOutcomeOf(3, { outcome: 'FILED', on: '2026-11-30', by: 'legal-01', hearing: '2026-11-01', courtReference: 'C-1' })).toThrow(/--hearing: the hearing is on or after/);
    expect(() => legalOutcomeOf(3, { outcome: 'APPEALED', on: '2026-11-30', by: 'legal-01' })).toThrow(/--outcome/);
  });

  test('a write-off decision and a recall need a reason; the filters name their flags', () => {
    expect(writeOffDecisionOf(5, { decision: 'APPROVE', by: 'sup-01', reason: 'charged off at 180 days' })).toEqual({ recommendationId: 5, supervisorId: 'sup-01', decision: 'APPROVE', reason: 'charged off at 180 days' });
    expect(() => writeOffDecisionOf(5, { decision: 'APPROVE', by: 'sup-01', reason: 'ok' })).toThrow(/--reason/);
    expect(recallOf(9, { by: 'sup-01', reason: 'borrower disputes the debt' })).toEqual({ placementId: 9, supervisorId: 'sup-01', reason: 'borrower disputes the debt' });
    expect(() => caseFilterOf({ limit: '0' })).toThrow(/--limit/);
  });
});

describe('the LEGAL stage updates from the CLI', () => {
  test('a bad flag is named before anything is sent', async () => {
    expect(await arrears('write-off', 'approve', '7', '--reason', 'ok')).toMatchObject({ code: 1, stderr: expect.stringMatching(/--reason/) });
    expect(await arrears('placement', 'recall', 'seven', '--reason', 'the agency is under review')).toMatchObject({ code: 1, stderr: expect.stringMatching(/<placementId>/) });
    expect(await arrears('legal', 'outcome', '3', '--outcome', 'RECOVERED', '--on', '2026-11-30', '--amount', '12.50', '--currency', 'CNY')).toMatchObject({ code: 1, stderr: expect.stringMatching(/--amount/) });
  });

  test('arrears write-off approve on a run in LEGAL: refused to the legal team, approved by a supervisor → WRITTEN_OFF', async () => {
    // A supervisor on the staff list of this test's own: the shared test account stays off the list.
    const supervisor = await addFieldStaff(pool, 'SUPERVISOR');
    // A US credit card 185 days past due: the FFIEC charge-off is reached, the stage recommends the write-off.
    const accountId = await seedAccount(pool, { currency: 'USD', jurisdiction: 'US', installments: [-185, -155, -125, -95].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 25_000 })) });
    await pool.query(`UPDATE accounts SET product = 'CREDIT_CARD' WHERE id = $1`, [accountId]);
    await setRiskTier(pool, accountId, 'HIGH');
    const handle = await worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId, overrides: { treatment: 'standard' } }] });
    try {
      await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
      await handle.signal(ceaseContactSignal, { requestId: uniqueId('cease'), scope: 'ACCOUNT' });
      const legal = await eventually(() => handle.query(legalQuery), (l) => l?.status === 'WRITE_OFF_RECOMMENDED');
      const id = String(legal!.writeOff!.recommendationId);

      expect((await arrears('login', '--staff', 'test-legal')).code).toBe(0);
      expect(await arrears('write-off', 'approve', id, '--reason', 'past the FFIEC charge-off')).toMatchObject({ code: 1, stderr: expect.stringMatching(/SUPERVISOR/) });
      expect((await arrears('login', '--staff', supervisor)).code).toBe(0);
      expect(await arrears('write-off', 'approve', id, '--reason', 'past the FFIEC charge-off', '--by', 'someone-else')).toMatchObject({ code: 1, stderr: expect.stringMatching(/--by must be you/) });
      const approved = await arrears('write-off', 'approve', id, '--reason', 'past the FFIEC charge-off');
      expect(approved).toEqual({ code: 0, stderr: '', stdout: `Write-off ${id} (${accountId}): APPROVED, USD 1000.00.\n` });
      expect((await handle.result()).outcome).toBe('WRITTEN_OFF');
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  }, 120_000);
});

/**
 * LEGAL (accountCollection generation 3 with the legal-stage patch, issue 17) on the
 * time-skipping server with the real activities on the real Postgres. Each account reaches
 * LEGAL the quickest real way (cease-contact during the reminders hands it on) and the stage
 * decides from config/legal.json: a referral whose bundle verifies, followed by the legal
 * team's outcomes to RECOVERED (bad outcomes refused, nothing written); an agency placement
 * recalled by a cure, by a hold, by a supervisor; a US card past the FFIEC 180 days written
 * off by a supervisor; and a supervisor's override that sends an account to LEGAL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../../activities';
import { OutboxSmsProvider } from '../../../activities/providers/sms-provider';
import { manifestMismatches, manifestSchema, MANIFEST_NAME, sha256Hex } from '../../../src/account-export/manifest';
import { readZip } from '../../../src/account-export/zip';
import type { LegalOutcome } from '../../../src/domain/legal';
import { collectionHarness } from '../../../test/collection-harness';
import { setRiskTier } from '../../../test/early-collection-seeds';
import { addFieldStaff } from '../../../test/field-collection-seeds';
import { daytimeZoneAt, eventually, isoDateFrom, seedAccount, uniqueId, type SeedAccount } from '../../../test/support';
import {
  LegalStatus,
  NextHearing,
  approveWriteOffUpdate,
  ceaseContactSignal,
  holdPlacedSignal,
  holdReleasedSignal,
  legalQuery,
  overrideStageUpdate,
  recallPlacementUpdate,
  recordLegalOutcomeUpdate,
  summaryQuery,
  type AccountSummary,
  type LegalSummary,
} from '../contract';

const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'legal-stage-bundles-'));
const harness = collectionHarness({ name: 'legal', activities: (pool) => createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), legalBundleDir: bundleDir }) });
let supervisor: string;
let collector: string;

beforeAll(async () => {
  supervisor = await addFieldStaff(harness.pool, 'SUPERVISOR');
  collector = await addFieldStaff(harness.pool, 'COLLECTOR');
  await addFieldStaff(harness.pool, 'SECURITY');
});

const until = (handle: WorkflowHandle, done: (s: AccountSummary) => boolean) => eventually(() => handle.query(summaryQuery), done);
async function legalOf(handle: WorkflowHandle, done: (l: LegalSummary) => boolean): Promise<LegalSummary> {
  const legal = await eventually(() => handle.query(legalQuery), (l) => l !== null && done(l));
  return legal!;
}
const searchAttribute = async (handle: WorkflowHandle, key: typeof LegalStatus | typeof NextHearing) => (await handle.describe()).typedSearchAttributes.get(key);

async function stagesOf(accountId: string): Promise<string[]> {
  const { rows } = await harness.pool.query(`SELECT to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map((r) => r.to_stage);
}

/** An account seeded with installments `days` from the server's now, of `amount` minor units each, in the tier given. */
async function account(days: number[], amount: number, tier: string, seed: Partial<SeedAccount> = {}): Promise<string> {
  const now = await harness.serverNow();
  const accountId = await seedAccount(harness.pool, { timeZone: daytimeZoneAt(now), ...seed, installments: days.map((d) => ({ dueDate: isoDateFrom(now, d), amount })) });
  await setRiskTier(harness.pool, accountId, tier);
  return accountId;
}

/** CNY 90 000.00 owed, secured, LOW tier: legal action pays off (activities/legal.test.ts's figures). */
async function worthSuing(): Promise<string> {
  const accountId = await account([-75, -45, -15, 15, 45, 75, 105, 135, 165], 1_000_000, 'LOW');
  await harness.pool.query('UPDATE accounts SET collateral = true WHERE id = $1', [accountId]);
  return accountId;
}

/** CNY 8 000.00 owed, 200 days overdue, HIGH tier: legal does not pay off; the CN agency is worth it. */
const forAnAgency = () => account([-200, -170, -140, -110], 200_000, 'HIGH');

/** A US credit card 185 days past due, USD 1 000.00 owed, HIGH tier: the FFIEC 180 days are reached. */
async function cardAtChargeOff(): Promise<string> {
  const accountId = await account([-185, -155, -125, -95], 25_000, 'HIGH', { currency: 'USD', jurisdiction: 'US' });
  await harness.pool.query(`UPDATE accounts SET product = 'CREDIT_CARD' WHERE id = $1`, [accountId]);
  return accountId;
}

/** Started, and handed on to LEGAL by a cease-contact request during the reminders; waits for the stage's first settled state. */
async function inLegal(accountId: string, settled: (l: LegalSummary) => boolean) {
  const handle = await harness.start(accountId, 'standard');
  await until(handle, (s) => s.stage === 'REMINDING');
  await handle.signal(ceaseContactSignal, { requestId: uniqueId('cease'), scope: 'ACCOUNT' });
  const legal = await legalOf(handle, settled);
  return { handle, legal };
}

/**
 * Started, the first reminder sent and the cadence in its timer: an override cancelling an
 * activity in flight meets the time-skipping server's refusal (docs/testing.md), which stalls the run.
 */
async function inReminders(accountId: string): Promise<WorkflowHandle> {
  const handle = await harness.start(accountId, 'standard');
  await until(handle, (s) => s.stage === 'REMINDING' && (!!s.nextStep?.action.startsWith('CALL') || !!s.nextStep?.action.includes('refused')));
  return handle;
}

const outcomesOf = async (caseId: number) => (await harness.pool.query(`SELECT outcome FROM legal_outcomes WHERE case_id = $1 ORDER BY id`, [caseId])).rows.map((r) => r.outcome);

test('referral: the case with a bundle whose hashes verify; FILED with a hearing → JUDGMENT → RECOVERED → SETTLED; bad outcomes refused, nothing written', async () => {
  const accountId = await worthSuing();
  const { handle, legal } = await inLegal(accountId, (l) => l.status === 'REFERRED');
  expect(legal.decision).toMatchObject({ action: 'REFER', currency: 'CNY', claim: 9_000_000 });
  const c = legal.legalCase!;
  expect(c).toMatchObject({ accountId, decisionId: legal.decision.decisionId, status: 'REFERRED', assignedTeam: 'LEGAL', outcomes: [] });
  // The evidence bundle: stored where config says, its SHA-256 in the case, every file as the manifest says.
  expect(path.dirname(c.bundlePath)).toBe(bundleDir);
  const zip = fs.readFileSync(c.bundlePath);
  expect(sha256Hex(zip)).toBe(c.bundleSha256);
  const files = await readZip(zip);
  const manifest = manifestSchema.parse(JSON.parse(files.find((f) => f.name === MANIFEST_NAME)!.content.toString('utf8')));
  expect(manifestMismatches(manifest, files)).toEqual([]);
  expect(await searchAttribute(handle, LegalStatus)).toBe('REFERRED');
  expect((await handle.query(summaryQuery)).legal?.status).toBe('REFERRED');

  const today = isoDateFrom(await harness.serverNow(), -1);
  const hearing = isoDateFrom(await harness.serverNow(), 20);
  const report = (outcome: LegalOutcome) => handle.executeUpdate(recordLegalOutcomeUpdate, { args: [outcome] });
  const common = { caseId: c.caseId, occurredOn: today, reportedBy: 'legal-01' };

  // Refused by the validator: nothing reaches Postgres.
  expect(await harness.refusal(report({ ...common, outcome: 'JUDGMENT', amount: 100, currency: 'CNY' }))).toMatch(/judgment comes after the case is filed/);
  expect(await harness.refusal(report({ ...common, outcome: 'FILED', courtReference: 'X-1', occurredOn: isoDateFrom(await harness.serverNow(), 5) }))).toMatch(/in the future/);
  expect(await harness.refusal(report({ ...common, caseId: c.caseId + 1000, outcome: 'UNRECOVERABLE' }))).toMatch(/not account .*'s case/);
  expect(await harness.refusal(report({ ...common, outcome: 'RECOVERED', amount: 0, currency: 'CNY' }))).toMatch(/amount/);
  expect(await harness.refusal(report({ ...common, outcome: 'FILED', courtReference: 'X-1', hearingOn: isoDateFrom(await harness.serverNow(), -30) }))).toMatch(/hearing/);
  expect(await outcomesOf(c.caseId)).toEqual([]);

  const filed = await report({ ...common, outcome: 'FILED', courtReference: '(2026) Hu 0101 Min Chu 1234', hearingOn: hearing });
  expect(filed).toMatchObject({ status: 'FILED', nextHearingOn: hearing });
  await legalOf(handle, (l) => l.status === 'FILED');
  expect(await searchAttribute(handle, LegalStatus)).toBe('FILED');
  expect(await searchAttribute(handle, NextHearing)).toEqual(new Date(`${hearing}T00:00:00Z`));
  expect(await harness.refusal(report({ ...common, outcome: 'FILED', courtReference: 'X-2' }))).toMatch(/already filed/);
  expect(await harness.refusal(report({ ...common, outcome: 'JUDGMENT', amount: 100, currency: 'USD' }))).toMatch(/in USD, the account in CNY/);

  await report({ ...common, outcome: 'JUDGMENT', amount: 9_000_000, currency: 'CNY' });
  const recovered = await report({ ...common, outcome: 'RECOVERED', amount: 6_500_000, currency: 'CNY' });
  expect(recovered).toMatchObject({ status: 'RECOVERED', recovered: 6_500_000 });
  const result = await handle.result();
  expect(result.outcome).toBe('SETTLED');
  expect(result.summary.legal).toMatchObject({ status: 'RECOVERED', legalCase: { status: 'RECOVERED' } });
  expect(await outcomesOf(c.caseId)).toEqual(['FILED', 'JUDGMENT', 'RECOVERED']);
  expect((await stagesOf(accountId)).slice(-2)).toEqual(['LEGAL', 'SETTLED']);
  expect(await searchAttribute(handle, LegalStatus)).toBe('RECOVERED');
});

test('placement: placed with the CN agency; a payment that cures recalls it at once → CURED', async () => {
  const accountId = await forAnAgency();
  const { handle, legal } = await inLegal(accountId, (l) => l.status === 'PLACED');
  expect(legal.decision.action).toBe('PLACE_WITH_AGENCY');
  expect(legal.placement).toMatchObject({ accountId, status: 'PLACED', sent: true, recall: null });
  expect(legal.next).toEqual({ action: 'placed with north-star-recoveries: recalled at the end of its term', at: `${legal.placement!.recallBy}T00:00:00.000Z` });
  expect(await searchAttribute(handle, LegalStatus)).toBe('PLACED');
  // The update refuses a placement that is not the one in force.
  expect(await harness.refusal(handle.executeUpdate(recallPlacementUpdate, { args: [{ placementId: legal.placement!.placementId + 1000, supervisorId: supervisor, reason: 'wrong placement' }] }))).toMatch(/not the one in force/);

  await harness.closeOut(handle);
  const { rows } = await harness.pool.query(`SELECT status FROM agency_placements WHERE id = $1`, [legal.placement!.placementId]);
  expect(rows).toEqual([{ status: 'RECALLED' }]);
  const recall = await harness.pool.query(`SELECT reason FROM placement_recalls WHERE placement_id = $1`, [legal.placement!.placementId]);
  expect(recall.rows).toEqual([{ reason: 'PAYMENT_CURED' }]);
  const outbox = await harness.pool.query(`SELECT kind FROM agency_outbox WHERE payload->>'placementId' = $1 ORDER BY id`, [String(legal.placement!.placementId)]);
  expect(outbox.rows.map((r) => r.kind)).toEqual(['PLACEMENT', 'RECALL']);
  expect(await searchAttribute(handle, LegalStatus)).toBe('RECALLED');
});

test('placement: a hold recalls it at once; released, the stage decides again and places anew', async () => {
  const accountId = await forAnAgency();
  const { handle, legal } = await inLegal(accountId, (l) => l.status === 'PLACED');
  const first = legal.placement!.placementId;
  const holdId = uniqueId('hold');
  await handle.signal(holdPlacedSignal, { holdId, reason: 'BANKRUPTCY' });
  const recalled = await legalOf(handle, (l) => l.status === 'RECALLED');
  expect(recalled.placement).toMatchObject({ placementId: first, status: 'RECALLED', recall: { reason: 'HOLD_PLACED' } });
  expect((await handle.query(summaryQuery)).stage).toBe('ON_HOLD');
  await handle.signal(holdReleasedSignal, { holdId });
  const again = await legalOf(handle, (l) => l.status === 'PLACED' && l.placement!.placementId !== first);
  expect(again.decision.decisionId).toBeGreaterThan(legal.decision.decisionId);
  await harness.closeOut(handle);
});

test('placement: a collector may not recall it; its term ends: recalled, decided again and placed anew; a supervisor recalls that one and the account waits in LEGAL', async () => {
  const accountId = await forAnAgency();
  const { handle, legal } = await inLegal(accountId, (l) => l.status === 'PLACED');
  const placementId = legal.placement!.placementId;
  const recallBy = (supervisorId: string) => handle.executeUpdate(recallPlacementUpdate, { args: [{ placementId, supervisorId, reason: 'the agency is under review' }] });
  expect(await harness.refusal(recallBy(collector))).toMatch(/not an active supervisor/);
  expect((await harness.pool.query(`SELECT count(*)::int AS n FROM placement_recalls WHERE placement_id = $1`, [placementId])).rows).toEqual([{ n: 0 }]);
  // Refused, the placement stays in force until its term ends: then recalled, and the stage decides again.
  await harness.env.sleep(Date.parse(`${legal.placement!.recallBy}T00:00:00Z`) - (await harness.serverNow()) + 3_600_000);
  const next = await legalOf(handle, (l) => l.decision.decisionId !== legal.decision.decisionId && l.status === 'PLACED');
  expect((await harness.pool.query(`SELECT p.status, r.reason FROM agency_placements p JOIN placement_recalls r ON r.placement_id = p.id WHERE p.id = $1`, [placementId])).rows).toEqual([{ status: 'RECALLED', reason: 'TERM_ENDED' }]);
  const recalled = await handle.executeUpdate(recallPlacementUpdate, { args: [{ placementId: next.placement!.placementId, supervisorId: supervisor, reason: 'the agency is under review' }] });
  expect(recalled).toMatchObject({ placementId: next.placement!.placementId, status: 'RECALLED', recall: { reason: 'SUPERVISOR', requestedBy: supervisor } });
  const waiting = await until(handle, (s) => s.legal?.status === 'RECALLED');
  expect(waiting.stage).toBe('LEGAL');
  await harness.closeOut(handle);
});

test('write-off: a US card at 185 days past due → recommended → a supervisor approves → WRITTEN_OFF with the amount', async () => {
  const accountId = await cardAtChargeOff();
  const { handle, legal } = await inLegal(accountId, (l) => l.status === 'WRITE_OFF_RECOMMENDED');
  expect(legal.decision).toMatchObject({ action: 'RECOMMEND_WRITE_OFF', currency: 'USD' });
  expect(legal.writeOff).toMatchObject({ status: 'RECOMMENDED', basis: 'CHARGE_OFF_REACHED', currency: 'USD' });
  expect(await searchAttribute(handle, LegalStatus)).toBe('WRITE_OFF_RECOMMENDED');
  const recommendationId = legal.writeOff!.recommendationId;
  const decide = (supervisorId: string, reason = 'past the FFIEC charge-off') => handle.executeUpdate(approveWriteOffUpdate, { args: [{ recommendationId, supervisorId, decision: 'APPROVE', reason }] });
  expect(await harness.refusal(decide(supervisor, 'ok'))).toMatch(/reason/);
  expect(await harness.refusal(decide(collector))).toMatch(/not an active supervisor/);
  expect(await harness.refusal(handle.executeUpdate(approveWriteOffUpdate, { args: [{ recommendationId: recommendationId + 1000, supervisorId: supervisor, decision: 'APPROVE', reason: 'the wrong one' }] }))).toMatch(/not the one waiting/);
  expect((await harness.pool.query(`SELECT status FROM write_offs WHERE id = $1`, [recommendationId])).rows).toEqual([{ status: 'RECOMMENDED' }]);

  const approved = await decide(supervisor);
  expect(approved).toMatchObject({ status: 'APPROVED', decidedBy: supervisor, amount: legal.writeOff!.amount });
  const result = await handle.result();
  expect(result.outcome).toBe('WRITTEN_OFF');
  expect((await stagesOf(accountId)).slice(-2)).toEqual(['LEGAL', 'WRITTEN_OFF']);
  expect((await harness.pool.query(`SELECT status FROM accounts WHERE id = $1`, [accountId])).rows).toEqual([{ status: 'WRITTEN_OFF' }]);
  expect(await searchAttribute(handle, LegalStatus)).toBe('WRITTEN_OFF');
});

test("overrideStage to LEGAL: a supervisor sends the account on from the reminders; the stage decides and places it", async () => {
  const accountId = await forAnAgency();
  const handle = await inReminders(accountId);
  expect(await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'LEGAL', supervisorId: supervisor, reason: 'the borrower refuses to pay' }] })).toEqual({ from: 'REMINDING', to: 'LEGAL' });
  const legal = await legalOf(handle, (l) => l.status === 'PLACED');
  expect(legal.decision.action).toBe('PLACE_WITH_AGENCY');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'LEGAL']);
  expect(await harness.refusal(handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'LEGAL', supervisorId: supervisor, reason: 'once more, to be sure' }] }))).toMatch(/already in LEGAL/);
  await harness.closeOut(handle);
});

test('an override away from LEGAL recalls the placement (SUPERVISOR); sent back to LEGAL, the stage decides anew', async () => {
  const handle = await inReminders(await forAnAgency());
  const override = (to: 'VISIT' | 'LEGAL') => handle.executeUpdate(overrideStageUpdate, { args: [{ to, supervisorId: supervisor, reason: `the case needs ${to.toLowerCase()}` }] });
  await override('LEGAL');
  const legal = await legalOf(handle, (l) => l.status === 'PLACED');
  const first = legal.placement!.placementId;
  await override('VISIT');
  // The visit booked and waiting for its report: the story is in a timer.
  await until(handle, (s) => s.stage === 'VISIT' && !!s.visit);
  const { rows } = await harness.pool.query(`SELECT p.status, r.reason, r.requested_by FROM agency_placements p JOIN placement_recalls r ON r.placement_id = p.id WHERE p.id = $1`, [first]);
  expect(rows).toEqual([{ status: 'RECALLED', reason: 'SUPERVISOR', requested_by: supervisor }]);
  await override('LEGAL');
  const again = await legalOf(handle, (l) => l.status === 'PLACED' && l.placement!.placementId !== first);
  expect(again.decision.decisionId).toBeGreaterThan(legal.decision.decisionId);
  await harness.closeOut(handle);
});

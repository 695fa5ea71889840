/**
 * The activities under LEGAL and the exits against the real Postgres (issue 17): the
 * decision recorded once; a referral with its evidence bundle (hashes verified, the view
 * logged); outcomes in order, bad ones refused; a placement and its recall through the
 * outbox and over HTTP (a failed send retried with the same key, a refused one escalated
 * and resent); a write-off at the US charge-off, approved by a supervisor only, with a
 * later payment recorded as a recovery; a closure once; an exit's clean-up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readZip } from '../src/account-export/zip';
import { manifestMismatches, manifestSchema, MANIFEST_NAME, sha256Hex } from '../src/account-export/manifest';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import type { LegalOutcome } from '../src/domain/legal';
import { activityTestbed, failureOf, runActivity } from '../test/activity-testbed';
import { seedCallTask } from '../test/call-tasks';
import { addAgent, pay, setRiskTier } from '../test/early-collection-seeds';
import { startSmsGateway, type SmsGateway } from '../test/sms-gateway';
import { isoDateFrom, seedAccount, uniqueId } from '../test/support';
import { HttpAgencyProvider } from './providers/agency-provider';
import type { DecideLegalInput } from './legal';

const bed = activityTestbed();
const NOW = Date.now();
const today = isoDateFrom(NOW, 0);
const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
const acts = () => bed.activitiesWith({ legalBundleDir: bundleDir });

let gateway: SmsGateway;
beforeAll(async () => {
  gateway = await startSmsGateway({ answerKey: 'reference' });
});
afterAll(async () => {
  await gateway.close();
});

const decideInput = (accountId: string): DecideLegalInput => ({ idempotencyKey: uniqueId('legal'), accountId, workflowId: accountWorkflowId(accountId), at: NOW });
const decide = (accountId: string) => runActivity(acts().decideLegal, decideInput(accountId));
const ref = (accountId: string, decisionId: number) => ({ idempotencyKey: uniqueId('ref'), accountId, workflowId: accountWorkflowId(accountId), decisionId, at: NOW });

/** CNY 90 000.00 owed (nine installments of 10 000.00, three 75 to 15 days overdue), secured, LOW tier: legal action pays off. */
async function worthSuing(): Promise<string> {
  const accountId = await seedAccount(bed.pool, { installments: [-75, -45, -15, 15, 45, 75, 105, 135, 165].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 1_000_000 })) });
  await setRiskTier(bed.pool, accountId, 'LOW');
  await bed.pool.query('UPDATE accounts SET collateral = true WHERE id = $1', [accountId]);
  return accountId;
}

/** CNY 8 000.00 owed, 200 days overdue, HIGH tier: legal does not pay off; the CN agency is worth it. */
async function forAnAgency(): Promise<string> {
  const accountId = await seedAccount(bed.pool, { installments: [-200, -170, -140, -110].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 200_000 })) });
  await setRiskTier(bed.pool, accountId, 'HIGH');
  return accountId;
}

/** A US credit card 185 days past due, USD 1 000.00 owed, HIGH tier: write-off recommended at the FFIEC 180 days. */
async function cardAtChargeOff(): Promise<string> {
  const accountId = await seedAccount(bed.pool, { currency: 'USD', jurisdiction: 'US', installments: [-185, -155, -125, -95].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 25_000 })) });
  await bed.pool.query(`UPDATE accounts SET product = 'CREDIT_CARD' WHERE id = $1`, [accountId]);
  await setRiskTier(bed.pool, accountId, 'HIGH');
  return accountId;
}

const auditKinds = async (accountId: string) =>
  (await bed.pool.query<{ kind: string }>('SELECT kind FROM audit_events WHERE account_id = $1 ORDER BY id', [accountId])).rows.map((r) => r.kind);

describe('decideLegal', () => {
  test('records the decision and its figures once per key, audited', async () => {
    const accountId = await worthSuing();
    const input = decideInput(accountId);
    const first = await runActivity(acts().decideLegal, input);
    expect(first.decision).toMatchObject({ action: 'REFER', currency: 'CNY', claim: 9_000_000, chargeOff: { jurisdiction: 'CN', daysPastDue: 360, dueOn: isoDateFrom(NOW, 285), reached: false } });
    expect(await runActivity(acts().decideLegal, input)).toEqual(first);
    const { rows } = await bed.pool.query('SELECT action, claim, legal_cost, config_version FROM legal_decisions WHERE account_id = $1', [accountId]);
    expect(rows).toEqual([{ action: 'REFER', claim: 9_000_000, legal_cost: first.decision.cost.total, config_version: '2026.1' }]);
    expect(await auditKinds(accountId)).toEqual(['LEGAL_DECISION']);
  });

  test('an account the loan book does not have is a non-retryable failure', async () => {
    expect((await failureOf(decide('ACC-NOWHERE'))).type).toBe(FailureType.AccountNotFound);
  });
});

describe('referral and outcomes', () => {
  test('referToLegal: the case for the legal team with the bundle stored, its SHA-256 in the row, the manifest verified, the view logged', async () => {
    const accountId = await worthSuing();
    const { decisionId } = await decide(accountId);
    const input = ref(accountId, decisionId);
    const legalCase = await runActivity(acts().referToLegal, input);
    expect(legalCase).toMatchObject({ accountId, decisionId, status: 'REFERRED', assignedTeam: 'LEGAL', claim: 9_000_000, outcomes: [], recovered: 0 });
    expect(path.dirname(legalCase.bundlePath)).toBe(bundleDir);
    const zip = fs.readFileSync(legalCase.bundlePath);
    expect(sha256Hex(zip)).toBe(legalCase.bundleSha256);
    const files = await readZip(zip);
    const manifest = manifestSchema.parse(JSON.parse(files.find((f) => f.name === MANIFEST_NAME)!.content.toString('utf8')));
    expect(manifestMismatches(manifest, files)).toEqual([]);
    expect(JSON.parse(files.find((f) => f.name === 'records/legalDecisions.json')!.content.toString('utf8'))).toEqual([expect.objectContaining({ id: decisionId, action: 'REFER' })]);

    expect(await runActivity(acts().referToLegal, input)).toEqual(legalCase);
    const logged = await bed.pool.query(`SELECT via, purpose FROM personal_data_access_log WHERE account_ids @> ARRAY[$1::text]`, [accountId]);
    expect(logged.rows).toEqual([{ via: 'EXPORT', purpose: 'legal referral evidence bundle' }]);
    expect(await auditKinds(accountId)).toEqual(['LEGAL_DECISION', 'LEGAL_REFERRAL']);
  });

  test('a referral on a decision that is not REFER, or another account’s, is refused', async () => {
    const accountId = await forAnAgency();
    const { decisionId } = await decide(accountId);
    expect((await failureOf(runActivity(acts().referToLegal, ref(accountId, decisionId)))).type).toBe(FailureType.UnknownLegalDecision);
    const other = await worthSuing();
    expect((await failureOf(runActivity(acts().referToLegal, ref(other, decisionId)))).type).toBe(FailureType.UnknownLegalDecision);
  });

  test('outcomes in order: filed with a hearing, asset preservation, judgment, recovered; bad ones refused and nothing changed', async () => {
    const accountId = await worthSuing();
    const { decisionId } = await decide(accountId);
    const { caseId } = await runActivity(acts().referToLegal, ref(accountId, decisionId));
    const report = (outcome: LegalOutcome, key = uniqueId('outcome')) => runActivity(acts().recordLegalOutcome, { idempotencyKey: key, accountId, outcome, at: NOW });
    const common = { caseId, reportedBy: 'legal-01' };
    const refused = async (outcome: LegalOutcome, message: RegExp) => {
      const err = await failureOf(report(outcome));
      expect(err.type).toBe(FailureType.LegalOutcomeNotAccepted);
      expect(err.message).toMatch(message);
    };

    await refused({ outcome: 'JUDGMENT', ...common, occurredOn: isoDateFrom(NOW, -3), amount: 9_000_000, currency: 'CNY' }, /a judgment comes after the case is filed/);
    await refused({ outcome: 'FILED', ...common, occurredOn: isoDateFrom(NOW, 2), courtReference: 'X' }, /in the future/);
    const filedKey = uniqueId('outcome');
    const filed = await report({ outcome: 'FILED', ...common, occurredOn: isoDateFrom(NOW, -20), courtReference: '(2026) Hu 0101 Min Chu 123', hearingOn: isoDateFrom(NOW, 10) }, filedKey);
    expect(filed).toMatchObject({ status: 'FILED', nextHearingOn: isoDateFrom(NOW, 10) });
    expect(await report({ outcome: 'FILED', ...common, occurredOn: isoDateFrom(NOW, -20), courtReference: '(2026) Hu 0101 Min Chu 123' }, filedKey)).toEqual(filed);
    await refused({ outcome: 'ASSET_PRESERVATION', ...common, occurredOn: isoDateFrom(NOW, -25) }, /before the last outcome \(FILED/);
    await refused({ outcome: 'FILED', ...common, occurredOn: isoDateFrom(NOW, -19), courtReference: 'again' }, /already filed/);
    await report({ outcome: 'ASSET_PRESERVATION', ...common, occurredOn: isoDateFrom(NOW, -15) });
    await refused({ outcome: 'JUDGMENT', ...common, occurredOn: isoDateFrom(NOW, -5), amount: 100, currency: 'USD' }, /the amount is in USD, the account in CNY/);
    await report({ outcome: 'JUDGMENT', ...common, occurredOn: isoDateFrom(NOW, -5), amount: 9_000_000, currency: 'CNY' });
    const recovered = await report({ outcome: 'RECOVERED', ...common, occurredOn: today, amount: 6_500_000, currency: 'CNY' });
    expect(recovered).toMatchObject({ status: 'RECOVERED', recovered: 6_500_000, nextHearingOn: null });
    expect(recovered.outcomes.map((o) => o.outcome)).toEqual(['FILED', 'ASSET_PRESERVATION', 'JUDGMENT', 'RECOVERED']);
    await refused({ outcome: 'UNRECOVERABLE', ...common, occurredOn: today }, /the case ended with RECOVERED/);
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM legal_outcomes WHERE case_id = $1', [caseId]);
    expect(rows[0].n).toBe(4);
  });
});

describe('agency placement and recall', () => {
  test('placed through the outbox once per key; a payment cures it: recalled, the recall in the outbox, a second recall finds the first', async () => {
    const accountId = await forAnAgency();
    const { decisionId, decision } = await decide(accountId);
    expect(decision.action).toBe('PLACE_WITH_AGENCY');
    const input = ref(accountId, decisionId);
    const placed = await runActivity(acts().placeWithAgency, input);
    expect(placed).toMatchObject({ accountId, agencyId: 'north-star-recoveries', commissionRate: 0.25, placedAmount: 800_000, recallBy: isoDateFrom(NOW, 180), status: 'PLACED', sent: true, recall: null });
    expect(await runActivity(acts().placeWithAgency, input)).toEqual(placed);
    expect(await runActivity(acts().placementOfAccount, { accountId })).toEqual(placed);

    const recall = { accountId, placementId: placed.placementId, reason: 'PAYMENT_CURED' as const, at: NOW };
    const recalled = await runActivity(acts().recallPlacement, { idempotencyKey: uniqueId('recall'), ...recall });
    expect(recalled).toMatchObject({ status: 'RECALLED', recall: { reason: 'PAYMENT_CURED', attempts: 1 } });
    const again = await runActivity(acts().recallPlacement, { idempotencyKey: uniqueId('recall'), ...recall, reason: 'HOLD_PLACED' as const });
    expect(again).toEqual(recalled);
    const outbox = await bed.pool.query(`SELECT kind, payload->>'accountId' AS account FROM agency_outbox WHERE payload->>'accountId' = $1 ORDER BY id`, [accountId]);
    expect(outbox.rows).toEqual([
      { kind: 'PLACEMENT', account: accountId },
      { kind: 'RECALL', account: accountId },
    ]);
    expect(await runActivity(acts().placementOfAccount, { accountId })).toBeNull();
    expect(await auditKinds(accountId)).toEqual(['LEGAL_DECISION', 'AGENCY_PLACEMENT', 'PLACEMENT_RECALL_REQUESTED', 'PLACEMENT_RECALLED']);
  });

  test('over HTTP: a recall the agency cannot take (503) is retried with the same key and sent once; one it refuses (400) is escalated, then resent', async () => {
    const http = bed.activitiesWith({ legalBundleDir: bundleDir, agencyProvider: new HttpAgencyProvider({ url: gateway.url, token: 'agency-token' }) });
    const placeAndRecall = async () => {
      const accountId = await forAnAgency();
      const { decisionId } = await decide(accountId);
      const placed = await runActivity(http.placeWithAgency, ref(accountId, decisionId));
      expect(placed).toMatchObject({ status: 'PLACED', sent: true });
      return { accountId, placed };
    };

    // a hold during the placement: recall at once; the agency is down for the first try
    const { accountId, placed } = await placeAndRecall();
    const recall = { idempotencyKey: uniqueId('recall'), accountId, placementId: placed.placementId, reason: 'HOLD_PLACED' as const, at: NOW };
    gateway.failNext(503);
    await expect(runActivity(http.recallPlacement, recall)).rejects.toThrow('agency north-star-recoveries answered HTTP 503; will retry with the same key');
    expect(await runActivity(http.placementOfAccount, { accountId })).toMatchObject({ status: 'RECALL_PENDING', recall: { reason: 'HOLD_PLACED', attempts: 1, sentAt: null } });
    const recalled = await runActivity(http.recallPlacement, recall);
    expect(recalled).toMatchObject({ status: 'RECALLED', recall: { attempts: 2 } });
    const calls = gateway.requests.filter((r) => r.idempotencyKey === recall.idempotencyKey);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ authorization: 'Bearer agency-token', json: { kind: 'RECALL', accountId, placementId: placed.placementId, reason: 'HOLD_PLACED' } });
    expect([...gateway.sent.keys()].filter((k) => k === recall.idempotencyKey)).toHaveLength(1);

    // the agency refuses the recall: the compensation escalates it to staff; the resend gets it through
    const second = await placeAndRecall();
    gateway.failNext(400);
    const escalated = await runActivity(http.recallPlacement, { idempotencyKey: uniqueId('recall'), accountId: second.accountId, placementId: second.placed.placementId, reason: 'TERM_ENDED', at: NOW });
    expect(escalated).toMatchObject({ status: 'RECALL_PENDING', recall: { reason: 'TERM_ENDED', attempts: 1, sentAt: null } });
    expect(await auditKinds(second.accountId)).toContain('PLACEMENT_RECALL_ESCALATED');
    const { rows } = await bed.pool.query(`SELECT r.status, r.last_error FROM placement_recalls r WHERE r.placement_id = $1`, [second.placed.placementId]);
    expect(rows).toEqual([{ status: 'ESCALATED', last_error: 'agency north-star-recoveries refused the message: HTTP 400' }]);
    const resent = await runActivity(http.resendRecalls, { at: NOW });
    expect(resent.sent).toBeGreaterThanOrEqual(1);
    expect(await runActivity(http.placementOfAccount, { accountId: second.accountId })).toBeNull();
  });

  test('a supervisor’s recall needs an active supervisor', async () => {
    const accountId = await forAnAgency();
    const { decisionId } = await decide(accountId);
    const placed = await runActivity(acts().placeWithAgency, ref(accountId, decisionId));
    const agent = await addAgent(bed.pool);
    const err = await failureOf(runActivity(acts().recallPlacement, { idempotencyKey: uniqueId('recall'), accountId, placementId: placed.placementId, reason: 'SUPERVISOR', requestedBy: agent, at: NOW }));
    expect(err.type).toBe(FailureType.NotASupervisor);
    expect(await runActivity(acts().placementOfAccount, { accountId })).toMatchObject({ status: 'PLACED', recall: null });
  });
});

describe('write-off and recoveries', () => {
  test('a card at 185 days under the US preset: recommended, refused to an agent, approved by a supervisor (WRITTEN_OFF); a later payment is a recovery, once', async () => {
    const accountId = await cardAtChargeOff();
    const { decisionId, decision } = await decide(accountId);
    expect(decision).toMatchObject({ action: 'RECOMMEND_WRITE_OFF', chargeOff: { jurisdiction: 'US', daysPastDue: 180, reached: true } });
    const recommended = await runActivity(acts().recommendWriteOff, { ...ref(accountId, decisionId), basis: 'CHARGE_OFF_REACHED' });
    expect(recommended).toMatchObject({ status: 'RECOMMENDED', currency: 'USD', amount: 100_000, basis: 'CHARGE_OFF_REACHED', recovered: 0 });

    const agent = await addAgent(bed.pool);
    const supervisor = await addAgent(bed.pool, { role: 'SUPERVISOR' });
    const decide_ = (supervisorId: string, d: 'APPROVE' | 'DECLINE' = 'APPROVE') =>
      runActivity(acts().decideWriteOff, { accountId, decision: { recommendationId: recommended.recommendationId, supervisorId, decision: d, reason: 'charged off at 180 days past due' }, at: NOW });
    expect((await failureOf(decide_(agent))).type).toBe(FailureType.NotASupervisor);
    const approved = await decide_(supervisor);
    expect(approved).toMatchObject({ status: 'APPROVED', amount: 100_000, decidedBy: supervisor, decisionReason: 'charged off at 180 days past due' });
    expect(await decide_(supervisor)).toEqual(approved);
    expect((await failureOf(decide_(supervisor, 'DECLINE'))).type).toBe(FailureType.WriteOffNotOpen);
    const status = async () => (await bed.pool.query('SELECT status FROM accounts WHERE id = $1', [accountId])).rows[0].status as string;
    expect(await status()).toBe('WRITTEN_OFF');

    await bed.pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, 5000, 'USD', $3, 'BANK_TRANSFER', 'API')`, [`late-${accountId}`, accountId, today]);
    const recovery = await runActivity(acts().recordRecovery, { accountId, paymentEventId: `late-${accountId}`, at: NOW });
    expect(recovery).toMatchObject({ recorded: true, writeOff: { status: 'APPROVED', recovered: 5_000 } });
    expect(await runActivity(acts().recordRecovery, { accountId, paymentEventId: `late-${accountId}`, at: NOW })).toMatchObject({ recorded: false, writeOff: { recovered: 5_000 } });
    expect(await status()).toBe('WRITTEN_OFF');
  });

  test('a payment on an account not written off is no recovery', async () => {
    const accountId = await forAnAgency();
    await pay(bed.pool, accountId, 1000, today);
    const { rows } = await bed.pool.query('SELECT event_id FROM payments WHERE account_id = $1', [accountId]);
    expect(await runActivity(acts().recordRecovery, { accountId, paymentEventId: rows[0].event_id as string, at: NOW })).toEqual({ recorded: false, writeOff: null });
  });
});

describe('closure and clean-up', () => {
  test('closed once with its reason (a second event finds the first), the account CLOSED; open tasks cancelled', async () => {
    const accountId = await forAnAgency();
    const { taskId } = await seedCallTask(bed.pool, accountId, {});
    const close = (eventId: string, reason: 'SOLD' | 'CLOSED_BY_BANK') => runActivity(acts().closeAccount, { accountId, workflowId: accountWorkflowId(accountId), event: { eventId, reason, closedOn: today, source: 'API', note: 'sold to a debt buyer' }, at: NOW });
    const first = await close(`close-${accountId}`, 'SOLD');
    expect(first).toMatchObject({ reason: 'SOLD', closedOn: today, firstEvent: `close-${accountId}` });
    expect(await close(`other-${accountId}`, 'CLOSED_BY_BANK')).toEqual(first);
    expect((await bed.pool.query('SELECT status FROM accounts WHERE id = $1', [accountId])).rows[0].status).toBe('CLOSED');
    expect(await runActivity(acts().releaseAccountWork, { accountId, at: NOW })).toEqual({ tasks: 1, appointments: 0 });
    expect((await bed.pool.query('SELECT status FROM agent_tasks WHERE id = $1', [taskId])).rows[0].status).toBe('CANCELLED');
  });
});

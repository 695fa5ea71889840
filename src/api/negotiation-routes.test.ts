/**
 * The negotiation read routes against the real API and Postgres: the newest offer without
 * the borrower's surplus, the plan in force with its progress, and 404s.
 */
import { createNegotiationActivities } from '../../activities/negotiation';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { accountWorkflowId } from '../domain/ids';
import { offerSchema, planViewSchema } from '../domain/negotiation';
import { apiTestbed } from '../../test/api-testbed';
import { runActivity } from '../../test/activity-testbed';
import { pay, setRiskTier } from '../../test/early-collection-seeds';
import { isoDateFrom, seedAccount, uniqueId } from '../../test/support';

const bed = apiTestbed('negotiation-api');
const NOW = Date.now();
const negotiation = () => createNegotiationActivities({ pool: bed.pool, smsProvider: new OutboxSmsProvider(bed.pool) });

async function offered(): Promise<{ accountId: string; offerId: number }> {
  const accountId = await seedAccount(bed.pool, { installments: [-40, -10, 20].map((d) => ({ dueDate: isoDateFrom(NOW, d), amount: 100_000 })) });
  await setRiskTier(bed.pool, accountId, 'LOW');
  const offer = await runActivity(negotiation().makeOffer, { idempotencyKey: uniqueId('offer'), accountId, workflowId: accountWorkflowId(accountId), statedSurplus: 500_000, at: NOW });
  return { accountId, offerId: offer.offerId };
}

test('GET /accounts/:id/offer: the newest offer, its exact schedules, no surplus', async () => {
  const { accountId, offerId } = await offered();
  const { status, json } = await bed.call('GET', `/accounts/${accountId}/offer`);
  expect(status).toBe(200);
  const offer = offerSchema.parse(json);
  expect(offer).toMatchObject({ offerId, accountId, status: 'OFFERED', surplus: null, instalmentBudget: null });
  for (const o of offer.options) expect(o.schedule.reduce((s, l) => s + l.amount, 0)).toBe(o.total);
  expect(JSON.stringify(json)).not.toContain('500000');
});

test('GET /accounts/:id/plan: the plan in force with what is paid; 404 before one is accepted and for an unknown account', async () => {
  const { accountId, offerId } = await offered();
  expect(await bed.call('GET', `/accounts/${accountId}/plan`)).toEqual({ status: 404, json: { error: `account ${accountId} has no plan in force` } });
  await runActivity(negotiation().respondToOffer, {
    idempotencyKey: uniqueId('answer'),
    accountId,
    workflowId: accountWorkflowId(accountId),
    response: { answer: 'ACCEPT', offerId, option: 'SETTLEMENT', respondedBy: 'BORROWER', via: 'API' },
    at: NOW,
  });
  await pay(bed.pool, accountId, 10_000, isoDateFrom(NOW, 0));

  const { status, json } = await bed.call('GET', `/accounts/${accountId}/plan`);
  expect(status).toBe(200);
  expect(planViewSchema.parse(json)).toMatchObject({ accountId, offerId, kind: 'SETTLEMENT', status: 'ACTIVE', paid: 10_000 });
  expect(await bed.call('GET', '/accounts/NO-SUCH-ACCOUNT/offer')).toEqual({ status: 404, json: { error: 'account NO-SUCH-ACCOUNT has no offer' } });
});

describe('the answer and the waiver decision (updates of the workflow)', () => {
  test('POST /accounts/:id/offer/response: a bad body names what is wrong; an unknown account 404; in someone else\'s name 403; no running workflow 409', async () => {
    const { accountId, offerId } = await offered();
    const bad = await bed.call('POST', `/accounts/${accountId}/offer/response`, { answer: 'ACCEPT', offerId, option: 'A_LOAN_FOR_FREE', respondedBy: 'BORROWER' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('option');
    expect((await bed.call('POST', '/accounts/NO-SUCH-ACCOUNT/offer/response', { answer: 'DECLINE', offerId, respondedBy: 'BORROWER' })).status).toBe(404);
    expect((await bed.call('POST', `/accounts/${accountId}/offer/response`, { answer: 'DECLINE', offerId, respondedBy: 'someone-else' })).status).toBe(403);
    // The offer was made by the activity alone: no workflow runs for the account.
    expect((await bed.call('POST', `/accounts/${accountId}/offer/response`, { answer: 'DECLINE', offerId, respondedBy: 'BORROWER' })).status).toBe(409);
  });

  test('POST /waivers/:id/decision: only a supervisor; a bad body 400; no such waiver 404', async () => {
    expect((await bed.call('POST', '/waivers/1/decision', { decision: 'APPROVE', reason: 'hardship documented' }, { role: 'AGENT' })).status).toBe(403);
    const bad = await bed.call('POST', '/waivers/1/decision', { decision: 'REDUCE', reason: 'hardship documented' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('approvedAmount');
    expect(await bed.call('POST', '/waivers/999999999/decision', { decision: 'REFUSE', reason: 'not within policy' })).toEqual({ status: 404, json: { error: 'no waiver 999999999' } });
  });
});

/**
 * Opt-outs end to end (issue 15 §5): the borrower's "STOP" reaches the webhook signed as
 * the SMS provider signs it, or a staff member records an opt-out through the API; the
 * running workflow's next contact on that channel is refused with the rule OPTED_OUT.
 * The time-skipping server walks the standard cadence (SMS day 0, call day 2, SMS day 3,
 * e-mail day 5), the real activities on the real Postgres.
 */
import { createHmac } from 'node:crypto';
import { loadTreatments } from '../treatments/load';
import { authorizationOf } from '../../test/api-testbed';
import { collectionHarness } from '../../test/collection-harness';
import { eventually, startTestApi, TEST_SMS_SIGNING_KEY, uniqueId, type TestApi } from '../../test/support';

const harness = collectionHarness({ name: 'opt-outs', treatments: loadTreatments() });
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ pool: harness.pool, temporal: harness.env.client, codecKeys: harness.codecKeys });
});
afterAll(async () => {
  await api?.close();
});

/** Signed the way the provider signs (computed here, not by the code under test). */
async function providerSends(body: object, { key = TEST_SMS_SIGNING_KEY, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const raw = JSON.stringify(body);
  const signature = `v1=${createHmac('sha256', key).update(`${timestamp}.${raw}`).digest('hex')}`;
  const response = await fetch(`${api.baseUrl}/sms/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sms-timestamp': String(timestamp), 'x-sms-signature': signature },
    body: raw,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const reply = (from: string, text: string) => ({ messageId: uniqueId('sms-in'), from, text, receivedAt: new Date().toISOString() });

async function contacts(accountId: string) {
  const { rows } = await harness.pool.query<{ channel: string; status: string }>('SELECT channel, status FROM contact_attempts WHERE account_id = $1 ORDER BY attempted_at, id', [accountId]);
  return rows.map((r) => `${r.channel} ${r.status}`);
}
async function blocks(accountId: string) {
  const { rows } = await harness.pool.query<{ channel: string; rule: string }>('SELECT channel, rule FROM contact_blocks WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows.map((r) => `${r.channel} ${r.rule}`);
}
async function optOuts(accountId: string) {
  const { rows } = await harness.pool.query(
    `SELECT o.channel, o.source, o.recorded_by, o.inbound_message_id, o.withdrawn_at FROM contact_opt_outs o JOIN accounts a ON a.borrower_id = o.borrower_id WHERE a.id = $1 ORDER BY o.channel`,
    [accountId],
  );
  return rows;
}

/** An account on the standard cadence whose first SMS has gone to `mobile`. */
async function remindedAccount(mobile: string) {
  const accountId = await harness.overdueAccount({ mobilePhone: mobile });
  const handle = await harness.start(accountId, 'standard');
  await eventually(() => contacts(accountId), (c) => c.includes('SMS SENT'));
  return { accountId, handle };
}

test('the borrower replies "退订": opted out of SMS from the provider\'s message; the day-3 SMS is refused with OPTED_OUT, the e-mail still goes', async () => {
  const mobile = `+86 139 ${String(Date.now()).slice(-8)}`;
  const { accountId, handle } = await remindedAccount(mobile);

  const stop = reply(mobile.replaceAll(' ', ''), '退订');
  expect(await providerSends(stop)).toEqual({ status: 200, json: { intent: 'OPT_OUT', borrowersMatched: 1, duplicate: false } });
  expect(await optOuts(accountId)).toEqual([{ channel: 'SMS', source: 'SMS_REPLY', recorded_by: null, inbound_message_id: stop.messageId, withdrawn_at: null }]);
  // the provider retrying the same message changes nothing
  expect(await providerSends(stop)).toEqual({ status: 200, json: { intent: 'OPT_OUT', borrowersMatched: 1, duplicate: true } });

  await harness.env.sleep('6 days');
  await eventually(() => contacts(accountId), (c) => c.includes('EMAIL SENT'));
  expect(await blocks(accountId)).toContain('SMS OPTED_OUT');
  expect((await contacts(accountId)).filter((c) => c.startsWith('SMS'))).toEqual(['SMS SENT']);
  await harness.closeOut(handle);
});

test('an agent records an opt-out of e-mail through the API: recorded with who and when; the day-5 e-mail is refused with OPTED_OUT', async () => {
  const { accountId, handle } = await remindedAccount(`+86 137 ${String(Date.now()).slice(-8)}`);
  const headers = await authorizationOf('POST', `/accounts/${accountId}/opt-outs`, { role: 'AGENT' });
  const send = async (body: unknown) => {
    const response = await fetch(`${api.baseUrl}/accounts/${accountId}/opt-outs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  expect(await send({ channel: 'FAX' })).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^channel:/)] } });
  expect(await optOuts(accountId)).toEqual([]);
  const first = await send({ channel: 'EMAIL' });
  expect(first).toMatchObject({ status: 200, json: { accountId, channel: 'EMAIL', source: 'STAFF', recordedNow: true } });
  expect(await send({ channel: 'EMAIL' })).toMatchObject({ status: 200, json: { optedOutAt: first.json.optedOutAt, recordedNow: false } });
  expect(await optOuts(accountId)).toEqual([expect.objectContaining({ channel: 'EMAIL', source: 'STAFF', recorded_by: expect.stringMatching(/\S/), withdrawn_at: null })]);

  await harness.env.sleep('6 days');
  await eventually(() => blocks(accountId), (b) => b.includes('EMAIL OPTED_OUT'));
  expect(await contacts(accountId)).not.toContain('EMAIL SENT');
  await harness.closeOut(handle);
});

test('an unknown account is 404; nothing recorded', async () => {
  const headers = await authorizationOf('POST', '/accounts/NO-SUCH-ACCOUNT/opt-outs', { role: 'SUPERVISOR' });
  const response = await fetch(`${api.baseUrl}/accounts/NO-SUCH-ACCOUNT/opt-outs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"channel":"SMS"}' });
  expect(response.status).toBe(404);
});

describe('the webhook refuses what the provider did not sign, and changes nothing', () => {
  const mobile = '+8613600000099';
  test.each([
    ['another key', { key: 'someone-else-s-key-0123456789abcdef' }],
    ['a timestamp ten minutes old (a replay)', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ])('%s: 401', async (_what, signing) => {
    const stop = reply(mobile, 'STOP');
    expect(await providerSends(stop, signing)).toMatchObject({ status: 401 });
    expect((await harness.pool.query('SELECT 1 FROM inbound_sms_replies WHERE provider_message_id = $1', [stop.messageId])).rowCount).toBe(0);
  });

  test('a body changed after signing: 401', async () => {
    const raw = JSON.stringify(reply(mobile, 'hello'));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v1=${createHmac('sha256', TEST_SMS_SIGNING_KEY).update(`${timestamp}.${raw}`).digest('hex')}`;
    const response = await fetch(`${api.baseUrl}/sms/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sms-timestamp': timestamp, 'x-sms-signature': signature },
      body: raw.replace('hello', 'STOP'),
    });
    expect(response.status).toBe(401);
  });

  test('a reply that is not an opt-out is kept as OTHER and opts nobody out', async () => {
    const accountId = await harness.overdueAccount({ mobilePhone: '+86 136 0000 0098' });
    expect(await providerSends(reply('+8613600000098', 'I will pay on Friday'))).toEqual({ status: 200, json: { intent: 'OTHER', borrowersMatched: 1, duplicate: false } });
    expect(await optOuts(accountId)).toEqual([]);
  });
});

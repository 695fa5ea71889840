/**
 * The whole role table, walked against the real API and tokens from the real local OpenID
 * provider: every route answers 401 without a token and with a bad one, 403 to every role
 * it does not list, and lets every role it lists through (whatever the route then says
 * about the empty request). And every route the server has is in the table.
 */
import { ROLES, type Role } from '../identity/roles';
import { apiTestbed, type ApiAnswer } from '../../test/api-testbed';
import { tokenOfRole } from '../../test/test-identities';
import { PROVIDER_SIGNED, ROUTE_ROLES } from './route-roles';

const bed = apiTestbed('route-roles');

/** A concrete request for a route pattern: every path parameter filled with a harmless id. */
const concrete = (key: string) => {
  const [method, pattern] = key.split(' ') as ['GET' | 'POST', string];
  return { method, path: pattern.replace(/:[A-Za-z]+/g, (p) => (/Id$/.test(p) && !/account|staff|event|hold/i.test(p) ? '2000000000' : 'NO-SUCH-ID')) };
};

const guarded = Object.entries(ROUTE_ROLES).filter((entry): entry is [string, readonly Role[]] => Array.isArray(entry[1]));
const refusedBy = (answer: ApiAnswer) => answer.status === 401 || answer.status === 403;

describe.each(guarded)('%s', (key, allowed) => {
  const { method, path } = concrete(key);

  const body = method === 'POST' ? {} : undefined;

  test('401 without a token, with a forged signature, and with something that is no token', async () => {
    const forged = (await tokenOfRole(allowed[0]!)).replace(/\.[^.]+$/, '.c2lnbmF0dXJl');
    const answers = [await bed.call(method, path, body, 'nobody'), await bed.call(method, path, body, { token: forged }), await bed.call(method, path, body, { token: 'not-a-jwt' })];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
  });

  test(`lets ${allowed.join(', ')} through; 403 to the rest`, async () => {
    const seen: Record<string, number | 'through'> = {};
    for (const role of ROLES) {
      const answer = await bed.call(method, path, body, { role });
      seen[role] = refusedBy(answer) && !/must be you/.test(String(answer.json.error)) ? answer.status : 'through';
    }
    expect(seen).toEqual(Object.fromEntries(ROLES.map((role) => [role, allowed.includes(role) ? 'through' : 403])));
  });
});

test('every route the server serves is in the role table, and only those', async () => {
  const { json } = await bed.call('GET', '/openapi.json', undefined, { role: 'COMPLIANCE' });
  const documented = Object.entries(json.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
  );
  const tabled = Object.keys(ROUTE_ROLES).filter((k) => !['GET /health', 'GET /openapi.json', 'OPTIONS *'].includes(k));
  expect(documented.sort()).toEqual(tabled.sort());
});

test('/health answers without a token (probes cannot sign in) and shows no data', async () => {
  const { status, json } = await bed.call('GET', '/health', undefined, 'nobody');
  expect(status).toBe(200);
  expect(Object.keys(json).sort()).toEqual(['postgres', 'status', 'temporal']);
});

describe('outside the bearer-token table: the SMS provider signs its webhook instead', () => {
  // The provider is no caller of ours: it holds no token of our OpenID provider, so a role
  // cannot say whether a request is its. Its HMAC signature does (sms-signature.ts); a
  // staff token, even a supervisor's, proves nothing about a forwarded SMS.
  const webhooks = Object.entries(ROUTE_ROLES).filter(([, allowed]) => allowed === PROVIDER_SIGNED).map(([key]) => key);

  test('only the inbound-SMS webhook is provider-signed', () => {
    expect(webhooks).toEqual(['POST /sms/inbound']);
  });

  test.each(ROLES)('a %s token without the signature gets 401, and nothing is recorded', async (role) => {
    const body = { messageId: `unsigned-${role}`, from: '+8613800000000', text: 'STOP', receivedAt: new Date().toISOString() };
    const answer = await bed.call('POST', '/sms/inbound', body, { role });
    expect(answer).toMatchObject({ status: 401, json: { error: expect.stringMatching(/sign the request/) } });
    expect((await bed.pool.query('SELECT 1 FROM inbound_sms_replies WHERE provider_message_id = $1', [body.messageId])).rowCount).toBe(0);
  });
});

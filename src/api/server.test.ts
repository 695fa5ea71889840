import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { newCodecKeys, startTestApi, type TestApi, testPool, testTemporalAddress } from '../../test/support';
import { createEncryptionCodec } from '../codec/data-converter';
import type { Pool } from '../db/pool';
import { connectClient } from '../temporal/client';
import { tokenOfRole } from '../../test/test-identities';

const UI_ORIGIN = 'http://localhost:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const jsonPayload = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const protoJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(data ?? []).toString('base64'),
});

describe('API server', () => {
  const keys = newCodecKeys();
  let pool: Pool;
  let temporal: Client;
  let api: TestApi;
  let baseUrl: string;

  beforeAll(async () => {
    pool = testPool();
    temporal = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: keys });
    api = await startTestApi({ pool, temporal, codecKeys: keys, corsOrigins: [UI_ORIGIN, 'http://127.0.0.1:8233'] });
    baseUrl = api.baseUrl;
  });

  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await pool?.end();
  });

  const call = (method: string, route: string, init: { headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${baseUrl}${route}`, {
      method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  /** as a signed-in supervisor (the codec's routes take a token, route-roles.ts) */
  const post = async (route: string, body: unknown, headers?: Record<string, string>) => {
    const response = await call('POST', route, { body, headers: headers ?? { authorization: `Bearer ${await tokenOfRole('SUPERVISOR')}` } });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) };
  };

  it('encodes then decodes proto-JSON payloads back to what the UI sent', async () => {
    const original = jsonPayload({ accountId: 'ACC-1', fullName: 'Wang Fang' });
    const encoded = await post('/codec/encode', { payloads: [original] });
    expect(encoded.status).toBe(200);
    expect(encoded.text).not.toContain(original.data);
    expect(Buffer.from(encoded.json.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');

    const decoded = await post('/codec/decode', encoded.json);
    expect(decoded.status).toBe(200);
    expect(decoded.json).toEqual({ payloads: [original] });
  });

  it('decodes nothing for a caller without a token, with a bad one, or without a role that may decode', async () => {
    const encoded = await post('/codec/encode', { payloads: [jsonPayload({ accountId: 'ACC-1' })] });
    const forged = (await tokenOfRole('SUPERVISOR')).replace(/\.[^.]+$/, '.AAAA');
    const answers = [
      await post('/codec/decode', encoded.json, {}),
      await post('/codec/decode', encoded.json, { authorization: `Bearer ${forged}` }),
      await post('/codec/decode', encoded.json, { authorization: `Bearer ${await tokenOfRole('SERVICE')}` }),
      await post('/codec/decode', encoded.json, { authorization: `Bearer ${await tokenOfRole('FIELD_COLLECTOR')}` }),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 403, 403]);
    for (const a of answers) expect(a.text).not.toContain('ACC-1');
  });

  it('lets the Temporal Web UI pass the signed-in user\'s token (authorization, authorization-extras)', async () => {
    const preflight = await call('OPTIONS', '/codec/decode', {
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,authorization-extras' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('authorization-extras'));
  });

  it('treats a body without payloads as none (proto-JSON omits empty arrays)', async () => {
    for (const route of ['/codec/encode', '/codec/decode']) {
      const response = await post(route, {});
      expect({ route, status: response.status, body: response.json }).toEqual({ route, status: 200, body: { payloads: [] } });
    }
  });

  it('refuses a malformed body with 400, naming the field', async () => {
    const response = await post('/codec/decode', { payloads: 'x' });
    expect(response.status).toBe(400);
    expect(response.json.issues.join('\n')).toMatch(/^payloads:/m);
  });

  it('refuses with 422 a payload encrypted under a key it does not hold, without leaking key material', async () => {
    const otherKeys = newCodecKeys();
    const foreign = await createEncryptionCodec(otherKeys).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"secret"') }]);
    const response = await post('/codec/decode', { payloads: foreign.map(protoJson) });
    expect(response.status).toBe(422);
    expect(response.text).not.toContain(keys.current.key);
    expect(response.text).not.toContain(otherKeys.current.key);
    expect(response.text).not.toContain('secret');
  });

  it('lets the Temporal Web UI, and no other origin, call the codec from the browser', async () => {
    const preflight = (origin: string) =>
      call('OPTIONS', '/codec/decode', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-namespace');

    const refused = await preflight('http://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('reports healthy when Postgres and Temporal both answer', async () => {
    const response = await call('GET', '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', postgres: 'ok', temporal: 'ok' });
  });
});

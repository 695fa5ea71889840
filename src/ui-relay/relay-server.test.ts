/**
 * The Web UI's codec relay against the real API (its codec endpoint, the tests' OpenID
 * provider, the access log in Postgres): 401 with nobody signed in or an expired sign-in,
 * the decode forwarded with the signed-in operator's token (and logged under them), the
 * codec's own refusal passed on, and loopback only.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { newCodecKeys, startTestApi, testPool, testTemporalAddress, uniqueId, type TestApi } from '../../test/support';
import { testRoleSubject, testTokenSettings, tokenOf } from '../../test/test-identities';
import { createEncryptionCodec } from '../codec/data-converter';
import { readAccessLog } from '../db/access-log';
import type { Pool } from '../db/pool';
import type { Role } from '../identity/roles';
import { createLogger } from '../logger';
import { connectClient } from '../temporal/client';
import { buildUiCodecRelay, listenOnLoopback, RELAY_HOST, uiOrigins } from './relay-server';
import { removeUiSignIn, writeUiSignIn } from './ui-sign-in';

const UI_PORT = 8233;
const [UI_ORIGIN] = uiOrigins(UI_PORT) as [string];
const codecKeys = newCodecKeys();
const codec = createEncryptionCodec(codecKeys);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-ui-relay-'));
const signInFile = path.join(dir, 'ui-sign-in.json');

let pool: Pool;
let client: Client | undefined;
let api: TestApi | undefined;
let relay: FastifyInstance | undefined;
let relayUrl = '';

beforeAll(async () => {
  pool = testPool();
  client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys });
  api = await startTestApi({ pool, temporal: client, codecKeys });
  relay = await buildUiCodecRelay({ log: createLogger('silent'), signInFile, codecUrl: `${api.baseUrl}/codec`, uiOrigins: uiOrigins(UI_PORT) });
  relayUrl = await listenOnLoopback(relay, 0);
});

afterAll(async () => {
  await relay?.close();
  await api?.close();
  await client?.connection.close();
  await pool?.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => removeUiSignIn(signInFile));

/** An encrypted payload of `{ accountId }`, as the workers write it, in the codec's proto-JSON. */
async function encryptedPayloadOf(accountId: string) {
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload({ accountId })]);
  return {
    metadata: Object.fromEntries(Object.entries(payload!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload!.data!).toString('base64'),
  };
}

/** POST {relay}/decode as the Web UI sends it (its Origin, X-Namespace). */
async function decodeThroughRelay(accountId: string, headers: Record<string, string> = { origin: UI_ORIGIN }) {
  const response = await fetch(`${relayUrl}/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: JSON.stringify({ payloads: [await encryptedPayloadOf(accountId)] }),
  });
  return { status: response.status, json: (await response.json()) as { payloads?: { data?: string }[]; error?: string } };
}

async function signInAs(role: Role): Promise<string> {
  const subject = testRoleSubject(role);
  writeUiSignIn(signInFile, { issuer: testTokenSettings().issuer, subject, roles: [role], accessToken: await tokenOf(subject), signedInAt: new Date().toISOString() });
  return subject;
}

const codecViewsOf = async (accountId: string) => (await readAccessLog(pool, { accountId, limit: 10 })).filter((e) => e.via === 'CODEC');

/** A decode through the relay is refused with `status` and a message saying `why`, and no view of the account is logged. */
async function expectRefused(status: number, why: string): Promise<void> {
  const accountId = uniqueId('RELAY');
  const answer = await decodeThroughRelay(accountId);
  expect(answer.status).toBe(status);
  expect(answer.json.error).toContain(why);
  expect(await codecViewsOf(accountId)).toEqual([]);
}

describe('who the relay decodes for', () => {
  it('answers 401 while nobody has signed the UI in, and nothing reaches the codec endpoint', async () => {
    await expectRefused(401, 'arrears ui sign-in');
  });

  it("forwards with the signed-in operator's token: the payload comes back decoded, and the view is logged under them", async () => {
    const accountId = uniqueId('RELAY');
    const subject = await signInAs('COMPLIANCE');
    const answer = await decodeThroughRelay(accountId);
    expect(answer.status).toBe(200);
    expect(JSON.parse(Buffer.from(answer.json.payloads![0]!.data!, 'base64').toString())).toEqual({ accountId });
    expect(await codecViewsOf(accountId)).toEqual([expect.objectContaining({ subject, roles: ['COMPLIANCE'], accountIds: [accountId], dataKinds: ['ANY_IN_PAYLOAD'], purpose: 'POST /codec/decode' })]);
  });

  it('answers 401 again once the operator signs out', async () => {
    await signInAs('SUPERVISOR');
    expect((await decodeThroughRelay(uniqueId('RELAY'))).status).toBe(200);
    expect(removeUiSignIn(signInFile)).toBe(true);
    expect((await decodeThroughRelay(uniqueId('RELAY'))).status).toBe(401);
  });

  it('answers 401 once the sign-in token has expired, without forwarding it', async () => {
    // a token whose `exp` has passed (the relay reads only its expiry; the API would refuse its signature too)
    const expired = await new SignJWT({ roles: ['SUPERVISOR'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('test-supervisor').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new Uint8Array(32).fill(7));
    writeUiSignIn(signInFile, { issuer: testTokenSettings().issuer, subject: 'test-supervisor', roles: ['SUPERVISOR'], accessToken: expired, signedInAt: new Date().toISOString() });
    await expectRefused(401, 'has expired');
  });

  it('takes a sign-in file that does not parse for nobody signed in', async () => {
    fs.writeFileSync(signInFile, '{"subject": "test-supervisor", "accessToken": ', { mode: 0o600 });
    await expectRefused(401, 'nobody has signed the Web UI in');
  });

  it("passes on the codec endpoint's 403 to a signed-in role that may not decode (an agent), and nothing is logged", async () => {
    await signInAs('AGENT');
    await expectRefused(403, 'may not POST /codec/decode');
  });

  it('refuses a body that is not payloads with 400, before forwarding', async () => {
    await signInAs('SUPERVISOR');
    const response = await fetch(`${relayUrl}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', origin: UI_ORIGIN }, body: JSON.stringify({ payloads: [{ data: 'not base64!' }] }) });
    expect(response.status).toBe(400);
  });
});

describe('loopback only, for the Web UI only', () => {
  it('listens on 127.0.0.1 alone', () => {
    const addresses = relay!.addresses().map((a) => (typeof a === 'string' ? { address: a } : a));
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.map((a) => a.address)).toEqual(addresses.map(() => RELAY_HOST));
  });

  it("cannot be reached on the machine's other addresses", async () => {
    const port = new URL(relayUrl).port;
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of others) {
      await expect(fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    }
    // the loopback address answers, so the refusals above are about the address
    expect((await fetch(`${relayUrl}/health`)).status).toBe(200);
  });

  it('refuses a request that names another host (a page reaching loopback through DNS rebinding)', async () => {
    await signInAs('SUPERVISOR');
    // fetch will not send a Host of its own: node:http will, as a browser does for a rebound name
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.request(`${relayUrl}/decode`, { method: 'POST', headers: { host: `arrears.attacker.example:${new URL(relayUrl).port}`, origin: UI_ORIGIN, 'content-type': 'application/json' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', reject);
      request.end(JSON.stringify({ payloads: [] }));
    });
    expect(status).toBe(403);
  });

  it('refuses a request from any page but the Web UI, and a request without an Origin', async () => {
    await signInAs('SUPERVISOR');
    const accountId = uniqueId('RELAY');
    expect((await decodeThroughRelay(accountId, { origin: 'http://localhost:9999' })).status).toBe(403);
    expect((await decodeThroughRelay(accountId, {})).status).toBe(403);
    expect(await codecViewsOf(accountId)).toEqual([]);
  });

  it("answers the Web UI's CORS preflight for its origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${relayUrl}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const ui = await preflight(UI_ORIGIN);
    expect(ui.status).toBe(204);
    expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ui.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

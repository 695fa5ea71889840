/**
 * The API when a dependency dies under it: real processes killed with SIGKILL (an
 * embedded Postgres, a Temporal dev server), then the answers a backend service gets:
 * 503 with Retry-After and a message, never a bare 500 or the driver's error text.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { createPool, type Pool } from '../db/pool';
import { createLogger } from '../logger';
import { freePort, startDevServer, type RunningDevServer } from '../setup/dev-server';
import type { ResolvedTool } from '../setup/temporal-tools';
import { connectClient } from '../temporal/client';
import { type KillablePostgres, startKillablePostgres } from '../../test/killable-postgres';
import { tokenOfRole } from '../../test/test-identities';
import { eventually, newCodecKeys, seedAccount, startTestApi, type TestApi, testPool, testTemporalAddress } from '../../test/support';

const keys = newCodecKeys();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-down-'));
  fs.chmodSync(dir, 0o755); // the postgres user must reach its cluster below
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function get(api: TestApi, route: string) {
  const response = await fetch(`${api.baseUrl}${route}`);
  return { status: response.status, retryAfter: response.headers.get('retry-after'), text: await response.text() };
}

const payment = { eventId: 'EVT-down-1', accountId: 'ACC-down-1', amount: 1000, currency: 'CNY', valueDate: '2026-12-01', method: 'BANK_TRANSFER' };

describe('with Postgres killed', () => {
  let postgres: KillablePostgres;
  let pool: Pool;
  let temporal: Client;
  let api: TestApi;
  beforeAll(async () => {
    postgres = await startKillablePostgres({ clusterDir: path.join(dir, 'postgres'), port: await freePort(), database: 'down_test' });
    pool = createPool(postgres.url, 2);
    temporal = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: keys });
    api = await startTestApi({ pool, temporal, codecKeys: keys });
  });
  afterAll(async () => {
    await api?.close();
    await pool?.end().catch(() => undefined);
    await temporal?.connection.close();
    await postgres?.stop();
  });

  it('health says which dependency is down, without the raw error; POST /payments answers 503 with Retry-After', async () => {
    expect(await get(api, '/health')).toEqual({ status: 200, retryAfter: null, text: JSON.stringify({ status: 'ok', postgres: 'ok', temporal: 'ok' }) });

    process.kill(postgres.postmasterPid, 'SIGKILL');
    await postgres.exited;

    // A pooled connection's backend may outlive its postmaster for a moment.
    const health = await eventually(() => get(api, '/health'), (h) => h.status !== 200, 20_000);
    expect(health).toEqual({ status: 503, retryAfter: '5', text: JSON.stringify({ status: 'degraded', postgres: 'unavailable', temporal: 'ok' }) });

    const response = await fetch(`${api.baseUrl}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOfRole('SERVICE')}` },
      body: JSON.stringify(payment),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'the database (PostgreSQL) is not reachable right now; retry in 5 seconds' });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});

describe('with Temporal killed', () => {
  let server: RunningDevServer;
  let pool: Pool;
  let temporal: Client;
  let api: TestApi;
  beforeAll(async () => {
    const cli = JSON.parse(process.env.ARREARS_TEST_CLI!) as ResolvedTool;
    server = await startDevServer({ cli, port: await freePort(), logFile: path.join(dir, 'temporal.log'), log: createLogger('silent') });
    pool = testPool();
    temporal = await connectClient({ address: server.address, namespace: 'default', codecKeys: keys });
    api = await startTestApi({ pool, temporal, codecKeys: keys });
  });
  afterAll(async () => {
    await api?.close();
    await pool?.end();
    await temporal?.connection.close();
    await server?.stop();
  });

  it('health reports Temporal unavailable (its probe has a deadline), without the raw error; a hold answers 503 with Retry-After', async () => {
    expect((await get(api, '/health')).status).toBe(200);

    process.kill(server.pid!, 'SIGKILL');
    await server.exited;

    const health = await get(api, '/health');
    expect(health).toEqual({ status: 503, retryAfter: '5', text: JSON.stringify({ status: 'degraded', postgres: 'ok', temporal: 'unavailable' }) });

    // a hold for an account in the loan book: the signal cannot reach Temporal
    const accountId = await seedAccount(pool, { installments: [{ dueDate: '2026-11-01', amount: 10_000 }] });
    const response = await fetch(`${api.baseUrl}/accounts/${accountId}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOfRole('SUPERVISOR')}` },
      body: JSON.stringify({ holdId: 'dispute-1', reason: 'DISPUTE' }),
    });
    expect({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() }).toEqual({
      status: 503,
      retryAfter: '5',
      body: { error: 'the workflow engine (Temporal) is not reachable right now; retry in 5 seconds' },
    });
  });
});

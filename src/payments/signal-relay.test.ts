/**
 * Temporal stopped while a payment arrives: the payment is accepted (Postgres first),
 * the relay keeps trying, and once Temporal is back the workflow gets it, once.
 * This file runs its own dev server (a SQLite file, so workflows survive the restart)
 * and uses the isolated test database, so its relay is the only one on that outbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Client } from '@temporalio/client';
import type { Pool } from '../db/pool';
import { isoDateOf } from '../domain/dates';
import { accountWorkflowId } from '../domain/ids';
import { createLogger } from '../logger';
import { freePort, type RunningDevServer, startDevServer } from '../setup/dev-server';
import type { ResolvedTool } from '../setup/temporal-tools';
import { startAccountCollections } from '../temporal/start-account-collections';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, type TestWorker, testDatabaseUrl, testPool, uniqueId } from '../../test/support';
import { summaryQuery } from '../../workflows/account/contract';
import { acceptPayment } from './accept-payment';
import { SignalRelay } from './signal-relay';

const log = createLogger('silent');
const codecKeys = newCodecKeys();
const taskQueue = uniqueId('relay');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-relay-'));
let port: number;
let server: RunningDevServer;
let pool: Pool;
let client: Client;
let testWorker: TestWorker;
let relay: SignalRelay;

const startServer = () =>
  startDevServer({
    cli: JSON.parse(process.env.ARREARS_TEST_CLI as string) as ResolvedTool,
    port,
    dbFile: path.join(dir, 'temporal.sqlite'),
    logFile: path.join(dir, 'temporal.log'),
    log,
  });

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
  pool = testPool('isolated');
  testWorker = await startTestWorker({ address: server.address, taskQueue, codecKeys, pool });
  client = testWorker.client;
  relay = new SignalRelay({ databaseUrl: testDatabaseUrl('isolated'), pool, client, taskQueue, log, pollIntervalMs: 200 });
  await relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await testWorker?.stop();
  await server?.stop();
  await pool?.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a payment accepted while Temporal is down reaches the workflow once Temporal is back', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 50_000 }] });
  await startAccountCollections(client, [accountId], { taskQueue, log });
  const handle = client.workflow.getHandle(accountWorkflowId(accountId));
  await eventually(
    () => handle.query(summaryQuery),
    (s) => s.stage === 'REMINDING',
  );
  // The first reminder must be done before Temporal goes away: a reminder still in
  // flight would, on retry, find the payment in Postgres and cure the run itself
  // (NOT_NEEDED), and this test is about the relay delivering it.
  const reminded = await eventually(
    async () => (await pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1', [accountId])).rows[0].n as number,
    (n) => n === 1,
  );
  expect(reminded).toBe(1);

  await server.stop();
  const eventId = uniqueId('EVT');
  const accepted = await acceptPayment(pool, { eventId, accountId, amount: 50_000, currency: 'CNY', valueDate: isoDateOf(Date.now()), method: 'CARD' });
  expect(accepted.kind).toBe('ACCEPTED');

  // The relay tries, fails and backs off; the payment waits in the outbox.
  const waiting = await eventually(
    async () => (await pool.query('SELECT attempts, last_error, delivered_at FROM signal_outbox WHERE event_id = $1', [eventId])).rows[0],
    (row) => row && row.attempts >= 1,
    60_000,
  );
  expect(waiting).toMatchObject({ delivered_at: null });
  expect(waiting.last_error).toBeTruthy();

  server = await startServer();
  const result = await handle.result();
  expect(result.outcome).toBe('CURED');
  expect(result.summary.paymentsCounted).toBe(1);
  const delivered = await pool.query('SELECT outcome FROM signal_outbox WHERE event_id = $1', [eventId]);
  expect(delivered.rows).toEqual([{ outcome: 'SIGNALLED' }]);
}, 180_000);

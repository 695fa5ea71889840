/**
 * What test files share: the real servers global-setup started, and a way to put
 * accounts into the loan book. Each test uses fresh random ids, so files can run
 * side by side against one database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { buildApiServer } from '../src/api/server';
import { createDataConverter, createEncryptionCodec, type CodecKeys } from '../src/codec/data-converter';
import { createPool, type Pool } from '../src/db/pool';
import { createLogger } from '../src/logger';
import { connectClient } from '../src/temporal/client';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes';
import { createArrearsWorker } from '../workers/create-worker';
import { ephemeralExecutable, type ResolvedTool } from '../src/setup/temporal-tools';
import { daytimeZoneAt } from '../src/domain/time-zones';
import { createTokenVerifier } from '../src/identity/verify-token';
import { testTokenSettings } from './test-identities';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (global-setup starts the servers)`);
  return value;
}

/** The shared test database, or (`isolated`) one no other test file writes to. */
export const testDatabaseUrl = (which: 'shared' | 'isolated' = 'shared') =>
  required(which === 'shared' ? 'ARREARS_TEST_DATABASE_URL' : 'ARREARS_TEST_ISOLATED_DATABASE_URL');

export function testPool(which: 'shared' | 'isolated' = 'shared'): Pool {
  const url = testDatabaseUrl(which);
  // Tests write freely: refuse any database whose name does not say so.
  if (!/test/i.test(new URL(url).pathname)) throw new Error(`refusing to test against ${new URL(url).pathname}`);
  return createPool(url, 5);
}

export const testTemporalAddress = () => required('ARREARS_TEST_TEMPORAL_ADDRESS');
export const testWorkflowBundle = () => ({ codePath: required('ARREARS_TEST_WORKFLOW_BUNDLE') });

export function newCodecKeys(): CodecKeys {
  return { current: { keyId: `test-${randomUUID().slice(0, 8)}`, key: randomBytes(32).toString('base64') }, previous: [] };
}

/** The official time-skipping test server, its client speaking through the encrypting converter. */
export async function createTimeSkippingEnv(codecKeys: CodecKeys): Promise<TestWorkflowEnvironment> {
  const tool = JSON.parse(required('ARREARS_TEST_SERVER')) as ResolvedTool;
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: ephemeralExecutable(tool) },
    client: { dataConverter: createDataConverter(codecKeys) },
  });
  await registerSearchAttributes(env.connection, 'default');
  return env;
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;

export interface SeedInstallment {
  dueDate: string;
  /** minor units, split 80/15/5 into principal, interest and fees */
  amount: number;
}

export interface SeedAccount {
  accountId?: string;
  /** a second account of an existing borrower (their personal data is kept as it is) */
  borrowerId?: string;
  currency?: string;
  installments: SeedInstallment[];
  mobilePhone?: string | null;
  email?: string | null;
  /** the borrower's zone; default: one where it is midday now (see daytimeZoneAt) */
  timeZone?: string;
  jurisdiction?: 'CN' | 'US';
}

export { daytimeZoneAt };

/** A borrower with one account and its schedule; returns the account id. */
export async function seedAccount(pool: Pool, seed: SeedAccount): Promise<string> {
  const accountId = seed.accountId ?? uniqueId('ACC');
  const borrowerId = seed.borrowerId ?? `B-${accountId}`;
  const inserted = await pool.query('INSERT INTO borrowers (id, time_zone, jurisdiction) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
    borrowerId,
    seed.timeZone ?? daytimeZoneAt(Date.now()),
    seed.jurisdiction ?? 'CN',
  ]);
  if (inserted.rowCount === 1) {
    await pool.query('INSERT INTO borrower_personal_data (borrower_id, full_name, mobile_phone, email) VALUES ($1, $2, $3, $4)', [
      borrowerId,
      'Test Borrower',
      seed.mobilePhone === undefined ? '+8613800000000' : seed.mobilePhone,
      seed.email === undefined ? `borrower-${accountId.toLowerCase()}@example.test` : seed.email,
    ]);
  }
  const principal = seed.installments.reduce((sum, i) => sum + i.amount, 0);
  await pool.query(`INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on) VALUES ($1, $2, 'LOAN', $3, $4, '2024-01-01')`, [
    accountId,
    borrowerId,
    seed.currency ?? 'CNY',
    principal,
  ]);
  for (const [n, inst] of seed.installments.entries()) {
    const interest = Math.round(inst.amount * 0.15);
    const fees = Math.round(inst.amount * 0.05);
    await pool.query('INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due) VALUES ($1, $2, $3, $4, $5, $6)', [
      accountId,
      n + 1,
      inst.dueDate,
      inst.amount - interest - fees,
      interest,
      fees,
    ]);
  }
  return accountId;
}

/** An ISO date `days` after the instant `nowMs` (negative: before it). */
export function isoDateFrom(nowMs: number, days: number): string {
  return new Date(nowMs + days * 86_400_000).toISOString().slice(0, 10);
}

/** What a wait last saw, short enough for a test report. */
function describeSeen(last: { value: unknown } | { error: unknown }): string {
  if ('error' in last) return `an error: ${last.error instanceof Error ? last.error.message : String(last.error)}`;
  const text = inspect(last.value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

/** A wait whose condition never held: fails the test that waited, saying what it saw last. */
export class WaitTimedOut extends Error {
  override name = 'WaitTimedOut';
}

/**
 * Polls until `done(value)` and returns that value (in real time: a time-skipping
 * server's clock holds meanwhile). Errors count as "not yet". On timeout it throws
 * WaitTimedOut naming the condition and the last value (or error) seen, so a bare
 * `await eventually(...)` is an assertion of its condition.
 */
export async function eventually<T>(check: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last: { value: T } | { error: unknown } = await check().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('value' in last && done(last.value)) return last.value;
    if (Date.now() > deadline) {
      throw new WaitTimedOut(`waited ${timeoutMs} ms for ${done.toString()}; last saw ${describeSeen(last)}`, { cause: 'error' in last ? last.error : undefined });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestWorker {
  client: Client;
  worker: Worker;
  /** Shuts the worker down (after its in-flight tasks) and closes both connections. */
  stop(): Promise<void>;
}

/**
 * A client and an `arrears` worker (the real activities, the outbox SMS provider)
 * against a Temporal server, on a task queue of the test's own: the dev server at
 * `address`, or a time-skipping `env` (whose connections its teardown closes).
 */
export async function startTestWorker({
  address,
  env,
  taskQueue,
  codecKeys,
  pool,
}: { taskQueue: string; codecKeys: CodecKeys; pool: Pool } & ({ address: string; env?: undefined } | { env: TestWorkflowEnvironment; address?: undefined })): Promise<TestWorker> {
  const client = env ? env.client : await connectClient({ address: address!, namespace: 'default', codecKeys });
  const connection = env ? env.nativeConnection : await NativeConnection.connect({ address: address! });
  const worker = await createArrearsWorker({
    connection,
    namespace: 'default',
    taskQueue,
    codecKeys,
    deps: { pool, smsProvider: new OutboxSmsProvider(pool), temporalClient: client },
    workflowBundle: testWorkflowBundle(),
  });
  const running = worker.run();
  return {
    client,
    worker,
    async stop() {
      worker.shutdown();
      await running.catch(() => undefined);
      if (env) return;
      await connection.close();
      await client.connection.close();
    },
  };
}

export interface TestApi {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The API server (real routes, real Postgres, a Temporal client) on a free loopback
 * port. Over a real socket: Fastify's app.inject needs light-my-request, whose ESM-only
 * `cookie` dependency Jest's module loader cannot require on Node 20.
 */
/** The SMS provider's webhook key every test API takes (the tests sign as the provider with it). */
export const TEST_SMS_SIGNING_KEY = 'test-sms-provider-signing-key-0123456789';

export async function startTestApi({ pool, temporal, codecKeys, corsOrigins = [] }: { pool: Pool; temporal: Client; codecKeys: CodecKeys; corsOrigins?: string[] }): Promise<TestApi> {
  const app = await buildApiServer({
    log: createLogger('silent'),
    codec: createEncryptionCodec(codecKeys),
    corsOrigins,
    pool,
    temporal,
    verifyToken: createTokenVerifier(testTokenSettings()),
    smsInboundSigningKey: TEST_SMS_SIGNING_KEY,
  });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { baseUrl, close: () => app.close() };
}

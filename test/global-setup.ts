/**
 * Starts the real servers the tests need, once per `npm test`:
 * - the Temporal CLI and the time-skipping test server, provisioned like `npm start` does;
 * - PostgreSQL: TEST_DATABASE_URL, or a throw-away embedded cluster under .data/test/,
 *   with a fresh `arrears_test` database migrated to the latest schema;
 * - a headless, in-memory Temporal dev server for the integration tests;
 * - the workflow bundle, built once and shared by every test worker.
 * Their addresses reach the test files through environment variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { migrateUp } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { DEFAULT_DATA_DIR } from '../src/paths';
import { freePort, startDevServer } from '../src/setup/dev-server';
import { recreateDatabase, startPostgres } from '../src/setup/postgres';
import { ensureTemporalCli, ensureTestServer } from '../src/setup/temporal-tools';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workers/workflow-bundle-options';
import { addSignInAccount } from '../src/identity/directory';
import { newSecret, newSigningKey } from '../src/identity/local-secrets';
import { ROLES } from '../src/identity/roles';
import { startLocalProvider } from '../src/identity/start-local-provider';
import { createPool } from '../src/db/pool';
import { testRoleSubject } from './test-identities';

const TEST_DIR = path.join(DEFAULT_DATA_DIR, 'test');

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  // The application's own logger (src/logger.ts) reads LOG_LEVEL; tests are quiet unless asked.
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'error';
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-setup');
  fs.mkdirSync(TEST_DIR, { recursive: true });

  const [cli, testServer] = await Promise.all([ensureTemporalCli({ log, allowSdkDownload: true }), ensureTestServer({ log, allowSdkDownload: true })]);

  const external = process.env.TEST_DATABASE_URL;
  if (external && !/test/i.test(new URL(external).pathname)) {
    throw new Error(`TEST_DATABASE_URL must name a database whose name says "test" (tests drop and recreate it): ${new URL(external).pathname}`);
  }
  // Everything of this run lives in one throw-away folder (initdb takes under a second):
  // runs never share state or collide, and nothing is left behind.
  const runDir = fs.mkdtempSync(path.join(TEST_DIR, 'run-'));
  fs.chmodSync(runDir, 0o755); // Postgres runs as its own user and must reach its cluster below
  const postgres = await startPostgres({ clusterDir: path.join(runDir, 'postgres'), port: await freePort(), database: 'postgres', log, unsafeFast: true });
  const databaseUrl = external ?? postgres.url.replace(/\/postgres$/, '/arrears_test');
  const adminUrl = external ? external.replace(/\/[^/]+$/, '/postgres') : postgres.url;
  // A second database for tests that must not share state with the others (e.g. one
  // that runs its own outbox relay against its own Temporal server).
  const isolatedUrl = databaseUrl.replace(/\/([^/]+)$/, '/$1_isolated');
  for (const url of [databaseUrl, isolatedUrl]) {
    await recreateDatabase(adminUrl, new URL(url).pathname.slice(1));
    await migrateUp(url, log);
  }

  // The local OpenID provider, its directory in the shared database, with one sign-in
  // account per role (not staff: they get no call tasks or visits) for the route tests.
  const pool = createPool(databaseUrl, 1);
  for (const role of ROLES.filter((r) => r !== 'SERVICE')) await addSignInAccount(pool, { subject: testRoleSubject(role), displayName: `Test ${role}`, roles: [role] });
  await pool.end();
  const secrets = { signInSecret: newSecret(), serviceSecret: newSecret(), signingKey: await newSigningKey() };
  const provider = await startLocalProvider({ port: await freePort(), databaseUrl, secrets, logFile: path.join(runDir, 'oidc-provider.log') });

  const devServer = await startDevServer({ cli, port: await freePort(), logFile: path.join(runDir, 'temporal-dev-server.log'), log });

  const bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: { trace() {}, debug() {}, info() {}, warn: (m) => log.warn(m), error: (m) => log.error(m), log() {} } });
  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  Object.assign(process.env, {
    ARREARS_TEST_DATABASE_URL: databaseUrl,
    ARREARS_TEST_ISOLATED_DATABASE_URL: isolatedUrl,
    ARREARS_TEST_TEMPORAL_ADDRESS: devServer.address,
    ARREARS_TEST_SERVER: JSON.stringify(testServer),
    ARREARS_TEST_CLI: JSON.stringify(cli),
    ARREARS_TEST_WORKFLOW_BUNDLE: bundlePath,
    ARREARS_TEST_OIDC_ISSUER: provider.issuer,
    ARREARS_TEST_SIGN_IN_SECRET: secrets.signInSecret,
    ARREARS_TEST_SERVICE_SECRET: secrets.serviceSecret,
  });
  (globalThis as Record<string, unknown>).__arrearsServers = { postgres, devServer, provider: provider.process, runDir };
  log.warn({ ms: Date.now() - started, cli: cli.kind === 'binary' ? cli.source : cli.kind }, 'test servers ready');
}

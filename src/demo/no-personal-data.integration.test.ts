/**
 * SPEC §5, issue 15 §2: after a demo run, 0 personal values (names, phones, e-mail
 * addresses, home, work and visit addresses, ID numbers, as the demo's Postgres holds them)
 * appear in any exported workflow history or in any log file.
 *
 * The demo runs as `npm start` runs it: the launcher (src/launcher/start.ts) in a child
 * process, headless, with a small portfolio, its own data dir (logs included), a database
 * of its own, and a Temporal dev server of the test's own (so every workflow in it is the
 * demo's). The launcher starts the local OpenID provider, the worker and the API, loads the
 * demo, screens it (one workflow per overdue account) and moves a few accounts to
 * APPOINTMENT and VISIT; then it is stopped and its logs read.
 *
 * Histories are exported as the Temporal CLI exports them (JSON, payloads base64) and
 * searched twice: raw, and with every payload's metadata and every unencrypted payload's
 * data decoded, plus the run's own summaries and details decoded through the codec.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createDataConverter, createEncryptionCodec, type CodecKeys } from '../codec/data-converter';
import type { CodecKey } from '../codec/encryption-codec';
import { createPool, type Pool } from '../db/pool';
import { createLogger } from '../logger';
import { PROJECT_ROOT } from '../paths';
import { startChildProcess, waitFor, type ManagedProcess } from '../setup/child-process';
import { freePort, startDevServer, type RunningDevServer } from '../setup/dev-server';
import { ensureTemporalCli } from '../setup/temporal-tools';
import { emptyTestDatabase } from '../../test/own-database';
import { eventually } from '../../test/support';

const DEMO_ACCOUNTS = 12;
const ENCRYPTED = 'binary/encrypted';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-no-pii-'));
const logDir = path.join(dataDir, 'logs');
let devServer: RunningDevServer | undefined;
let launcher: ManagedProcess | undefined;
let pool: Pool;
let client: Client;
let codecKeys: CodecKeys;
/** every personal value in the demo's Postgres, with the place it came from */
let personal: { value: string; from: string }[];

/** The demo's personal values, and each phone also as its digits alone (a log could strip the +). */
async function personalValues(db: Pool): Promise<{ value: string; from: string }[]> {
  const { rows } = await db.query<{ value: string; from: string }>(`
    SELECT v.value, v.source AS from FROM (
      SELECT full_name AS value, 'borrower name' AS source FROM borrower_personal_data
      UNION ALL SELECT mobile_phone, 'mobile' FROM borrower_personal_data
      UNION ALL SELECT email, 'e-mail' FROM borrower_personal_data
      UNION ALL SELECT home_address, 'home address' FROM borrower_personal_data
      UNION ALL SELECT id_number, 'ID number' FROM borrower_personal_data
      UNION ALL SELECT value, 'contact point ' || kind FROM borrower_contact_points
      UNION ALL SELECT full_name, 'family contact name' FROM family_contact_personal_data
      UNION ALL SELECT phone, 'family contact phone' FROM family_contact_personal_data
      UNION ALL SELECT address, 'visit address' FROM appointment_addresses
    ) v WHERE v.value IS NOT NULL AND length(v.value) >= 4`);
  const phones = rows.filter((r) => /^\+?[\d\s()-]{8,}$/.test(r.value)).map((r) => ({ value: r.value.replace(/\D/g, ''), from: `${r.from} (digits)` }));
  return [...rows, ...phones];
}

const found = (text: string) => personal.filter((p) => text.includes(p.value)).map((p) => `${p.from}: ${p.value}`);

/** Every Payload-shaped object (`{ metadata, data? }`) in an exported history. */
function payloadsIn(node: unknown, into: { metadata: Record<string, string>; data?: string }[] = []) {
  if (Array.isArray(node)) for (const item of node) payloadsIn(item, into);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && Object.values(o.metadata).every((v) => typeof v === 'string')) into.push(o as never);
    for (const value of Object.values(o)) payloadsIn(value, into);
  }
  return into;
}
const fromBase64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

beforeAll(async () => {
  const log = createLogger('warn', 'no-pii-test');
  const databaseUrl = await emptyTestDatabase('no_personal_data');
  devServer = await startDevServer({ cli: await ensureTemporalCli({ log }), port: await freePort(), logFile: path.join(logDir, 'temporal-dev-server.log'), log });
  // The launcher as `npm start` runs it, but on the test's servers and free ports; no test settings leak in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ARREARS_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: devServer.address,
    API_PORT: String(await freePort()),
    OIDC_LOCAL_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
  launcher = startChildProcess('the launcher', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'launcher', 'start.ts'), '--accounts', String(DEMO_ACCOUNTS)], {
    env,
    logFile: path.join(logDir, 'launcher.log'),
  });
  const launcherLog = () => fs.readFileSync(path.join(logDir, 'launcher.log'), 'utf8');
  await waitFor(launcher, async () => /"msg":"ready"/.test(launcherLog()), 300_000);

  pool = createPool(databaseUrl, 2);
  codecKeys = { current: JSON.parse(fs.readFileSync(path.join(dataDir, 'codec-key.json'), 'utf8')) as CodecKey, previous: [] };
  client = new Client({ connection: await Connection.connect({ address: devServer.address }), dataConverter: createDataConverter(codecKeys) });
  // the cadence's first contacts are out before the demo is stopped
  await eventually(async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM contact_attempts WHERE status = 'SENT'`)).rows[0]!.n, (n) => n >= DEMO_ACCOUNTS / 2, 60_000);
  await launcher.stop();
  personal = await personalValues(pool);
}, 420_000);

afterAll(async () => {
  await launcher?.stop();
  await client?.connection.close();
  await pool?.end();
  await devServer?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the demo ran: its Postgres holds personal data, its workflows ran and some reached the field', async () => {
  expect(personal.filter((p) => p.from === 'borrower name')).toHaveLength(DEMO_ACCOUNTS);
  expect(personal.filter((p) => p.from === 'ID number')).toHaveLength(DEMO_ACCOUNTS);
  const { rows } = await pool.query<{ to_stage: string }>('SELECT DISTINCT to_stage FROM stage_transitions');
  expect(rows.map((r) => r.to_stage)).toEqual(expect.arrayContaining(['SCREENED', 'REMINDING', 'APPOINTMENT']));
  // the logs the test reads are there
  expect(fs.readdirSync(logDir).sort()).toEqual(expect.arrayContaining(['api.log', 'launcher.log', 'oidc-provider.log', 'temporal-dev-server.log', 'worker.log']));
});

test('0 personal values in any exported workflow history: raw, with payload metadata and unencrypted payloads decoded, and the run\'s summaries and details decoded', async () => {
  const codec = createEncryptionCodec(codecKeys);
  const leaks: string[] = [];
  let histories = 0;
  let encryptedPayloads = 0;
  for await (const execution of client.workflow.list()) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const raw = historyToJSON(history);
    histories++;
    leaks.push(...found(raw).map((l) => `${execution.workflowId} raw: ${l}`));
    const parsed = JSON.parse(raw) as unknown;
    const decoded: string[] = [];
    for (const payload of payloadsIn(parsed)) {
      const metadata = Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, fromBase64(v)]));
      decoded.push(JSON.stringify(metadata));
      if (metadata.encoding === ENCRYPTED) encryptedPayloads++;
      else if (payload.data) decoded.push(fromBase64(payload.data));
    }
    // the run's own user metadata (activity and timer summaries) is ours: read it in the clear
    for (const event of history.events ?? []) {
      for (const meta of [event.userMetadata?.summary, event.userMetadata?.details]) {
        if (meta) decoded.push(String(defaultPayloadConverter.fromPayload((await codec.decode([meta as Payload]))[0]!)));
      }
    }
    leaks.push(...found(decoded.join('\n')).map((l) => `${execution.workflowId} decoded: ${l}`));
  }
  expect(histories).toBeGreaterThanOrEqual(DEMO_ACCOUNTS / 2);
  expect(encryptedPayloads).toBeGreaterThan(histories);
  expect(leaks).toEqual([]);
});

test('0 personal values in any log file of the run', () => {
  const files = fs.readdirSync(logDir);
  const leaks = files.flatMap((file) => found(fs.readFileSync(path.join(logDir, file), 'utf8')).map((l) => `${file}: ${l}`));
  expect(files.length).toBeGreaterThanOrEqual(5);
  expect(leaks).toEqual([]);
});

test('the search is not blind: a personal value written into a log is found', () => {
  const sample = personal.find((p) => p.from === 'home address')!;
  expect(found(`{"msg":"oops","address":"${sample.value}"}`)).toContain(`home address: ${sample.value}`);
  expect(found('{"msg":"ok","accountId":"DEMO-A00001"}')).toEqual([]);
});

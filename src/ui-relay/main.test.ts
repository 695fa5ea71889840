/**
 * The relay process as `npm start` runs it (`node --import tsx src/ui-relay/main.ts`, its
 * settings from the environment): it listens on UI_CODEC_RELAY_PORT on loopback, serves the
 * Web UI on TEMPORAL_UI_PORT, and answers 401 while nobody has signed the UI in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { startChildProcess, waitFor, type ManagedProcess } from '../setup/child-process';
import { freePort } from '../setup/dev-server';
import { eventually } from '../../test/support';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-relay-main-'));
let relay: ManagedProcess | undefined;
let relayUrl = '';
let uiOrigin = '';

beforeAll(async () => {
  const [relayPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  relayUrl = `http://127.0.0.1:${relayPort}`;
  uiOrigin = `http://localhost:${uiPort}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ARREARS_DATA_DIR: dataDir, UI_CODEC_RELAY_PORT: String(relayPort), TEMPORAL_UI_PORT: String(uiPort), API_PORT: String(apiPort), LOG_LEVEL: 'info' };
  relay = startChildProcess('ui-codec-relay', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'ui-relay', 'main.ts')], { env, logFile: path.join(dataDir, 'relay.log'), graceMs: 5_000 });
  await waitFor(relay, async () => (await fetch(`${relayUrl}/health`)).ok, 60_000);
}, 90_000);

afterAll(async () => {
  await relay?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('listens on the configured loopback port and answers the Web UI 401 while nobody has signed it in', async () => {
  const response = await fetch(`${relayUrl}/decode`, { method: 'POST', headers: { origin: uiOrigin, 'content-type': 'application/json' }, body: '{"payloads":[]}' });
  expect(response.status).toBe(401);
  expect(response.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect(((await response.json()) as { error: string }).error).toContain('arrears ui sign-in');
});

test('logs where it listens, loopback only', async () => {
  // pino writes asynchronously: the line may follow the first answer
  const log = await eventually(async () => fs.readFileSync(path.join(dataDir, 'relay.log'), 'utf8'), (text) => text.includes('codec relay listens'), 10_000);
  expect(log).toContain('"msg":"the Web UI codec relay listens (loopback only)"');
  expect(log).toContain(`"address":"${relayUrl}"`);
});

/**
 * The local Web UI decodes payloads only for a signed-in operator (issue 15 §1), seen as an
 * operator sees it: the dev server's own Temporal UI in headless Chromium, its codec endpoint
 * the loopback relay, the relay forwarding to the real API's codec endpoint, an account
 * workflow started with encrypted input (no worker: its start event is all the page needs).
 * The operator signs the UI in and out with the CLI (`arrears login`, `arrears ui sign-in`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromiumExecutable } from '../../test/chromium';
import { arrearsCli, type ArrearsRun } from '../../test/arrears-cli';
import { eventually, newCodecKeys, startTestApi, testPool, uniqueId, type TestApi } from '../../test/support';
import { testRoleSubject } from '../../test/test-identities';
import { readAccessLog } from '../db/access-log';
import type { Pool } from '../db/pool';
import { createLogger } from '../logger';
import { freePort, startDevServer, type RunningDevServer } from '../setup/dev-server';
import type { ResolvedTool } from '../setup/temporal-tools';
import { startAccountCollection } from '../temporal/account-workflow';
import { connectClient } from '../temporal/client';
import { buildUiCodecRelay, listenOnLoopback, uiOrigins } from './relay-server';
import { uiSignInFile } from './ui-sign-in';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arrears-web-ui-'));
const codecKeys = newCodecKeys();
const arrears = arrearsCli(codecKeys, undefined, dataDir);
const operator = testRoleSubject('SUPERVISOR');
const accountId = uniqueId('UI');
/** How the UI shows the decoded input: the JSON of `{ accountId }`, pretty-printed. */
const decodedInput = `"accountId": "${accountId}"`;
/** The UI's banner when the codec endpoint refuses. */
const CODEC_REFUSED = 'Codec Server could not connect';
/** The Input card holding the ciphertext as the UI shows an undecoded payload: base64, no account id in it. */
const CIPHERTEXT_INPUT = /Input\s+"[A-Za-z0-9+/]{40,}={0,2}"/;

let devServer: RunningDevServer | undefined;
let client: Client | undefined;
let api: TestApi | undefined;
let relay: FastifyInstance | undefined;
let browser: Browser | undefined;
let pool: Pool;
let workflowPage = '';

const ok = (run: ArrearsRun) => {
  if (run.code !== 0) throw new Error(`arrears failed (${run.code}): ${run.stderr}`);
  return run.stdout;
};

beforeAll(async () => {
  const log = createLogger('warn', 'web-ui-test');
  pool = testPool();
  const [relayPort, uiPort, port] = [await freePort(), await freePort(), await freePort()];
  devServer = await startDevServer({ cli: JSON.parse(process.env.ARREARS_TEST_CLI!) as ResolvedTool, port, uiPort, codecEndpoint: `http://127.0.0.1:${relayPort}`, logFile: path.join(dataDir, 'dev-server.log'), log });
  client = await connectClient({ address: devServer.address, namespace: 'default', codecKeys });
  api = await startTestApi({ pool, temporal: client, codecKeys });
  relay = await buildUiCodecRelay({ log: createLogger('silent'), signInFile: uiSignInFile({ ARREARS_DATA_DIR: dataDir }), codecUrl: `${api.baseUrl}/codec`, uiOrigins: uiOrigins(uiPort) });
  await listenOnLoopback(relay, relayPort);
  // no worker polls this queue: the run stays at its start event, whose input is encrypted
  const { handle } = await startAccountCollection(client, { accountId, taskQueue: uniqueId('nobody-polls') }, 'FAIL');
  workflowPage = `${devServer.uiUrl}/namespaces/default/workflows/${handle.workflowId}/${(await handle.describe()).runId}/history`;
  browser = await puppeteer.launch({ executablePath: await chromiumExecutable(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}, 30 * 60_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await api?.close();
  await client?.connection.close();
  await devServer?.stop();
  await pool?.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The workflow's page, opened afresh, once the UI has rendered its Input card (decoded or not). */
async function openWorkflowPage(): Promise<{ page: Page; text: string }> {
  const page = await browser!.newPage();
  await page.goto(workflowPage, { waitUntil: 'load' });
  const text = await eventually(
    () => page.$eval('body', (body) => body.innerText),
    (t) => t.includes(decodedInput) || (t.includes(CODEC_REFUSED) && CIPHERTEXT_INPUT.test(t)),
    30_000,
  );
  return { page, text };
}

const codecViews = async () => (await readAccessLog(pool, { accountId, limit: 100 })).filter((e) => e.via === 'CODEC');

test('nobody signed in: the input stays encrypted, the UI says the codec refused, and nothing is logged as viewed', async () => {
  expect(ok(await arrears('ui', 'status'))).toContain('Nobody has signed the local Web UI in');
  const { page, text } = await openWorkflowPage();
  expect(text).toContain(CODEC_REFUSED);
  expect(text).not.toContain(decodedInput);
  expect(text).toMatch(CIPHERTEXT_INPUT);
  await page.close();
  expect(await codecViews()).toEqual([]);
});

test('a signed-in supervisor: the input is shown decoded, and the view is logged under them', async () => {
  ok(await arrears('login', '--staff', operator));
  expect(ok(await arrears('ui', 'sign-in'))).toContain(`decodes payloads as ${operator} (SUPERVISOR)`);
  const { page, text } = await openWorkflowPage();
  expect(text).toContain(decodedInput);
  expect(text).not.toContain(CODEC_REFUSED);
  await page.close();
  const views = await codecViews();
  expect(views.length).toBeGreaterThan(0);
  expect(views.every((v) => v.subject === operator && v.purpose === 'POST /codec/decode' && v.dataKinds.includes('ANY_IN_PAYLOAD'))).toBe(true);
});

test('signed out again: encrypted again', async () => {
  expect(ok(await arrears('ui', 'sign-out'))).toContain('signed out');
  const { page, text } = await openWorkflowPage();
  expect(text).toContain(CODEC_REFUSED);
  expect(text).toMatch(CIPHERTEXT_INPUT);
  expect(text).not.toContain(decodedInput);
  await page.close();
});

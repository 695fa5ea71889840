/**
 * `npm start`: the whole pipeline on one machine, on embedded defaults.
 * Postgres (embedded, or DATABASE_URL) → migrations → Temporal dev server + Web UI
 * (SQLite under .data/, or TEMPORAL_ADDRESS) → worker and API processes → the demo
 * portfolio → the daily screening Schedule (ensured by the worker), triggered now: one
 * workflow per overdue account. Ctrl-C stops everything in order.
 * A second start reuses .data/: nothing is loaded or started twice.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { codecKeysFrom } from '../codec/data-converter';
import { codecPublicUrl, parseConfig } from '../config';
import { listOverdueAccounts } from '../db/account-figures';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import { fieldDemoCandidates, moveDemoAccountsToTheField } from '../demo/field-stages';
import { demoAnchor, loadDemoPortfolio } from '../demo/portfolio';
import { isoDateOf } from '../domain/dates';
import { createLogger } from '../logger';
import { PROJECT_ROOT } from '../paths';
import { type ManagedProcess, startChildProcess, waitFor } from '../setup/child-process';
import { startDevServer, type RunningDevServer } from '../setup/dev-server';
import { startPostgres, type RunningPostgres } from '../setup/postgres';
import { ensureTemporalCli } from '../setup/temporal-tools';
import { connectClient } from '../temporal/client';
import { registerSearchAttributes } from '../temporal/register-search-attributes';
import { triggerScreening } from '../temporal/screening-schedule';
import { localCodecKey } from './codec-key';
import { printWelcome, type WelcomeFacts } from './welcome';

const USAGE = `npm start [-- --accounts N] [-- --no-demo]

  --accounts N   size of the demo portfolio on first start (default 300)
  --no-demo      start the pipeline without loading or starting the demo
`;

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { accounts: { type: 'string', default: '300' }, 'no-demo': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const demoAccounts = Number(flags.accounts);
  if (!Number.isInteger(demoAccounts) || demoAccounts < 1 || demoAccounts > 100_000) throw new Error('--accounts takes a whole number from 1 to 100000');

  const began = Date.now();
  const cfg = parseConfig();
  const log = createLogger(cfg.LOG_LEVEL, 'launcher');
  const dataDir = cfg.ARREARS_DATA_DIR;
  const logDir = path.join(dataDir, 'logs');
  const externalTemporal = Boolean(process.env.TEMPORAL_ADDRESS);

  const children: ManagedProcess[] = [];
  let devServer: RunningDevServer | undefined;
  let postgres: RunningPostgres | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (reason: string) =>
    (stopping ??= (async () => {
      log.info({ reason }, 'stopping');
      await Promise.all(children.map((c) => c.stop()));
      await devServer?.stop();
      await postgres?.stop();
      log.info('stopped');
    })());
  process.once('SIGINT', () => void stopAll('SIGINT').then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));

  try {
    const codecKey = cfg.ARREARS_CODEC_KEY ? { keyId: cfg.ARREARS_CODEC_KEY_ID, key: cfg.ARREARS_CODEC_KEY } : localCodecKey(dataDir, cfg.ARREARS_CODEC_KEY_ID);
    const codecKeys = codecKeysFrom({ ...cfg, ARREARS_CODEC_KEY: codecKey.key, ARREARS_CODEC_KEY_ID: codecKey.keyId });

    const cli = externalTemporal ? undefined : await ensureTemporalCli({ log });
    postgres = await startPostgres({ databaseUrl: cfg.DATABASE_URL, clusterDir: path.join(dataDir, 'postgres'), port: cfg.EMBEDDED_PG_PORT, database: 'arrears', log });
    await migrateUp(postgres.url, log);

    const codecEndpoint = codecPublicUrl(cfg);
    if (cli) {
      const [, port] = cfg.TEMPORAL_ADDRESS.split(':');
      devServer = await startDevServer({
        cli,
        port: Number(port ?? 7233),
        uiPort: cfg.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal-dev-server.sqlite'),
        codecEndpoint,
        namespace: cfg.TEMPORAL_NAMESPACE,
        logFile: path.join(logDir, 'temporal-dev-server.log'),
        log,
      });
    } else {
      const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
      await registerSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE);
      await connection.close();
    }
    const temporalAddress = devServer?.address ?? cfg.TEMPORAL_ADDRESS;

    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporalAddress,
      ARREARS_CODEC_KEY: codecKey.key,
      ARREARS_CODEC_KEY_ID: codecKey.keyId,
    };
    // tsx as a Node loader: the same entry points `npm run worker` / `npm run api` use
    const runTypeScript = (name: string, entry: string[]) =>
      startChildProcess(name, process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, ...entry)], { env: childEnv, logFile: path.join(logDir, `${name}.log`) });
    const worker = runTypeScript('worker', ['workers', 'worker.ts']);
    const api = runTypeScript('api', ['src', 'api', 'main.ts']);
    children.push(worker, api);
    const apiUrl = `http://${cfg.API_HOST === '0.0.0.0' ? '127.0.0.1' : cfg.API_HOST}:${cfg.API_PORT}`;
    await waitFor(api, async () => (await fetch(`${apiUrl}/health`)).ok, 60_000);

    let demo: WelcomeFacts['demo'] = { loaded: 0, overdue: 0, started: 0, alreadyRunning: 0 };
    if (!flags['no-demo']) {
      const pool = createPool(postgres.url, 4);
      const client = await connectClient({ address: temporalAddress, namespace: cfg.TEMPORAL_NAMESPACE, codecKeys });
      try {
        const today = isoDateOf(Date.now());
        const loaded = await loadDemoPortfolio(pool, { accounts: demoAccounts, anchor: await demoAnchor(pool, today) });
        // The demo's workflows come the way every day's do: from the daily screening, run
        // now through its Schedule (which the worker ensures as it starts).
        const screening = await (await triggerScreening(client, cfg.SCREENING_SCHEDULE_ID)).result();
        const overdue = await listOverdueAccounts(pool, today);
        const sample = overdue.find((f) => f.daysPastDue > 60) ?? overdue[0];
        // Issue 7: a few accounts in APPOINTMENT and VISIT, by supervisor-01's override.
        const field = await moveDemoAccountsToTheField({ pool, temporal: client }, fieldDemoCandidates(overdue));
        log.info({ appointment: field.appointment.length, visit: field.visit.length, unavailable: field.unavailable }, 'demo accounts in the field');
        demo = {
          loaded,
          overdue: screening.overdueAccounts,
          started: screening.started,
          alreadyRunning: screening.signalled,
          sample: sample && { accountId: sample.accountId, amountOverdue: sample.amountOverdue, currency: sample.currency },
          field,
        };
      } finally {
        await client.connection.close();
        await pool.end();
      }
    }

    printWelcome({
      uiUrl: devServer?.uiUrl,
      temporalAddress,
      namespace: cfg.TEMPORAL_NAMESPACE,
      apiUrl,
      codecEndpoint,
      cliPath: cli?.kind === 'binary' ? path.relative(process.cwd(), cli.path) || cli.path : 'temporal',
      databaseUrl: postgres.embedded ? postgres.url : '(DATABASE_URL)',
      logDir,
      demo,
      setupSeconds: (Date.now() - began) / 1000,
    });
    log.info({ setupMs: Date.now() - began }, 'ready');
    // Stay up until Ctrl-C; if the worker or API dies, stop everything and say so.
    await Promise.race(
      children.map(
        (c) =>
          new Promise<void>((resolve) =>
            c.child.once('exit', (code) => {
              if (!stopping) log.error({ process: c.name, code, logFile: c.logFile }, 'a process exited; stopping');
              resolve();
            }),
          ),
      ),
    );
    if (stopping) return; // Ctrl-C reached the children too; the signal handler finishes the stop
    await stopAll('child exited');
    process.exit(1);
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await stopAll('start failed');
    process.exit(1);
  }
}

void main();

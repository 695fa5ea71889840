/**
 * `npm start`: the whole pipeline on one machine, on embedded defaults.
 * Postgres (embedded, or DATABASE_URL) → migrations → Temporal dev server + Web UI
 * (SQLite under .data/, or TEMPORAL_ADDRESS) → worker and API processes → the demo
 * portfolio → the daily screening Schedule (ensured by the worker), triggered now: one
 * workflow per overdue account. Every process it starts is supervised (children.ts,
 * supervisor.ts): restarted with backoff when it dies; Ctrl-C stops them in reverse order.
 * A second start reuses .data/: nothing is loaded or started twice.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection } from '@temporalio/client';
import { codecKeysFrom } from '../codec/data-converter';
import { codecPublicUrl, localApiUrl, parseConfig } from '../config';
import { listOverdueAccounts } from '../db/account-figures';
import { migrateUp } from '../db/migrate';
import { accountsWithInstallmentsToCome } from '../db/negotiations';
import { createPool } from '../db/pool';
import { fieldDemoCandidates, moveDemoAccountsToTheField } from '../demo/field-stages';
import { moveDemoAccountsToNegotiation, negotiationDemoCandidates } from '../demo/negotiation-stages';
import { demoAnchor, loadDemoPortfolio } from '../demo/portfolio';
import { isoDateOf } from '../domain/dates';
import { createLogger } from '../logger';
import { ensureTemporalCli } from '../setup/temporal-tools';
import { connectClient } from '../temporal/client';
import { registerSearchAttributes } from '../temporal/register-search-attributes';
import { triggerScreening } from '../temporal/screening-schedule';
import { launcherChildren, type LocalStack } from './children';
import { localCodecKey } from './codec-key';
import { describeEvent, Supervisor } from './supervisor';
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

  const codecKey = cfg.ARREARS_CODEC_KEY ? { keyId: cfg.ARREARS_CODEC_KEY_ID, key: cfg.ARREARS_CODEC_KEY } : localCodecKey(dataDir, cfg.ARREARS_CODEC_KEY_ID);
  const codecKeys = codecKeysFrom({ ...cfg, ARREARS_CODEC_KEY: codecKey.key, ARREARS_CODEC_KEY_ID: codecKey.keyId });
  const codecEndpoint = codecPublicUrl(cfg);
  const apiUrl = localApiUrl(cfg);
  // Servers of one's own (DATABASE_URL, TEMPORAL_ADDRESS) are used as they are, not supervised.
  const stack: LocalStack = { apiUrl, databaseUrl: cfg.DATABASE_URL, temporalAddress: externalTemporal ? cfg.TEMPORAL_ADDRESS : undefined };
  const cli = externalTemporal ? undefined : await ensureTemporalCli({ log });
  const supervisor = new Supervisor(launcherChildren({ cfg, log, logDir, cli, codecKey, stack }), (event) => {
    const line = describeEvent(event);
    if (event.kind === 'died' || event.kind === 'restart-failed' || event.kind === 'gave-up') log.error({ process: event.name, event: event.kind }, line);
    else log.info({ process: 'name' in event ? event.name : undefined, event: event.kind }, line);
  });
  const stopAll = (reason: string) => supervisor.stop(reason);
  // The log is asynchronous: flush it, or the last lines (what was stopped) are lost.
  const exit = (code: number) => log.flush(() => process.exit(code));
  // `on`, not `once`: a second Ctrl-C (or the same one relayed by a parent) must not
  // kill the launcher half way through its ordered stop.
  const onSignal = (reason: string) => () => void stopAll(reason).then(() => exit(0));
  process.on('SIGINT', onSignal('Ctrl-C'));
  process.on('SIGTERM', onSignal('SIGTERM'));

  try {
    if (cfg.DATABASE_URL) await migrateUp(cfg.DATABASE_URL, log);
    if (externalTemporal) {
      const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
      await registerSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE);
      await connection.close();
    }
    await supervisor.start();
    const databaseUrl = stack.databaseUrl!;
    const temporalAddress = stack.temporalAddress!;

    let demo: WelcomeFacts['demo'] = { loaded: 0, overdue: 0, started: 0, alreadyRunning: 0 };
    if (!flags['no-demo']) {
      const pool = createPool(databaseUrl, 4);
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
        // Issue 16: a few more of them negotiate, by supervisor-01's override (no visit first).
        const shanghai = new Set(fieldDemoCandidates(overdue));
        const fieldCandidates = overdue.filter((a) => shanghai.has(a.accountId));
        const stillRunning = await accountsWithInstallmentsToCome(pool, fieldCandidates.map((a) => a.accountId), today);
        const candidates = negotiationDemoCandidates(fieldCandidates, stillRunning, new Set([...field.appointment, ...field.visit]));
        const negotiation = await moveDemoAccountsToNegotiation({ pool, temporal: client }, candidates);
        log.info({ negotiation: negotiation.negotiation.length, offerId: negotiation.offer?.offerId }, 'demo accounts negotiating');
        demo = {
          loaded,
          overdue: screening.overdueAccounts,
          started: screening.started,
          alreadyRunning: screening.signalled,
          sample: sample && { accountId: sample.accountId, amountOverdue: sample.amountOverdue, currency: sample.currency },
          field,
          negotiation,
        };
      } finally {
        await client.connection.close();
        await pool.end();
      }
    }

    printWelcome({
      uiUrl: stack.uiUrl,
      temporalAddress,
      namespace: cfg.TEMPORAL_NAMESPACE,
      apiUrl,
      codecEndpoint,
      cliPath: cli?.kind === 'binary' ? path.relative(process.cwd(), cli.path) || cli.path : 'temporal',
      databaseUrl: cfg.DATABASE_URL ? '(DATABASE_URL)' : databaseUrl,
      logDir,
      identity: { issuer: stack.oidcIssuer ?? cfg.OIDC_ISSUER!, secretsFile: stack.oidcSecretsFile },
      demo,
      setupSeconds: (Date.now() - began) / 1000,
    });
    log.info({ setupMs: Date.now() - began }, 'ready');
    // Stay up until Ctrl-C; the supervisor restarts what dies, and gives up (having
    // stopped everything) only when a process keeps failing as soon as it starts.
    const reason = await supervisor.gaveUp;
    log.fatal({ reason }, 'stopped: a process keeps failing');
    exit(1);
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await stopAll('start failed');
    exit(1);
  }
}

main().catch((err: unknown) => {
  createLogger('info', 'launcher').fatal({ err }, 'start failed');
  process.exit(1);
});

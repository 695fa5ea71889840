/**
 * What `npm start` runs, in start order, as one list the supervisor watches: the
 * embedded Postgres (with the migrations), the Temporal dev server, the local OpenID
 * provider, the worker, the API, and beside the dev server's Web UI its codec relay.
 * A new process (an identity provider, say) is one more entry here. Entries started
 * earlier publish where they listen in `LocalStack`; later ones read it when they
 * (re)start, so a restart finds the same addresses.
 */
import path from 'node:path';
import { type Config, uiCodecRelayUrl } from '../config';
import { migrateUp } from '../db/migrate';
import type { Logger } from '../logger';
import { PROJECT_ROOT } from '../paths';
import { startChildProcess, waitFor } from '../setup/child-process';
import { startDevServer } from '../setup/dev-server';
import { startPostgres } from '../setup/postgres';
import type { ResolvedTool } from '../setup/temporal-tools';
import { startLocalIdentity } from '../identity/start-local-provider';
import type { SupervisedChild } from './supervisor';

export interface LocalStack {
  databaseUrl?: string;
  temporalAddress?: string;
  uiUrl?: string;
  apiUrl: string;
  /** the local OpenID provider's issuer and secrets file (issue 15), when OIDC_ISSUER names none */
  oidcIssuer?: string;
  oidcSecretsFile?: string;
}

export interface LauncherPlan {
  cfg: Config;
  log: Logger;
  logDir: string;
  /** The Temporal CLI to run the dev server with; absent when TEMPORAL_ADDRESS names a server of one's own. */
  cli?: ResolvedTool;
  codecKey: { key: string; keyId: string };
  stack: LocalStack;
}

const known = (value: string | undefined, what: string): string => {
  if (!value) throw new Error(`${what} is not known yet: its process must start first`);
  return value;
};

/** The embedded Postgres, migrated up before anything uses it. */
function postgresChild({ cfg, log, stack }: LauncherPlan): SupervisedChild {
  return {
    name: 'postgres',
    async start() {
      const postgres = await startPostgres({ clusterDir: path.join(cfg.ARREARS_DATA_DIR, 'postgres'), port: cfg.EMBEDDED_PG_PORT, database: 'arrears', log });
      await migrateUp(postgres.url, log);
      stack.databaseUrl = postgres.url;
      return postgres;
    },
  };
}

/**
 * The Temporal dev server and Web UI, its state in SQLite under the data dir (a restart keeps every workflow).
 * The UI cannot sign in, so its codec endpoint is the loopback relay (src/ui-relay/), which decodes only for the
 * operator who signed the UI in with `arrears ui sign-in`.
 */
function temporalChild({ cfg, log, logDir, stack }: LauncherPlan, cli: ResolvedTool): SupervisedChild {
  const logFile = path.join(logDir, 'temporal-dev-server.log');
  return {
    name: 'temporal',
    logFile,
    async start() {
      const [, port] = cfg.TEMPORAL_ADDRESS.split(':');
      const server = await startDevServer({
        cli,
        port: Number(port ?? 7233),
        uiPort: cfg.TEMPORAL_UI_PORT,
        dbFile: path.join(cfg.ARREARS_DATA_DIR, 'temporal-dev-server.sqlite'),
        codecEndpoint: uiCodecRelayUrl(cfg),
        namespace: cfg.TEMPORAL_NAMESPACE,
        logFile,
        log,
      });
      stack.temporalAddress = server.address;
      stack.uiUrl = server.uiUrl;
      return server;
    },
  };
}

/** A TypeScript entry point run by Node with tsx as its loader: the same one `npm run worker` / `npm run api` use. */
function nodeChild(plan: LauncherPlan, name: string, entry: string[], ready?: () => Promise<boolean>): SupervisedChild {
  const logFile = path.join(plan.logDir, `${name}.log`);
  return {
    name,
    logFile,
    async start() {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: known(plan.stack.databaseUrl, 'the database'),
        TEMPORAL_ADDRESS: known(plan.stack.temporalAddress, 'the Temporal address'),
        ARREARS_CODEC_KEY: plan.codecKey.key,
        ARREARS_CODEC_KEY_ID: plan.codecKey.keyId,
        ...(plan.stack.oidcIssuer ? { OIDC_ISSUER: plan.stack.oidcIssuer } : {}),
      };
      const proc = startChildProcess(name, process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, ...entry)], { env, logFile });
      if (ready) {
        try {
          await waitFor(proc, ready, 60_000);
        } catch (err) {
          await proc.stop();
          throw err;
        }
      }
      return { pid: proc.child.pid, exited: proc.exited, stop: () => proc.stop() };
    },
  };
}

/** Any answer means the API listens (it answers 503 while a dependency is down, and is still up). */
const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status > 0;

/** The local OpenID provider (issue 15): sign-in for the API, the codec and the CLI unless OIDC_ISSUER names the bank's. */
function identityChild({ cfg, logDir, stack }: LauncherPlan): SupervisedChild {
  return {
    name: 'oidc-provider',
    logFile: path.join(logDir, 'oidc-provider.log'),
    async start() {
      const identity = await startLocalIdentity({ cfg, databaseUrl: known(stack.databaseUrl, 'the database'), logDir });
      stack.oidcIssuer = identity.issuer;
      stack.oidcSecretsFile = identity.secretsFile;
      return { pid: identity.process.child.pid, exited: identity.process.exited, stop: () => identity.process.stop() };
    },
  };
}

/** The launcher's children in start order; stopped in the reverse one. */
export function launcherChildren(plan: LauncherPlan): SupervisedChild[] {
  return [
    ...(plan.cfg.DATABASE_URL ? [] : [postgresChild(plan)]),
    ...(plan.cli ? [temporalChild(plan, plan.cli)] : []),
    ...(plan.cfg.OIDC_ISSUER ? [] : [identityChild(plan)]),
    nodeChild(plan, 'worker', ['workers', 'worker.ts']),
    nodeChild(plan, 'api', ['src', 'api', 'main.ts'], answers(`${plan.stack.apiUrl}/health`)),
    // only beside the dev server's Web UI: a UI of one's own (docker-compose's) signs its users in itself
    ...(plan.cli ? [nodeChild(plan, 'ui-codec-relay', ['src', 'ui-relay', 'main.ts'], answers(`${uiCodecRelayUrl(plan.cfg)}/health`))] : []),
  ];
}

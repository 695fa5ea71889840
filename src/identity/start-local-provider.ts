/**
 * Starts the local OpenID provider as a child process (`npm start`, the tests' global
 * set-up) and waits until its discovery document answers. Returns the issuer to put in
 * OIDC_ISSUER and the process to stop.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { type ManagedProcess, startChildProcess, waitFor } from '../setup/child-process';
import { localIssuer } from './local-provider-main';
import type { LocalSecrets } from './local-secrets';

export interface RunningLocalProvider {
  issuer: string;
  process: ManagedProcess;
}

export async function startLocalProvider(o: { port: number; databaseUrl: string; secrets: LocalSecrets; logFile: string; env?: NodeJS.ProcessEnv }): Promise<RunningLocalProvider> {
  const proc = startChildProcess('oidc-provider', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src', 'identity', 'local-provider-main.ts')], {
    env: {
      ...(o.env ?? process.env),
      DATABASE_URL: o.databaseUrl,
      OIDC_LOCAL_PORT: String(o.port),
      ARREARS_LOCAL_SIGN_IN_SECRET: o.secrets.signInSecret,
      ARREARS_LOCAL_SERVICE_SECRET: o.secrets.serviceSecret,
      ARREARS_LOCAL_SIGNING_KEY: o.secrets.signingKey,
    },
    logFile: o.logFile,
  });
  const issuer = localIssuer(o.port);
  await waitFor(proc, async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).ok, 60_000);
  return { issuer, process: proc };
}

/**
 * Starts the local OpenID provider as a child process (`npm start`, the tests' global
 * set-up) and waits until its discovery document answers. Returns the issuer to put in
 * OIDC_ISSUER and the process to stop.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { type ManagedProcess, startChildProcess, waitFor } from '../setup/child-process';
import type { Config } from '../config';
import { createPool } from '../db/pool';
import { addSignInAccount } from './directory';
import { localIssuer } from './local-provider-constants';
import { type LocalSecrets, localSecrets, localSecretsFile } from './local-secrets';
import type { Role } from './roles';

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

/** Sign-in accounts of the demo who are not collections staff (the staff sign in as themselves). */
export const DEMO_SIGN_IN_ACCOUNTS = [
  { subject: 'legal-01', displayName: 'Legal team 1', roles: ['LEGAL'] },
  { subject: 'compliance-01', displayName: 'Compliance officer 1', roles: ['COMPLIANCE'] },
] as const satisfies readonly { subject: string; displayName: string; roles: Role[] }[];

/**
 * `npm start`'s identity: the local provider on OIDC_LOCAL_PORT with the data dir's secrets
 * and the demo's sign-in accounts. Returns what the API and the CLI need (OIDC_ISSUER) and
 * where the secrets are, for the welcome text.
 */
export async function startLocalIdentity(o: { cfg: Config; databaseUrl: string; logDir: string }): Promise<RunningLocalProvider & { secretsFile: string }> {
  const secrets = await localSecrets(o.cfg.ARREARS_DATA_DIR, o.cfg);
  const pool = createPool(o.databaseUrl, 1);
  try {
    for (const account of DEMO_SIGN_IN_ACCOUNTS) await addSignInAccount(pool, { ...account, roles: [...account.roles] });
  } finally {
    await pool.end();
  }
  const running = await startLocalProvider({ port: o.cfg.OIDC_LOCAL_PORT, databaseUrl: o.databaseUrl, secrets, logFile: path.join(o.logDir, 'oidc-provider.log') });
  return { ...running, secretsFile: localSecretsFile(o.cfg.ARREARS_DATA_DIR) };
}

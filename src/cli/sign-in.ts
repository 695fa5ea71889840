/**
 * The CLI's caller: the token `arrears login` stored (or ARREARS_TOKEN, for a script that
 * got its own), verified like the API verifies one, against the issuer's keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import type { Caller, Role } from '../identity/roles';
import { createTokenVerifier, tokenSettingsFrom } from '../identity/verify-token';

const storedToken = z.object({ issuer: z.string().url(), accessToken: z.string().min(1), expiresAt: z.string() });

export const tokenFile = (cfg: Pick<Config, 'ARREARS_DATA_DIR'>) => path.join(cfg.ARREARS_DATA_DIR, 'identity', 'cli-token.json');

export function storeToken(cfg: Config, token: { accessToken: string; expiresAt: Date }): string {
  const file = tokenFile(cfg);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ issuer: tokenSettingsFrom(cfg, { localFallback: true }).issuer, accessToken: token.accessToken, expiresAt: token.expiresAt.toISOString() }), { mode: 0o600 });
  return file;
}

/** The verified caller and their token, or an error saying how to sign in; `roles`: any of these is needed. */
export async function signedInToken(cfg: Config, roles: readonly Role[]): Promise<{ caller: Caller; issuer: string; accessToken: string }> {
  const settings = tokenSettingsFrom(cfg, { localFallback: true });
  let token = process.env.ARREARS_TOKEN;
  if (!token) {
    const file = tokenFile(cfg);
    if (!fs.existsSync(file)) throw new Error('not signed in: run `arrears login --staff <your staff id>` first');
    const stored = storedToken.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (stored.issuer !== settings.issuer) throw new Error(`the stored token is from ${stored.issuer}, not ${settings.issuer}: run arrears login again`);
    token = stored.accessToken;
  }
  const caller = await createTokenVerifier(settings)(token).catch((err: Error) => {
    throw new Error(`${err.message}: run arrears login again`);
  });
  if (!caller.roles.some((r) => roles.includes(r))) throw new Error(`your roles (${caller.roles.join(', ') || 'none'}) may not do this: it takes ${roles.join(', ')}`);
  return { caller, issuer: settings.issuer, accessToken: token };
}

/** The verified caller, or an error saying how to sign in; `roles`: any of these is needed. */
export async function signedInCaller(cfg: Config, roles: readonly Role[]): Promise<Caller> {
  return (await signedInToken(cfg, roles)).caller;
}

/**
 * Which operator has signed the local Temporal Web UI in (`arrears ui sign-in`): their
 * subject, roles and access token, kept (0600) beside the CLI's token under the data dir.
 * The codec relay reads it on every request, so a sign-in or sign-out takes effect at once
 * and nothing survives a sign-out. The token's own `exp` decides how long the sign-in lasts:
 * it expires like any token of the provider.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import { roleSchema } from '../identity/roles';

const storedSignIn = z.object({
  issuer: z.string().url(),
  subject: z.string().min(1),
  roles: z.array(roleSchema),
  accessToken: z.string().min(1),
  signedInAt: z.string().datetime(),
});
export type UiSignIn = z.infer<typeof storedSignIn>;

export const uiSignInFile = (cfg: Pick<Config, 'ARREARS_DATA_DIR'>) => path.join(cfg.ARREARS_DATA_DIR, 'identity', 'ui-sign-in.json');

/** When the token stops being accepted (its `exp`); a token without one is never stored. */
export function expiresAt(accessToken: string): Date {
  const { exp } = decodeJwt(accessToken);
  if (exp === undefined) throw new Error('the token has no expiry: it cannot sign the UI in');
  return new Date(exp * 1000);
}

export function writeUiSignIn(file: string, signIn: UiSignIn): void {
  expiresAt(signIn.accessToken); // refuses a token without an expiry before anything is written
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // written aside and renamed: the relay never reads half a file
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(storedSignIn.parse(signIn)), { mode: 0o600 });
  fs.renameSync(partial, file);
}

/** The signed-in operator, or undefined when nobody is; a file that does not parse counts as nobody. */
export async function readUiSignIn(file: string): Promise<UiSignIn | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = storedSignIn.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Signs the UI out; true when someone was signed in. */
export function removeUiSignIn(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * The local provider's secrets for `npm start`: the staff sign-in secret, the demo
 * service's client secret and the token-signing key. Taken from the environment when set;
 * otherwise made on the first start and kept (0600) under the data dir, so a token the CLI
 * stored stays valid across restarts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';

export const localSecretsSchema = z.object({
  signInSecret: z.string().min(16),
  serviceSecret: z.string().min(16),
  signingKey: z.string().min(1).describe('a private JWK, as JSON'),
});
export type LocalSecrets = z.infer<typeof localSecretsSchema>;

/** A fresh ES256 private key as a JWK (JSON), with a key id. */
export async function newSigningKey(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: `arrears-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' });
}

export const localSecretsFile = (dataDir: string) => path.join(dataDir, 'identity', 'local-secrets.json');

export const newSecret = () => randomBytes(24).toString('base64url');

export async function localSecrets(dataDir: string, env: Partial<Record<'ARREARS_LOCAL_SIGN_IN_SECRET' | 'ARREARS_LOCAL_SERVICE_SECRET' | 'ARREARS_LOCAL_SIGNING_KEY', string>>): Promise<LocalSecrets> {
  const file = localSecretsFile(dataDir);
  const kept: LocalSecrets = fs.existsSync(file)
    ? localSecretsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
    : { signInSecret: newSecret(), serviceSecret: newSecret(), signingKey: await newSigningKey() };
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify(kept), { mode: 0o600 });
  }
  return {
    signInSecret: env.ARREARS_LOCAL_SIGN_IN_SECRET ?? kept.signInSecret,
    serviceSecret: env.ARREARS_LOCAL_SERVICE_SECRET ?? kept.serviceSecret,
    signingKey: env.ARREARS_LOCAL_SIGNING_KEY ?? kept.signingKey,
  };
}

/**
 * `arrears login --staff ID` (a staff member, through the local provider's sign-in grant;
 * the secret from ARREARS_PASSWORD or --password) or `arrears login --service CLIENT_ID`
 * (a backend service, client credentials; the secret likewise): the token is stored for
 * later commands (0600, under the data dir).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { config } from '../../config';
import { staffIdSchema } from '../../domain/early-collection';
import { serviceToken, staffToken } from '../../identity/tokens';
import { createTokenVerifier, tokenSettingsFrom } from '../../identity/verify-token';
import { optionsOf, writeLine } from '../account-messages';
import { storeToken } from '../sign-in';

const loginOptions = z
  .strictObject({ staff: staffIdSchema.optional(), service: z.string().regex(/^[\w.-]{1,64}$/).optional(), password: z.string().min(1).optional() })
  .refine((o) => (o.staff === undefined) !== (o.service === undefined), 'give one of --staff or --service');

export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('Sign in at the OpenID provider (OIDC_ISSUER) and keep the token for later commands')
    .option('--staff <id>', 'your staff id, such as supervisor-01')
    .option('--service <clientId>', "a backend service's client id, such as payments-service")
    .option('--password <secret>', 'the sign-in secret (default: ARREARS_PASSWORD)')
    .action(async (raw: Record<string, unknown>) => {
      const o = optionsOf(loginOptions, raw, { staff: '--staff', service: '--service', password: '--password' });
      const password = o.password ?? process.env.ARREARS_PASSWORD;
      if (!password) throw new Error('give the sign-in secret: --password or ARREARS_PASSWORD (npm start prints where the local one is)');
      const cfg = config();
      const { issuer } = tokenSettingsFrom(cfg, { localFallback: true });
      const token = o.staff ? await staffToken(issuer, o.staff, password) : await serviceToken(issuer, o.service!, password);
      const caller = await createTokenVerifier(tokenSettingsFrom(cfg, { localFallback: true }))(token.accessToken);
      const file = storeToken(cfg, token);
      writeLine(`Signed in as ${caller.subject} (${caller.roles.join(', ')}) until ${token.expiresAt.toISOString()}; token kept in ${file}.`);
    });
}

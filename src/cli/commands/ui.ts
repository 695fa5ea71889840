/**
 * `arrears ui sign-in | sign-out | status`: the dev server's Temporal Web UI cannot sign
 * anyone in, so it decodes payloads only while an operator has signed it in here, with the
 * token `arrears login` keeps (the roles of the codec endpoint needed). Its codec relay
 * (src/ui-relay/) forwards every decode with that token, so each is in the access log under
 * them, until they sign out or the token expires.
 */
import type { Command } from 'commander';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';
import { config } from '../../config';
import { expiresAt, readUiSignIn, removeUiSignIn, uiSignInFile, writeUiSignIn } from '../../ui-relay/ui-sign-in';
import { writeLine } from '../account-messages';
import { signedInToken } from '../sign-in';

export function registerUiCommands(program: Command): void {
  const ui = program.command('ui').description("The local Temporal Web UI (npm start's): sign it in to read decoded payloads, sign it out");
  ui.command('sign-in')
    .description('Let the local Web UI decode payloads as you (after arrears login; supervisor, legal or compliance), each decode logged under you')
    .action(async () => {
      const cfg = config();
      const { caller, issuer, accessToken } = await signedInToken(cfg, ROUTE_ROLES['POST /codec/decode'] as RoleList);
      const file = uiSignInFile(cfg);
      writeUiSignIn(file, { issuer, subject: caller.subject, roles: caller.roles, accessToken, signedInAt: new Date().toISOString() });
      writeLine(`The local Web UI decodes payloads as ${caller.subject} (${caller.roles.join(', ')}) until ${expiresAt(accessToken).toISOString()}; every decode is in the access log under ${caller.subject}.`);
      writeLine('Sign it out when you are done: arrears ui sign-out');
    });
  ui.command('sign-out')
    .description('Stop the local Web UI decoding: it shows payloads encrypted again')
    .action(() => {
      const cfg = config();
      writeLine(removeUiSignIn(uiSignInFile(cfg)) ? 'The local Web UI is signed out: it shows payloads encrypted.' : 'Nobody had signed the local Web UI in.');
    });
  ui.command('status')
    .description('Who has signed the local Web UI in, and until when')
    .action(async () => {
      const signIn = await readUiSignIn(uiSignInFile(config()));
      if (!signIn) {
        writeLine('Nobody has signed the local Web UI in: it shows payloads encrypted.');
        return;
      }
      const until = expiresAt(signIn.accessToken);
      writeLine(
        until.getTime() > Date.now()
          ? `The local Web UI decodes as ${signIn.subject} (${signIn.roles.join(', ')}) since ${signIn.signedInAt}, until ${until.toISOString()}.`
          : `The sign-in of ${signIn.subject} expired at ${until.toISOString()}: the local Web UI shows payloads encrypted.`,
      );
    });
}

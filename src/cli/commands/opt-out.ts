/**
 * `arrears opt-out <accountId> --channel SMS|CALL|EMAIL`: the borrower told a staff member
 * not to be contacted on a channel (what POST /accounts/:accountId/opt-outs does; AGENT or
 * SUPERVISOR, signed in with arrears login). Recorded with the signed-in staff member as its
 * source; the next contact on the channel is refused with the rule OPTED_OUT.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';
import { CONTACT_CHANNELS } from '../../contact-policy/policy';
import { recordStaffOptOut } from '../../contact-policy/records';
import { accountIdSchema } from '../../domain/ids';
import { optionsOf, writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { signedInCaller } from '../sign-in';

const optionsSchema = z.strictObject({ accountId: accountIdSchema, channel: z.enum(CONTACT_CHANNELS) });

export function registerOptOutCommand(program: Command): void {
  program
    .command('opt-out')
    .description("Record the borrower's opt-out of one channel (every account of theirs): the next contact on it is refused")
    .argument('<accountId>', 'the account, such as DEMO-A00251')
    .requiredOption('--channel <channel>', `the channel: ${CONTACT_CHANNELS.join(', ')}`)
    .action(async (rawAccountId: string, raw: { channel: string }) => {
      const { accountId, channel } = optionsOf(optionsSchema, { accountId: rawAccountId, ...raw }, { accountId: '<accountId>', channel: '--channel' });
      const recorded = await withCliContext(async ({ cfg, pool }) => {
        const caller = await signedInCaller(cfg, ROUTE_ROLES['POST /accounts/:accountId/opt-outs'] as RoleList);
        return recordStaffOptOut(pool, accountId, channel, caller.subject);
      });
      if (!recorded) throw new Error(`no account ${accountId}`);
      writeLine(
        recorded.recordedNow
          ? `${accountId}: the borrower is opted out of ${channel} from ${recorded.optedOutAt.toISOString()}.`
          : `${accountId}: the borrower was already opted out of ${channel} (since ${recorded.optedOutAt.toISOString()}, ${recorded.source ?? 'source not recorded'}).`,
      );
    });
}

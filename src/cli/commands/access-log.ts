/**
 * `arrears access-log [--account ID] [--limit N]`: the personal-data access log, as
 * GET /access-log gives it (COMPLIANCE only; signed in with arrears login).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';
import { type AccessLogView, readAccessLog } from '../../db/access-log';
import { accountIdSchema } from '../../domain/ids';
import { optionsOf, writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { signedInCaller } from '../sign-in';
import { formatTable, minuteUtc } from '../table';

const optionsSchema = z.strictObject({
  account: accountIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function printAccessLog(entries: AccessLogView[], write: (line: string) => void): void {
  if (entries.length === 0) {
    write('No views recorded.');
    return;
  }
  const table = formatTable(
    ['when', 'who', 'roles', 'data', 'accounts', 'via', 'route or command'],
    entries.map((e) => [minuteUtc(e.viewedAt), e.subject, e.roles.join(','), e.dataKinds.join(','), e.accountIds.join(','), e.via, e.purpose]),
  );
  for (const line of [table.header, ...table.rows]) write(line);
}

export function registerAccessLogCommand(program: Command): void {
  program
    .command('access-log')
    .description('Who viewed personal data, of which accounts, how and when (compliance; newest first)')
    .option('--account <id>', "one account's views")
    .option('--limit <n>', 'at most this many', '100')
    .action(async (raw: unknown) => {
      const { account, limit } = optionsOf(optionsSchema, raw, { account: '--account', limit: '--limit' });
      const entries = await withCliContext(async ({ cfg, pool }) => {
        await signedInCaller(cfg, ROUTE_ROLES['GET /access-log'] as RoleList);
        return readAccessLog(pool, { limit, ...(account ? { accountId: account } : {}) });
      });
      printAccessLog(entries, writeLine);
    });
}

/**
 * The legal team's commands (issue 17 §4) and the dispute and court export (issue 15 §4),
 * read from Postgres as the API routes give them, signed in with the routes' roles:
 *   arrears legal cases [--open] [--hearing-from D] [--hearing-to D] [--account ID]
 *   arrears legal case <caseId>
 *   arrears placement list [--in-force] [--account ID] [--agency ID]
 *   arrears write-off list [--status S] [--account ID]
 *   arrears export <accountId> [--out FILE]
 * The update side (an outcome, a recall, a write-off decision) comes with the LEGAL stage
 * module: src/cli/legal-arguments.ts already reads each payload from its flags.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { exportFileName, exportForStaff, EXPORT_ROUTE } from '../../account-export/staff-export';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';
import { caseView, listCases, loadCase } from '../../db/legal';
import { listPlacements, placementView } from '../../db/placements';
import { listWriteOffs, writeOffView } from '../../db/write-offs';
import { writeLine } from '../account-messages';
import { withCliContext, type CliContext } from '../context';
import { accountIdOf, caseFilterOf, caseIdOf, placementFilterOf, writeOffFilterOf } from '../legal-arguments';
import { printCase, printCases, printPlacements, printWriteOffs } from '../legal-print';
import { signedInCaller } from '../sign-in';

/** Runs `body` signed in with the roles of `route` (route-roles.ts), as the API would. */
const asRoute = <T>(route: keyof typeof ROUTE_ROLES, body: (ctx: CliContext) => Promise<T>) =>
  withCliContext(async (ctx) => {
    await signedInCaller(ctx.cfg, ROUTE_ROLES[route] as RoleList);
    return body(ctx);
  });

export function registerLegalCommands(program: Command): void {
  const legal = program.command('legal').description('Legal cases: referrals with their evidence bundle and the outcomes reported');
  legal
    .command('cases')
    .description('Legal cases, newest referral first')
    .option('--open', 'open cases only')
    .option('--hearing-from <date>', 'a next hearing on or after this day (YYYY-MM-DD)')
    .option('--hearing-to <date>', 'a next hearing on or before this day')
    .option('--account <id>', "one account's cases")
    .option('--limit <n>', 'at most this many', '50')
    .action(async (raw: unknown) => {
      const f = caseFilterOf(raw);
      const cases = await asRoute('GET /legal/cases', async ({ pool }) => {
        const rows = await listCases(pool, { open: f.open, limit: f.limit, ...(f.account ? { accountId: f.account } : {}), ...(f.hearingFrom ? { hearingFrom: f.hearingFrom } : {}), ...(f.hearingTo ? { hearingTo: f.hearingTo } : {}) });
        return Promise.all(rows.map((r) => caseView(pool, r)));
      });
      printCases(cases, writeLine);
    });
  legal
    .command('case')
    .description('One case: its outcomes, the evidence bundle and its SHA-256')
    .argument('<caseId>', 'the case number')
    .action(async (raw: string) => {
      const caseId = caseIdOf(raw);
      const view = await asRoute('GET /legal/cases/:caseId', async ({ pool }) => {
        const row = await loadCase(pool, caseId);
        return row ? caseView(pool, row) : undefined;
      });
      if (!view) {
        writeLine(`No legal case ${caseId}.`);
        process.exitCode = 1;
        return;
      }
      printCase(view, writeLine);
    });

  program
    .command('placement')
    .description('Agency placements and their recalls')
    .command('list')
    .description('Placements, newest first')
    .option('--in-force', 'only those not recalled')
    .option('--account <id>', "one account's placements")
    .option('--agency <id>', "one agency's placements")
    .option('--limit <n>', 'at most this many', '50')
    .action(async (raw: unknown) => {
      const f = placementFilterOf(raw);
      const rows = await asRoute('GET /placements', ({ pool }) => listPlacements(pool, { inForce: f.inForce, limit: f.limit, ...(f.account ? { accountId: f.account } : {}), ...(f.agency ? { agencyId: f.agency } : {}) }));
      printPlacements(rows.map(placementView), writeLine);
    });

  program
    .command('write-off')
    .description('Write-offs: recommended, approved or declined, and what was recovered since')
    .command('list')
    .description('Write-offs, newest first')
    .option('--status <status>', 'RECOMMENDED, APPROVED or DECLINED')
    .option('--account <id>', "one account's write-offs")
    .option('--limit <n>', 'at most this many', '50')
    .action(async (raw: unknown) => {
      const f = writeOffFilterOf(raw);
      const rows = await asRoute('GET /write-offs', ({ pool }) => listWriteOffs(pool, { limit: f.limit, ...(f.account ? { accountId: f.account } : {}), ...(f.status ? { status: f.status } : {}) }));
      printWriteOffs(rows.map(writeOffView), writeLine);
    });

  program
    .command('export')
    .description('The dispute and court export of one account: a ZIP of every record (JSON), a PDF summary and a SHA-256 manifest (LEGAL, COMPLIANCE; logged)')
    .argument('<accountId>', 'the account')
    .option('--out <file>', 'where to write the ZIP (default: arrears-export-<account>-<date>.zip here)')
    .action(async (rawAccount: string, options: { out?: string }) => {
      const accountId = accountIdOf(rawAccount);
      const at = new Date();
      const exported = await withCliContext(async ({ cfg, pool }) => {
        const caller = await signedInCaller(cfg, ROUTE_ROLES[EXPORT_ROUTE] as RoleList);
        return exportForStaff(pool, { caller, accountId, via: 'CLI', at });
      });
      const file = options.out ?? exportFileName(accountId, at);
      fs.writeFileSync(file, exported.zip);
      writeLine(`${file}: ${exported.manifest.files.length} files, SHA-256 ${exported.sha256}`);
    });
}

/**
 * The legal team's commands (issue 17 §4) and the dispute and court export (issue 15 §4),
 * read from Postgres as the API routes give them, signed in with the routes' roles:
 *   arrears legal cases [--open] [--hearing-from D] [--hearing-to D] [--account ID]
 *   arrears legal case <caseId>
 *   arrears placement list [--in-force] [--account ID] [--agency ID]
 *   arrears write-off list [--status S] [--account ID]
 *   arrears export <accountId> [--out FILE]
 * and the LEGAL stage's updates, as the routes send them (src/api/legal-messages.ts):
 *   arrears legal outcome <caseId> --outcome O --on D [--court-reference R] [--hearing D] [--amount N --currency C]
 *   arrears write-off approve|decline <recommendationId> --reason TEXT
 *   arrears placement recall <placementId> --reason TEXT
 * Who reports or decides is who is signed in (arrears login); --by may only name them.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { exportFileName, exportForStaff, EXPORT_ROUTE } from '../../account-export/staff-export';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';
import { caseView, listCases, loadCase } from '../../db/legal';
import { listPlacements, placementView } from '../../db/placements';
import { listWriteOffs, writeOffView } from '../../db/write-offs';
import { formatMoney } from '../../domain/money';
import { sendLegalOutcome, sendPlacementRecall, sendWriteOffDecision } from '../../api/legal-messages';
import { actingId, answerOf, withAccountMessages, writeLine } from '../account-messages';
import { withCliContext, type CliContext } from '../context';
import { accountIdOf, caseFilterOf, caseIdOf, legalOutcomeOf, placementFilterOf, placementIdOf, recallOf, recommendationIdOf, writeOffDecisionOf, writeOffFilterOf, type OutcomeOptions } from '../legal-arguments';
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
  legal
    .command('outcome')
    .description("The legal team's report on a case, as the recordLegalOutcome update of the account's workflow")
    .argument('<caseId>', 'the case number')
    .requiredOption('--outcome <outcome>', 'FILED, ASSET_PRESERVATION, JUDGMENT, SETTLED_IN_COURT, RECOVERED or UNRECOVERABLE')
    .requiredOption('--on <date>', 'the day it happened (YYYY-MM-DD)')
    .option('--court-reference <ref>', "FILED: the court's reference")
    .option('--hearing <date>', 'FILED, ASSET_PRESERVATION: the next hearing')
    .option('--amount <minorUnits>', 'JUDGMENT, SETTLED_IN_COURT, RECOVERED: the amount in minor units (650000 is 6500.00)')
    .option('--currency <code>', "the amount's currency (the account's)")
    .option('--note <text>', 'a word for the case file')
    .option('--by <staffId>', 'your staff id (default: who you are signed in as)')
    .action(async (rawCaseId: string, raw: Omit<OutcomeOptions, 'by'> & { by?: string }) => {
      const caseId = caseIdOf(rawCaseId);
      // Read (every bad flag named) before signing in; the reporter is the caller.
      const outcome = legalOutcomeOf(caseId, { ...raw, by: raw.by ?? 'signed-in' });
      const c = answerOf(await withAccountMessages('POST /legal/cases/:caseId/outcomes', (deps, caller) => sendLegalOutcome(deps, caseId, { ...outcome, reportedBy: actingId(caller, raw.by, '--by') })));
      writeLine(`Case ${c.caseId} (${c.accountId}): ${c.status}${c.nextHearingOn ? `, next hearing ${c.nextHearingOn}` : ''}.`);
    });

  const placement = program.command('placement').description('Agency placements and their recalls');
  placement
    .command('recall')
    .description("A supervisor recalls an account from its agency, as the recallPlacement update of the account's workflow")
    .argument('<placementId>', 'the placement (arrears placement list shows it)')
    .requiredOption('--reason <text>', 'why (5 to 500 characters)')
    .option('--by <supervisorId>', 'your staff id (default: who you are signed in as)')
    .action(async (rawId: string, raw: { reason: string; by?: string }) => {
      const placementId = placementIdOf(rawId);
      const recall = recallOf(placementId, { by: raw.by ?? 'signed-in', reason: raw.reason });
      const p = answerOf(await withAccountMessages('POST /placements/:placementId/recall', (deps, caller) => sendPlacementRecall(deps, placementId, { ...recall, supervisorId: actingId(caller, raw.by, '--by') })));
      writeLine(`Placement ${p.placementId} (${p.accountId}) with ${p.agencyId}: ${p.status}.`);
    });
  placement
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

  const writeOff = program.command('write-off').description('Write-offs: recommended, approved or declined, and what was recovered since');
  for (const decision of ['APPROVE', 'DECLINE'] as const) {
    writeOff
      .command(decision.toLowerCase())
      .description(`A supervisor ${decision === 'APPROVE' ? 'approves' : 'declines'} a recommended write-off, as the approveWriteOff update of the account's workflow`)
      .argument('<recommendationId>', 'the write-off (arrears write-off list --status RECOMMENDED shows it)')
      .requiredOption('--reason <text>', 'why (5 to 500 characters)')
      .option('--by <supervisorId>', 'your staff id (default: who you are signed in as)')
      .action(async (rawId: string, raw: { reason: string; by?: string }) => {
        const recommendationId = recommendationIdOf(rawId);
        const decided = writeOffDecisionOf(recommendationId, { decision, by: raw.by ?? 'signed-in', reason: raw.reason });
        const w = answerOf(await withAccountMessages('POST /write-offs/:recommendationId/decision', (deps, caller) => sendWriteOffDecision(deps, recommendationId, { ...decided, supervisorId: actingId(caller, raw.by, '--by') })));
        writeLine(`Write-off ${w.recommendationId} (${w.accountId}): ${w.status}, ${formatMoney(w.amount, w.currency)}.`);
      });
  }
  writeOff
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

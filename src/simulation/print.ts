/**
 * What `npm run simulate` prints once the simulated days are over: the wall time and accounts
 * per second, what the actors did, the effectiveness report by treatment and by experiment
 * (as `arrears report` prints it), and the compliance audit of the contact log.
 */
import { auditContacts, AUDIT_KINDS, type ContactAudit } from '../contact-policy/audit';
import { loadContactPolicyConfig } from '../contact-policy/config';
import type { Queryable } from '../db/pool';
import { loadCollectionCosts } from '../effectiveness/costs';
import { formatReportText } from '../effectiveness/format-text';
import { buildEffectivenessReport } from '../effectiveness/report';
import type { EffectivenessReport } from '../effectiveness/report-schema';
import type { SimulationOptions } from './options';
import type { SimulationResult } from './run-simulation';

/** N of the cure rate the simulation reports (the report's default). */
export const SIMULATION_CURE_WITHIN_DAYS = 30;

export interface SimulationOutcome {
  byTreatment: EffectivenessReport;
  byExperiment: EffectivenessReport;
  audit: ContactAudit;
}

/** The reports and the audit over the simulation's records. */
export async function simulationOutcome(db: Queryable, result: Pick<SimulationResult, 'from' | 'to'>): Promise<SimulationOutcome> {
  const costs = loadCollectionCosts();
  const request = { from: result.from, to: result.to, cureWithinDays: SIMULATION_CURE_WITHIN_DAYS };
  const [byTreatment, byExperiment, audit] = await Promise.all([
    buildEffectivenessReport(db, { ...request, by: 'treatment' }, costs),
    buildEffectivenessReport(db, { ...request, by: 'experiment' }, costs),
    auditContacts(db, loadContactPolicyConfig()),
  ]);
  return { byTreatment, byExperiment, audit };
}

export function formatAudit(audit: ContactAudit, preset: string): string {
  const lines = [`Compliance audit (preset ${preset}): ${audit.contactsAudited} contacts made`];
  for (const kind of AUDIT_KINDS) lines.push(`  ${kind.padEnd(24)} ${audit.violations[kind]}`);
  for (const [rule, n] of Object.entries(audit.overCapByRule)) lines.push(`    over cap ${rule}: ${n}`);
  const total = Object.values(audit.violations).reduce((a, b) => a + b, 0);
  lines.push(total === 0 ? '  0 violations' : `  ${total} VIOLATIONS`);
  return lines.join('\n');
}

export async function printSimulationOutcome(db: Queryable, result: SimulationResult, opts: SimulationOptions, out: (line: string) => void): Promise<SimulationOutcome> {
  const seconds = result.wallMs / 1000;
  out('');
  out(`wall time ${seconds.toFixed(1)} s (loading the book ${(result.loadMs / 1000).toFixed(1)} s), ${result.book.accounts} accounts, ${opts.days} days (${result.from} to ${result.to})`);
  out(`accounts per second: ${(result.book.accounts / seconds).toFixed(2)}; simulated days per minute: ${((opts.days * 60) / seconds).toFixed(1)}`);
  out('Where the wall time went:');
  for (const [phase, ms] of result.phases) out(`  ${phase.padEnd(48)} ${(ms / 1000).toFixed(1)} s (${((100 * ms) / result.wallMs).toFixed(0)} %)`);
  out('');
  out('What the simulated borrowers and staff did:');
  for (const [what, n] of result.tally) out(`  ${what.padEnd(48)} ${n}`);
  const outcome = await simulationOutcome(db, result);
  out('');
  out(formatReportText(outcome.byTreatment));
  out('');
  out(formatReportText(outcome.byExperiment));
  out('');
  out(formatAudit(outcome.audit, opts.preset));
  return outcome;
}

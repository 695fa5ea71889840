/** How the legal commands print cases, placements and write-offs (money in major units). */
import type { LegalCaseView, PlacementView, WriteOffView } from '../domain/legal';
import { formatMoney } from '../domain/money';
import { formatTable, minuteUtc } from './table';

type Write = (line: string) => void;

function printTable(header: string[], rows: string[][], none: string, write: Write): void {
  if (rows.length === 0) return write(none);
  const table = formatTable(header, rows);
  for (const line of [table.header, ...table.rows]) write(line);
}

export function printCases(cases: LegalCaseView[], write: Write): void {
  printTable(
    ['case', 'account', 'status', 'claim', 'recovered', 'next hearing', 'referred'],
    cases.map((c) => [String(c.caseId), c.accountId, c.status, formatMoney(c.claim, c.currency), formatMoney(c.recovered, c.currency), c.nextHearingOn ?? '', minuteUtc(c.referredAt)]),
    'No legal cases.',
    write,
  );
}

export function printCase(c: LegalCaseView, write: Write): void {
  write(`Case ${c.caseId}: account ${c.accountId}, ${c.status}, assigned to ${c.assignedTeam}; claim ${formatMoney(c.claim, c.currency)}, recovered ${formatMoney(c.recovered, c.currency)}`);
  write(`Evidence bundle: ${c.bundlePath} (SHA-256 ${c.bundleSha256})`);
  if (c.nextHearingOn) write(`Next hearing: ${c.nextHearingOn}`);
  printTable(
    ['outcome', 'on', 'amount', 'court reference', 'hearing', 'reported by'],
    c.outcomes.map((o) => [o.outcome, o.occurredOn, o.amount === null ? '' : formatMoney(o.amount, c.currency), o.courtReference ?? '', o.hearingOn ?? '', o.reportedBy]),
    'No outcomes reported yet.',
    write,
  );
}

export function printPlacements(placements: PlacementView[], write: Write): void {
  printTable(
    ['placement', 'account', 'agency', 'commission', 'amount', 'placed', 'recall by', 'status', 'recall'],
    placements.map((p) => [
      String(p.placementId),
      p.accountId,
      p.agencyId,
      `${Math.round(p.commissionRate * 1000) / 10} %`,
      formatMoney(p.placedAmount, p.currency),
      minuteUtc(p.placedAt),
      p.recallBy,
      p.status,
      p.recall ? `${p.recall.reason}${p.recall.sentAt ? ' (sent)' : ` (not sent, ${p.recall.attempts} tries)`}` : '',
    ]),
    'No placements.',
    write,
  );
}

export function printWriteOffs(writeOffs: WriteOffView[], write: Write): void {
  printTable(
    ['write-off', 'account', 'status', 'amount', 'basis', 'recommended', 'decided by', 'recovered since'],
    writeOffs.map((w) => [String(w.recommendationId), w.accountId, w.status, formatMoney(w.amount, w.currency), w.basis, minuteUtc(w.recommendedAt), w.decidedBy ?? '', formatMoney(w.recovered, w.currency)]),
    'No write-offs.',
    write,
  );
}

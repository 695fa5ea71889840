/**
 * The report as a supervisor reads it in a terminal: the metrics per group (rows) and the
 * totals, blocked contacts by rule, cost by unit, the roll-rate matrix, and the definitions.
 */
import { BUCKETS } from '../domain/buckets';
import { formatMoney } from '../domain/money';
import { formatTable } from '../cli/table';
import type { EffectivenessReport, Rate, ReportGroup } from './report-schema';

export const percent = (value: number | null) => (value === null ? '–' : `${(100 * value).toFixed(1)} %`);
const rateCell = (r: Rate) => (r.rate === null ? '–' : `${percent(r.rate)} (${r.hits}/${r.of})`);

/** Each metric's label and how one group's value reads, in the report's order. */
export function metricRows(report: EffectivenessReport): { label: string; cell: (g: ReportGroup) => string }[] {
  const money = (n: number) => formatMoney(n, report.currency);
  return [
    { label: `cure rate (${report.cureWithinDays} d)`, cell: (g) => rateCell(g.cureRate) },
    { label: 'promise-kept rate', cell: (g) => rateCell(g.promiseKeptRate) },
    { label: 'right-party-contact rate', cell: (g) => rateCell(g.rightPartyContactRate) },
    { label: 'appointments confirmed', cell: (g) => rateCell(g.appointmentConfirmedRate) },
    { label: 'visit success', cell: (g) => rateCell(g.visitSuccessRate) },
    { label: 'contacts blocked', cell: (g) => rateCell(g.contactsBlockedShare) },
    { label: 'balance entering', cell: (g) => money(g.balanceEntering) },
    { label: 'liquidation rate', cell: (g) => percent(g.liquidationRate) },
    { label: 'amount recovered', cell: (g) => money(g.amountRecovered) },
    { label: 'collection cost', cell: (g) => money(g.collectionCost) },
    { label: 'cost per unit recovered', cell: (g) => (g.costPerUnitRecovered === null ? '–' : g.costPerUnitRecovered.toFixed(4)) },
  ];
}

/** The roll-rate matrix as rows (from) × columns (to), in bucket order. */
export function rollMatrix(report: EffectivenessReport): { from: string; cells: (number | null)[] }[] {
  return BUCKETS.filter((from) => report.rollRates.some((r) => r.fromBucket === from)).map((from) => ({
    from,
    cells: BUCKETS.map((to) => report.rollRates.find((r) => r.fromBucket === from && r.toBucket === to)?.rate ?? null),
  }));
}

export function formatReportText(report: EffectivenessReport): string {
  const lines: string[] = [];
  const table = (header: string[], rows: string[][]) => {
    const t = formatTable(header, rows);
    lines.push(`  ${t.header}`, ...t.rows.map((r) => `  ${r}`));
  };
  lines.push(`Effectiveness ${report.from} to ${report.to}, by ${report.by} (amounts in ${report.currency}; costs config ${report.costConfigVersion})`, '');
  const groups = [...report.groups, report.total];
  table(['', ...groups.map((g) => g.key)], metricRows(report).map((m) => [m.label, ...groups.map(m.cell)]));
  lines.push('  plan completion: – (plans are not built yet)', '');

  lines.push('Contacts blocked by the contact policy, by rule');
  if (report.blockedByRule.length === 0) lines.push('  none');
  else table(['rule', 'blocked', 'share of contacts'], report.blockedByRule.map((b) => [b.rule, String(b.blocked), percent(b.share)]));
  lines.push('', 'Collection cost by unit');
  if (report.costByUnit.length === 0) lines.push('  none');
  else table(['unit', 'count', 'cost'], report.costByUnit.map((c) => [c.unit, String(c.count), formatMoney(c.cost, report.currency)]));

  if (report.experiments.length > 0) {
    lines.push('', 'Experiments: champion against challenger');
    for (const e of report.experiments) {
      const cost = (g: ReportGroup) => (g.costPerUnitRecovered === null ? '–' : g.costPerUnitRecovered.toFixed(4));
      lines.push(`  ${e.experiment}: cure rate ${rateCell(e.champion.cureRate)} against ${rateCell(e.challenger.cureRate)}; cost per unit recovered ${cost(e.champion)} against ${cost(e.challenger)}`);
      lines.push(`    ${e.verdict}`);
    }
  }

  lines.push('', `Roll rates, month over month (${report.rollRateMonths} month pairs; rows: bucket at a month's last screening, columns: a month later)`);
  const matrix = rollMatrix(report);
  if (matrix.length === 0) lines.push('  no two consecutive months screened in the period');
  else table(['from \\ to', ...BUCKETS], matrix.map((row) => [row.from, ...row.cells.map(percent)]));

  lines.push('', 'Definitions');
  for (const [metric, definition] of Object.entries(report.definitions)) lines.push(`  ${metric}: ${definition}`);
  return `${lines.join('\n')}\n`;
}

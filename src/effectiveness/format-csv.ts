/**
 * The report as CSV for a spreadsheet: one row per figure (section, group, metric, value,
 * numerator, denominator), so every section fits one layout.
 */
import { stringify } from 'csv-stringify/sync';
import type { EffectivenessReport, Rate, ReportGroup } from './report-schema';

type Row = [section: string, group: string, metric: string, value: number | string | null, numerator: number | null, denominator: number | null];

const RATES = ['cureRate', 'promiseKeptRate', 'rightPartyContactRate', 'appointmentConfirmedRate', 'visitSuccessRate', 'contactsBlockedShare'] as const;
const AMOUNTS = ['balanceEntering', 'collectedOnEntries', 'liquidationRate', 'amountRecovered', 'collectionCost', 'costPerUnitRecovered'] as const;

function groupRows(g: ReportGroup): Row[] {
  const rate = (metric: string, r: Rate): Row => ['metrics', g.key, metric, r.rate, r.hits, r.of];
  return [...RATES.map((m) => rate(m, g[m])), ...AMOUNTS.map((m): Row => ['metrics', g.key, m, g[m], null, null])];
}

export function formatReportCsv(report: EffectivenessReport): string {
  const rows: Row[] = [
    ...[...report.groups, report.total].flatMap(groupRows),
    ...report.blockedByRule.map((b): Row => ['blocked-by-rule', 'all', b.rule, b.share, b.blocked, null]),
    ...report.costByUnit.map((c): Row => ['cost-by-unit', 'all', c.unit, c.cost, c.count, null]),
    ...report.rollRates.map((r): Row => ['roll-rate', r.fromBucket, r.toBucket, r.rate, r.accounts, r.fromAccounts]),
    ...report.experiments.flatMap((e): Row[] => [
      ['experiment', e.experiment, 'cureRateDifference', e.cureRateDifference.difference, null, null],
      ['experiment', e.experiment, 'cureRateDifferenceLow95', e.cureRateDifference.low, null, null],
      ['experiment', e.experiment, 'cureRateDifferenceHigh95', e.cureRateDifference.high, null, null],
      ['experiment', e.experiment, 'pValue', e.cureRateDifference.pValue, null, null],
      ['experiment', e.experiment, 'verdict', e.verdict, null, null],
    ]),
    ...report.cureCurves.map((c): Row => ['cure-curve', c.key, `day ${c.day}`, c.curedShare, null, null]),
    ...report.recoveredByMonth.map((m): Row => ['recovered-by-month', m.key, m.month, m.amount, null, null]),
  ];
  return stringify(rows, { header: true, columns: ['section', 'group', 'metric', 'value', 'numerator', 'denominator'] });
}

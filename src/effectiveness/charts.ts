/**
 * The report's charts as Vega-Lite specifications, rendered to SVG by Vega without a
 * browser (its "none" renderer): the roll-rate heat map, the cure curves by group and the
 * amount recovered by month. Vega is ESM-only (with top-level await), hence the dynamic imports.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BUCKETS } from '../domain/buckets';
import { toMajorUnits } from '../domain/money';
import type { EffectivenessReport } from './report-schema';

export interface Chart {
  id: 'roll-rates' | 'cure-curves' | 'recovered-by-month';
  title: string;
  /** what the chart shows, for the caption */
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 520;

export function reportCharts(report: EffectivenessReport): Chart[] {
  return [
    {
      id: 'roll-rates',
      title: 'Roll rates, month over month',
      caption: `Each row is a bucket at a month's last screening; each cell the share of those accounts in the column's bucket a month later (${report.rollRateMonths} month pairs). Darker is more.`,
      spec: {
        width: WIDTH,
        height: 260,
        data: { values: report.rollRates.map((r) => ({ from: r.fromBucket, to: r.toBucket, rate: r.rate ?? 0, accounts: r.accounts })) },
        encoding: {
          x: { field: 'to', type: 'ordinal', sort: [...BUCKETS], title: 'bucket a month later', axis: { labelAngle: 0, orient: 'top' } },
          y: { field: 'from', type: 'ordinal', sort: [...BUCKETS], title: 'bucket at month end' },
        },
        layer: [
          { mark: 'rect', encoding: { color: { field: 'rate', type: 'quantitative', title: 'roll rate', scale: { scheme: 'oranges', domain: [0, 1] }, legend: { format: '.0%' } } } },
          {
            mark: { type: 'text', fontSize: 11 },
            encoding: { text: { field: 'rate', type: 'quantitative', format: '.1%' }, color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: 'black' } },
          },
        ],
      },
    },
    {
      id: 'cure-curves',
      title: `Cure curves by ${report.by}`,
      caption: `The share of the accounts that entered collection in the period which were back to current by each day after entering, one line per ${report.by}.`,
      spec: {
        width: WIDTH,
        height: 260,
        data: { values: report.cureCurves.map((c) => ({ key: c.key, day: c.day, cured: c.curedShare })) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'day', type: 'quantitative', title: 'days after entering collection' },
          y: { field: 'cured', type: 'quantitative', title: 'share cured', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
          color: { field: 'key', type: 'nominal', title: report.by },
        },
      },
    },
    {
      id: 'recovered-by-month',
      title: 'Amount recovered by month',
      caption: `Payments value-dated in each month within an episode of collection, in ${report.currency}, stacked by ${report.by}.`,
      spec: {
        width: WIDTH,
        height: 260,
        data: { values: report.recoveredByMonth.map((m) => ({ month: m.month, key: m.key, amount: toMajorUnits(m.amount, report.currency) })) },
        mark: 'bar',
        encoding: {
          x: { field: 'month', type: 'ordinal', title: 'month', axis: { labelAngle: 0 } },
          y: { field: 'amount', type: 'quantitative', title: `recovered (${report.currency})`, stack: 'zero' },
          color: { field: 'key', type: 'nominal', title: report.by },
        },
      },
    },
  ];
}

/** One chart as SVG markup. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

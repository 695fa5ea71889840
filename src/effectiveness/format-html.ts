/**
 * The report as one self-contained HTML page: the charts (inline SVG, rendered without a
 * browser), the metrics table, blocked contacts and costs, the definitions, and a closing
 * note saying what each chart shows.
 */
import { formatMoney } from '../domain/money';
import { reportCharts, renderChartSvg } from './charts';
import { metricRows, percent } from './format-text';
import type { EffectivenessReport } from './report-schema';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const tableHtml = (header: string[], rows: string[][]) =>
  `<table><thead><tr>${header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0;border:1px solid #ddd;padding:.75rem;border-radius:6px}
figcaption{font-size:.85rem;color:#555;max-width:560px}table{border-collapse:collapse;font-size:.9rem}
th,td{border-bottom:1px solid #eee;padding:.3rem .6rem;text-align:right}thead th{border-bottom:2px solid #ccc}
th[scope=row]{text-align:left;font-weight:normal}dl{font-size:.9rem}dt{font-weight:bold;margin-top:.4rem}`;

export async function formatReportHtml(report: EffectivenessReport): Promise<string> {
  const charts = reportCharts(report);
  const svgs = await Promise.all(charts.map((c) => renderChartSvg(c.spec)));
  const groups = [...report.groups, report.total];
  const title = `Collection effectiveness, ${report.from} to ${report.to}, by ${report.by}`;
  const figures = charts
    .map((c, i) => `<figure data-chart="${c.id}"><h2>${escape(c.title)}</h2>${svgs[i]}<figcaption>${escape(c.caption)}</figcaption></figure>`)
    .join('\n');
  const metrics = tableHtml(['', ...groups.map((g) => g.key)], metricRows(report).map((m) => [m.label, ...groups.map(m.cell)]));
  const blocked = tableHtml(['rule', 'blocked', 'share of contacts'], report.blockedByRule.map((b) => [b.rule, String(b.blocked), percent(b.share)]));
  const costs = tableHtml(['unit', 'count', 'cost'], report.costByUnit.map((c) => [c.unit, String(c.count), formatMoney(c.cost, report.currency)]));
  const definitions = Object.entries(report.definitions)
    .map(([metric, text]) => `<dt>${escape(metric)}</dt><dd>${escape(text)}</dd>`)
    .join('');
  const experiments = report.experiments.length
    ? `<h2>Experiments: champion against challenger</h2><ul id="experiments">${report.experiments.map((e) => `<li><strong>${escape(e.experiment)}</strong>: ${escape(e.verdict)}</li>`).join('')}</ul>`
    : '';
  const notes = charts.map((c) => `<li><strong>${escape(c.title)}</strong>: ${escape(c.caption)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(title)}</h1>
<p>Amounts in ${escape(report.currency)}; cure within ${report.cureWithinDays} days; costs priced by config ${escape(report.costConfigVersion)}.</p>
<section class="charts">
${figures}
</section>
<h2>Metrics</h2>
${metrics}
<p>Plan completion: not yet (plans are not built).</p>
${experiments}
<h2>Contacts blocked by the contact policy, by rule</h2>
${report.blockedByRule.length ? blocked : '<p>none</p>'}
<h2>Collection cost by unit</h2>
${report.costByUnit.length ? costs : '<p>none</p>'}
<h2>Definitions</h2>
<dl>${definitions}</dl>
<h2>What the charts show</h2>
<ul id="closing-note">${notes}</ul>
</body></html>
`;
}

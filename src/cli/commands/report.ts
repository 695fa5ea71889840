/**
 * `arrears report [--from D] [--to D] [--by bucket|treatment|experiment] [--format text|csv|html]`:
 * the effectiveness report (SPEC §6) over the records, on stdout or in a file. Figures and
 * group names only: no personal data.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadCollectionCosts } from '../../effectiveness/costs';
import { formatReportCsv } from '../../effectiveness/format-csv';
import { formatReportHtml } from '../../effectiveness/format-html';
import { formatReportText } from '../../effectiveness/format-text';
import { buildEffectivenessReport } from '../../effectiveness/report';
import { REPORT_DIMENSIONS, type EffectivenessReport } from '../../effectiveness/report-schema';
import { withCliContext } from '../context';
import { optionsOf } from '../options';

const FORMATS = ['text', 'csv', 'html'] as const;
const date = (flag: string) => z.iso.date(`${flag} takes a date, YYYY-MM-DD`);
const optionsSchema = z.strictObject({
  from: date('--from').optional(),
  to: date('--to').optional(),
  by: z.enum(REPORT_DIMENSIONS, `--by takes ${REPORT_DIMENSIONS.join(', ')}`).default('treatment'),
  format: z.enum(FORMATS, `--format takes ${FORMATS.join(', ')}`).default('text'),
  cureWithin: z.coerce.number('--cure-within takes a number of days').int('--cure-within takes a whole number of days').min(1, '--cure-within is at least 1').max(730, '--cure-within is at most 730').default(30),
  costs: z.string().optional(),
  out: z.string().min(1).optional(),
});

async function render(report: EffectivenessReport, format: (typeof FORMATS)[number]): Promise<string> {
  if (format === 'csv') return formatReportCsv(report);
  if (format === 'html') return formatReportHtml(report);
  return formatReportText(report);
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('The effectiveness report: cure, roll, promise-kept, right-party-contact, appointment and visit rates, recovery, liquidation, cost per unit recovered, blocked contacts')
    .option('--from <date>', 'first day of the period, YYYY-MM-DD (default: a year before --to)')
    .option('--to <date>', 'last day of the period, YYYY-MM-DD (default: today, UTC)')
    .option('--by <dimension>', `group by ${REPORT_DIMENSIONS.join(', ')}`, 'treatment')
    .option('--format <format>', `${FORMATS.join(', ')} (html: charts drawn with Vega-Lite)`, 'text')
    .option('--cure-within <days>', 'N of the cure rate: back to current within N days of entering collection', '30')
    .option('--costs <file>', 'unit costs (default: config/collection-costs.json)')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action(async (rawOptions: unknown) => {
      const opts = optionsOf(optionsSchema, rawOptions);
      if (opts.from && opts.to && opts.from > opts.to) throw new Error(`--from ${opts.from} is after --to ${opts.to}`);
      const costs = loadCollectionCosts(opts.costs);
      const report = await withCliContext(({ pool }) =>
        buildEffectivenessReport(pool, { ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}), by: opts.by, cureWithinDays: opts.cureWithin }, costs),
      );
      const text = await render(report, opts.format);
      if (opts.out) {
        fs.writeFileSync(opts.out, text);
        process.stdout.write(`report written to ${opts.out}\n`);
      } else process.stdout.write(text);
    });
}

/**
 * `arrears import <file> [--format loan-book|uci-credit-card]`: imports a loan book
 * (CSV or JSON, told by the file's extension) or the UCI credit-card dataset. Prints
 * the counts per record type, or every issue of a rejected file (exit code 1; nothing
 * is written).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { type ImportFormat, type ImportOutcome, importLoanBook } from '../../loan-book/import-loan-book';
import { formatIssue } from '../../loan-book/records';
import { withCliContext } from '../context';

const optionsSchema = z.strictObject({ format: z.enum(['loan-book', 'uci-credit-card'], '--format is loan-book or uci-credit-card').default('loan-book') });

function formatOf(file: string, format: z.infer<typeof optionsSchema>['format']): ImportFormat {
  if (format === 'uci-credit-card') return format;
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'loan-book-csv';
  if (extension === '.json') return 'loan-book-json';
  throw new Error(`cannot tell the format of ${path.basename(file)} from its extension: name it .csv or .json`);
}

export function printOutcome(outcome: ImportOutcome, format: ImportFormat, write: (line: string) => void): void {
  if (!outcome.ok) {
    write(`Rejected: ${outcome.issues.length} issue(s); nothing was written.`);
    for (const issue of outcome.issues) write(`  ${formatIssue(issue)}`);
    return;
  }
  write(`Imported (${format}) in ${(outcome.durationMs / 1000).toFixed(1)} s.`);
  write(`  ${'record type'.padEnd(14)}${'inserted'.padStart(10)}${'updated'.padStart(10)}${'unchanged'.padStart(11)}`);
  for (const [type, c] of Object.entries(outcome.counts)) {
    write(`  ${type.padEnd(14)}${String(c.inserted).padStart(10)}${String(c.updated).padStart(10)}${String(c.unchanged).padStart(11)}`);
  }
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import a loan book (CSV or JSON) or the UCI credit-card dataset. A bad file is rejected as a whole, with every bad line and field named')
    .argument('<file>', 'the file: .csv or .json for a loan book (see docs/loan-book-import.md)')
    .option('--format <format>', 'loan-book (CSV or JSON, from the extension) or uci-credit-card', 'loan-book')
    .action(async (file: string, rawOptions: unknown) => {
      const parsed = optionsSchema.safeParse(rawOptions);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      const format = formatOf(file, parsed.data.format);
      const content = await readFile(file, 'utf8');
      const outcome = await withCliContext(({ pool, log }) => importLoanBook(pool, { format, content, log }));
      printOutcome(outcome, format, (line) => process.stdout.write(`${line}\n`));
      if (!outcome.ok) process.exitCode = 1;
    });
}

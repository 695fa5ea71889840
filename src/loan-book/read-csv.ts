/**
 * The loan-book CSV: one file, one `record_type` column (BORROWER, CONTACT, ACCOUNT,
 * INSTALLMENT, PAYMENT) and the union of the record types' columns, in any order;
 * a record leaves the other types' columns empty. Line numbers are the file's own
 * (the header is line 1).
 */
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, type ImportIssue, nameAsField, RECORD_TYPES, type RecordType } from './records';
import type { SourceRow, SourceRows } from './source-rows';

interface CsvLine {
  record: string[];
  info: { lines: number };
}

export interface CsvRecord {
  where: string;
  /** the row's non-empty cells by column */
  fields: Record<string, string>;
}

/**
 * A CSV as its header and records, each with its line number; a row whose number of
 * cells is not the header's is an issue; a file csv-parse cannot read is one issue.
 */
export function readCsvRecords(content: string): { header: string[]; records: CsvRecord[]; issues: ImportIssue[] } {
  let lines: CsvLine[];
  try {
    lines = parse(content, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as unknown as CsvLine[];
  } catch (err) {
    // csv-parse's message quotes the offending text: name the line and the code only.
    const { lines: line, code } = err as { lines?: number; code?: string };
    return { header: [], records: [], issues: [{ where: `line ${line ?? 1}`, field: '(file)', message: `not readable as CSV (${code ?? 'parse error'})` }] };
  }
  const [headerLine, ...body] = lines;
  const header = headerLine?.record ?? [];
  const records: CsvRecord[] = [];
  const issues: ImportIssue[] = [];
  for (const { record, info } of body) {
    const where = `line ${info.lines}`;
    if (record.length !== header.length) {
      issues.push({ where, field: '(row)', message: `${record.length} fields where the header has ${header.length}` });
      continue;
    }
    const fields: Record<string, string> = {};
    header.forEach((column, n) => {
      if (record[n]) fields[column] = record[n];
    });
    records.push({ where, fields });
  }
  return { header, records, issues };
}

export function readLoanBookCsv(content: string): SourceRows {
  const { header, records, issues } = readCsvRecords(content);
  if (header.length === 0) return { rows: [], issues: issues.length > 0 ? issues : [{ where: 'file', field: '(file)', message: 'empty: expected a header line and records' }] };
  if (!header.includes('record_type')) {
    const uci = header.includes('LIMIT_BAL') ? ' (this looks like the UCI credit-card dataset: use the uci-credit-card format)' : '';
    return { rows: [], issues: [{ where: 'line 1', field: 'record_type', message: `the header has no record_type column${uci}` }] };
  }
  const headerIssues: ImportIssue[] = [];
  header.forEach((column, n) => {
    if (!CSV_COLUMNS.includes(column)) headerIssues.push({ where: 'line 1', field: nameAsField(column, `column ${n + 1}`), message: 'not a loan-book column' });
    else if (header.indexOf(column) !== n) headerIssues.push({ where: 'line 1', field: column, message: 'appears twice' });
  });
  if (headerIssues.length > 0) return { rows: [], issues: headerIssues };

  const rows: SourceRow[] = [];
  for (const { where, fields } of records) {
    const { record_type: type, ...rest } = fields;
    if (!RECORD_TYPES.includes(type as RecordType)) {
      issues.push({ where, field: 'record_type', message: type === undefined ? 'required' : `one of ${RECORD_TYPES.join(', ')}` });
      continue;
    }
    rows.push({ where, type: type as RecordType, fields: rest });
  }
  return { rows, issues };
}

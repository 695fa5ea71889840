/**
 * What the CSV and JSON readers hand on: each record's type, its non-empty fields as
 * text, and where it came from; then each record parsed with its type's zod schema.
 * Every bad field of every record is named; none is echoed (it may be personal data).
 */
import type { z } from 'zod';
import { type ImportIssue, nameAsField, type ParsedRecords, RECORD_SCHEMAS, RECORD_TYPES, type RecordType } from './records';

export interface SourceRow {
  where: string;
  type: RecordType;
  fields: Record<string, string>;
}

export interface SourceRows {
  rows: SourceRow[];
  issues: ImportIssue[];
}

/** The zod issues of one record, one per field; a missing field is "required". */
export function issuesOf(error: z.ZodError, where: string, fields: Record<string, unknown>, recordName: string): ImportIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ where, field: nameAsField(key, 'a key'), message: `not a field of ${recordName} records` }));
    const field = String(issue.path[0] ?? '(record)');
    const missing = issue.code === 'invalid_type' && fields[field] === undefined;
    return [{ where, field, message: missing ? 'required' : issue.message }];
  });
}

/** Borrowers and accounts whose own record is bad: references to them are not reported again. */
export interface RejectedIds {
  borrowers: Set<string>;
  accounts: Set<string>;
}

export function parseRecords(rows: SourceRow[]): { records: ParsedRecords; issues: ImportIssue[]; rejected: RejectedIds } {
  const records = Object.fromEntries(RECORD_TYPES.map((t) => [t, []])) as unknown as ParsedRecords;
  const issues: ImportIssue[] = [];
  const rejected: RejectedIds = { borrowers: new Set(), accounts: new Set() };
  for (const { where, type, fields } of rows) {
    const parsed = RECORD_SCHEMAS[type].safeParse(fields);
    if (parsed.success) {
      (records[type] as unknown[]).push({ ...parsed.data, where });
      continue;
    }
    issues.push(...issuesOf(parsed.error, where, fields, type));
    if (type === 'BORROWER' && fields.borrower_id) rejected.borrowers.add(fields.borrower_id);
    if (type === 'ACCOUNT' && fields.account_id) rejected.accounts.add(fields.account_id);
  }
  return { records, issues, rejected };
}

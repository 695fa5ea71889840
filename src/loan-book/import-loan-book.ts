/**
 * Importing a loan book (issue 4 §1): a file is read, every record parsed with zod,
 * checked against itself and against the loan book in Postgres, and either rejected as
 * a whole with every bad line and field named, or written in one transaction,
 * set-based. The same file again writes nothing.
 */
import { inTransaction, type Pool, type PoolClient } from '../db/pool';
import { checkLoanBook } from './check-book';
import { compareWithStoredPayments, loadKnownInDb } from './known-in-db';
import { readLoanBookCsv } from './read-csv';
import { readLoanBookJson } from './read-json';
import { type ImportIssue, JSON_SECTIONS, type LoanBook } from './records';
import { resolveLoanBook } from './resolve';
import { parseRecords } from './source-rows';
import { readUciCreditCard, writeUciReference } from './uci-credit-card';
import { type LoanBookCounts, writeLoanBook, type WriteCounts } from './write-loan-book';

export const IMPORT_FORMATS = ['loan-book-csv', 'loan-book-json', 'uci-credit-card'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ImportCounts = LoanBookCounts & { reference?: WriteCounts };

export type ImportOutcome = { ok: true; counts: ImportCounts; durationMs: number } | { ok: false; issues: ImportIssue[] };

/** Issues in file order: the file's own first, then by line or by section and index. */
function inFileOrder(issues: ImportIssue[]): ImportIssue[] {
  const sections = Object.values(JSON_SECTIONS);
  const rank = ({ where }: ImportIssue): [number, number] => {
    const line = /^line (\d+)$/.exec(where);
    if (line) return [0, Number(line[1])];
    const element = /^(\w+)\[(\d+)\]$/.exec(where);
    if (element) return [1 + sections.indexOf(element[1] ?? ''), Number(element[2])];
    return [-1, 0];
  };
  return issues
    .map((issue, n) => ({ issue, n, rank: rank(issue) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.n - b.n)
    .map((x) => x.issue);
}

interface Prepared {
  book: LoanBook;
  issues: ImportIssue[];
  /** what the format writes besides the loan book, in the same transaction */
  writeMore?: (db: PoolClient) => Promise<Partial<ImportCounts>>;
}

async function prepare(db: PoolClient, format: ImportFormat, content: string): Promise<Prepared> {
  if (format === 'uci-credit-card') {
    const { book, reference, issues } = readUciCreditCard(content);
    return { book, issues, writeMore: async (tx) => ({ reference: await writeUciReference(tx, reference) }) };
  }
  const source = format === 'loan-book-csv' ? readLoanBookCsv(content) : readLoanBookJson(content);
  const parsed = parseRecords(source.rows);
  const known = await loadKnownInDb(db, parsed.records);
  const resolved = resolveLoanBook(parsed.records, known, parsed.rejected);
  return { book: resolved.book, issues: [...source.issues, ...parsed.issues, ...resolved.issues] };
}

/** Where the import logs its outcome: counts and issue numbers, never a value of the file. */
interface ImportLog {
  info(fields: object, message: string): void;
}

export interface ImportOptions {
  format: ImportFormat;
  content: string;
  log?: ImportLog;
  /**
   * Whether the payments the import inserts are news for the accounts' open workflows:
   * each then gets an outbox row, which the relay delivers as paymentReceived (or finds
   * no open run; Postgres counts the payment either way). Yes for a core-banking loan
   * book; no for the UCI dataset, 2005 history that no run is waiting for.
   */
  announcePayments?: boolean;
}

export async function importLoanBook(pool: Pool, { format, content, log, announcePayments = format !== 'uci-credit-card' }: ImportOptions): Promise<ImportOutcome> {
  const started = performance.now();
  const outcome = await inTransaction(pool, async (db): Promise<ImportOutcome> => {
    const { book, issues, writeMore } = await prepare(db, format, content);
    const stored = await compareWithStoredPayments(db, book);
    issues.push(...checkLoanBook(book, stored.conflicting));
    // Nothing has been written yet: a rejected file commits an empty transaction.
    if (issues.length > 0) return { ok: false, issues: inFileOrder(issues) };
    const counts: ImportCounts = await writeLoanBook(db, book, stored.alike, { announcePayments });
    Object.assign(counts, await writeMore?.(db));
    return { ok: true, counts, durationMs: 0 };
  });
  if (!outcome.ok) {
    log?.info({ format, issues: outcome.issues.length }, 'loan-book import rejected');
    return outcome;
  }
  const durationMs = Math.round(performance.now() - started);
  log?.info({ format, counts: outcome.counts, durationMs }, 'loan book imported');
  return { ...outcome, durationMs };
}

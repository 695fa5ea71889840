/**
 * Issue 19 §2: the import formats (loan-book CSV and JSON, the UCI credit-card CSV) read
 * hostile files without throwing, and every issue they report names a line and a field
 * without repeating a value shaped like personal data (the files are full of it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { PROJECT_ROOT } from '../paths';
import { fuzzRuns, hostileValue, oneFieldBroken, personalStringsIn, personalValue, shortened, trickyString } from '../../test/fuzz';
import type { ImportIssue } from './records';
import { readLoanBookCsv } from './read-csv';
import { readLoanBookJson } from './read-json';
import { parseRecords } from './source-rows';
import { UCI_COLUMNS, readUciCreditCard } from './uci-credit-card';

const exampleJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples/loan-book.json'), 'utf8')) as Record<string, unknown[]>;
const exampleCsv = readFileSync(path.join(PROJECT_ROOT, 'examples/loan-book.csv'), 'utf8');
const csvHeader = exampleCsv.split('\n')[0]!.split(',');

/** Every issue of a read, with the records' own checks (parseRecords) after it. */
function issuesOfLoanBook(read: ReturnType<typeof readLoanBookCsv>): ImportIssue[] {
  return [...read.issues, ...parseRecords(read.rows).issues];
}

function expectNoEcho(issues: ImportIssue[], input: unknown, content: string) {
  const text = JSON.stringify(issues);
  const echoed = personalStringsIn(input).filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)));
  expect({ content: shortened(content), echoed }).toEqual({ content: shortened(content), echoed: [] });
  for (const issue of issues) expect(Object.keys(issue).sort()).toEqual(['field', 'message', 'where']);
}

/** A CSV line: the columns of a header with hostile cells (a quote, a newline, a personal value, too few or too many cells). */
const csvRows = (header: string[]) => fc.array(fc.array(fc.oneof(trickyString, personalValue, fc.constant('')), { minLength: header.length - 2, maxLength: header.length + 2 }), { maxLength: 8 });

describe('the loan-book JSON', () => {
  test('the example with one field broken, or any hostile document: no throw; issues name where and what, never a personal value', () => {
    const sections = Object.keys(exampleJson);
    const brokenDocument = fc.constantFrom(...sections).chain((section) =>
      fc.nat({ max: Math.max(0, exampleJson[section]!.length - 1) }).chain((n) =>
        exampleJson[section]!.length ? oneFieldBroken(exampleJson[section]![n] as object).map((record) => ({ ...exampleJson, [section]: exampleJson[section]!.map((r, i) => (i === n ? record : r)) })) : fc.constant(exampleJson),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(brokenDocument, hostileValue, fc.dictionary(fc.oneof(personalValue, fc.constantFrom(...sections)), hostileValue, { maxKeys: 4 })), (doc) => {
        const content = JSON.stringify(doc) ?? 'undefined';
        expectNoEcho(issuesOfLoanBook(readLoanBookJson(content)), doc, content);
      }),
      { numRuns: fuzzRuns(60) },
    );
  });

  test('bytes that are no JSON: one issue, "not valid JSON", nothing of the content', () => {
    fc.assert(
      fc.property(fc.oneof(personalValue.map((v) => `{"borrowers": [{"full_name": "${v}`), fc.string({ unit: 'binary' })), (content) => {
        const read = readLoanBookJson(content);
        if (read.issues.length === 1 && read.rows.length === 0 && read.issues[0]!.message === 'not valid JSON') return;
        expectNoEcho(issuesOfLoanBook(read), content, content);
      }),
      { numRuns: fuzzRuns(100) },
    );
  });
});

describe('the loan-book CSV', () => {
  test("the example's header with hostile rows, or hostile text: no throw; issues name where and what, never a personal value", () => {
    fc.assert(
      fc.property(fc.oneof(csvRows(csvHeader).map((rows) => stringify([csvHeader, ...rows])), fc.string({ unit: 'grapheme', maxLength: 300 }), personalValue.map((v) => `record_type,full_name\nBORROWER,"${v}`)), (content) => {
        expectNoEcho(issuesOfLoanBook(readLoanBookCsv(content)), content.split(/[\n,"]/), content);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  test('a file without its header line (a borrower where the header should be): the columns named by position, not by the values', () => {
    fc.assert(
      fc.property(fc.array(personalValue, { minLength: 1, maxLength: 5 }), (values) => {
        const content = stringify([['BORROWER', ...values], ['BORROWER', 'B-2']]);
        const { issues } = readLoanBookCsv(content);
        expect(issues.length).toBeGreaterThan(0);
        expectNoEcho(issues, values, content);
      }),
      { numRuns: fuzzRuns(20) },
    );
  });

  test('a record type no one knows, in a personal value: named without the value', () => {
    fc.assert(
      fc.property(personalValue, (value) => {
        const content = stringify([['record_type', 'borrower_id'], [value, 'B-1']]);
        expectNoEcho(issuesOfLoanBook(readLoanBookCsv(content)), [value], content);
      }),
      { numRuns: fuzzRuns(20) },
    );
  });
});

describe('the UCI credit-card CSV', () => {
  test('its columns with hostile cells: no throw; issues name where and what, never a personal value', () => {
    fc.assert(
      fc.property(csvRows(UCI_COLUMNS), (rows) => {
        const content = stringify([UCI_COLUMNS, ...rows]);
        expectNoEcho(readUciCreditCard(content).issues, rows, content);
      }),
      { numRuns: fuzzRuns(150) },
    );
  });
});

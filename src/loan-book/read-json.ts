/**
 * The loan-book JSON: `{ "borrowers": [...], "contacts": [...], "accounts": [...],
 * "installments": [...], "payments": [...] }`, each element an object with the same
 * fields as the CSV columns. Scalars become text so that the CSV's schemas apply
 * (amounts may be strings or numbers; strings are exact, so prefer them); null is
 * the same as absent.
 */
import { type ImportIssue, JSON_SECTIONS, nameAsField, RECORD_TYPES } from './records';
import type { SourceRow, SourceRows } from './source-rows';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readLoanBookJson(content: string): SourceRows {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return { rows: [], issues: [{ where: 'file', field: '(file)', message: 'not valid JSON' }] };
  }
  const sections = Object.values(JSON_SECTIONS);
  if (!isObject(doc)) return { rows: [], issues: [{ where: 'file', field: '(file)', message: `expected an object with ${sections.join(', ')}` }] };

  const issues: ImportIssue[] = Object.keys(doc)
    .filter((key) => !sections.includes(key))
    .map((key, n) => ({ where: 'file', field: nameAsField(key, `key ${n + 1}`), message: `not a loan-book section (${sections.join(', ')})` }));
  const rows: SourceRow[] = [];
  for (const type of RECORD_TYPES) {
    const section = JSON_SECTIONS[type];
    const elements = doc[section];
    if (elements === undefined) continue;
    if (!Array.isArray(elements)) {
      issues.push({ where: 'file', field: section, message: 'expected an array' });
      continue;
    }
    elements.forEach((element: unknown, n) => {
      const where = `${section}[${n}]`;
      if (!isObject(element)) return issues.push({ where, field: '(record)', message: 'expected an object' });
      const fields: Record<string, string> = {};
      for (const [key, value] of Object.entries(element)) {
        if (value === null || value === undefined || value === '') continue;
        if (typeof value === 'object') issues.push({ where, field: nameAsField(key, 'a key'), message: 'expected a string, number or boolean' });
        else fields[key] = String(value);
      }
      rows.push({ where, type, fields });
    });
  }
  return { rows, issues };
}

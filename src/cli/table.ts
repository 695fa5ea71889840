/**
 * The commands' tables: columns two spaces apart, each as wide as its widest cell, the first
 * (a number: task, appointment) right-aligned and the rest left-aligned.
 */
export interface Table {
  header: string;
  rows: string[];
  /** where a line under a row starts, to sit under its second column */
  indent: number;
}

export function formatTable(header: string[], rows: string[][]): Table {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padStart(widths[0] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return { header: line(header), rows: rows.map(line), indent: (widths[0] ?? 0) + 2 };
}

/** "2026-11-23 10:05Z": to the minute, in UTC, as the API's instants are. */
export const minuteUtc = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : '');

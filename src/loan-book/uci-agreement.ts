/**
 * How far a screening run of the imported UCI book agrees with the dataset's own
 * September repayment status (PAY_0): a cross-tab of PAY_0 (rows) by the bucket the
 * run computed (columns; an account absent from the run's collection list is CURRENT),
 * with the share of each row in the bucket PAY_0 stands for.
 *
 * What PAY_0 stands for: n ≥ 1 is "payment delay of n months", so a statement minimum
 * unpaid for n × 30 days at most: 1 → 1-30, 2 → 31-60, 3 → 61-90, 4 to 6 → 91-180,
 * 7 and more → 180+. -1 is "paid duly". -2 and 0 are not documented by the source;
 * we take them as the usual reading of this dataset, -2 "no consumption" and 0
 * "revolving credit, minimum paid": neither is overdue, so both stand for CURRENT.
 */
import { z } from 'zod';
import { BUCKETS, type Bucket, bucketFor } from '../domain/buckets';
import type { Queryable } from '../db/pool';

export function bucketOfRepaymentStatus(pay0: number): Bucket {
  return pay0 <= 0 ? 'CURRENT' : bucketFor(pay0 * 30);
}

export interface AgreementRow {
  pay0: number;
  byBucket: Record<Bucket, number>;
  holders: number;
  /** the bucket PAY_0 stands for, and how many of the row's holders the run put there */
  expected: Bucket;
  agreeing: number;
}

export interface AgreementTable {
  screeningRunId: number;
  rows: AgreementRow[];
  holders: number;
  agreeing: number;
}

const cellRow = z.object({ pay_0: z.number().int(), bucket: z.enum(BUCKETS), holders: z.number().int() });

/** `accountIds` restricts the table to some holders (a sample, a test's own); default: every imported holder. */
export async function uciAgreement(db: Queryable, screeningRunId: number, { accountIds }: { accountIds?: string[] } = {}): Promise<AgreementTable> {
  const run = await db.query('SELECT 1 FROM screening_runs WHERE id = $1', [screeningRunId]);
  if (run.rowCount === 0) throw new Error(`no screening run ${screeningRunId}`);
  const { rows } = await db.query(
    `SELECT r.pay_0, coalesce(c.bucket, 'CURRENT') AS bucket, count(*)::int AS holders
       FROM uci_credit_card_reference r
       LEFT JOIN collection_list c ON c.screening_run_id = $1 AND c.account_id = r.account_id
      WHERE $2::text[] IS NULL OR r.account_id = ANY ($2::text[])
      GROUP BY 1, 2`,
    [screeningRunId, accountIds ?? null],
  );
  const byStatus = new Map<number, AgreementRow>();
  for (const cell of rows.map((r) => cellRow.parse(r))) {
    const expected = bucketOfRepaymentStatus(cell.pay_0);
    const row = byStatus.get(cell.pay_0) ?? {
      pay0: cell.pay_0,
      byBucket: Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>,
      holders: 0,
      expected,
      agreeing: 0,
    };
    row.byBucket[cell.bucket] += cell.holders;
    row.holders += cell.holders;
    if (cell.bucket === expected) row.agreeing += cell.holders;
    byStatus.set(cell.pay_0, row);
  }
  const tableRows = [...byStatus.values()].sort((a, b) => a.pay0 - b.pay0);
  return {
    screeningRunId,
    rows: tableRows,
    holders: tableRows.reduce((n, r) => n + r.holders, 0),
    agreeing: tableRows.reduce((n, r) => n + r.agreeing, 0),
  };
}

const percent = (part: number, whole: number) => `${whole === 0 ? '-' : ((100 * part) / whole).toFixed(1)} %`;

export function formatAgreement(table: AgreementTable): string[] {
  const cell = (s: string | number, width = 9) => String(s).padStart(width);
  const header = `${'PAY_0'.padStart(6)}${BUCKETS.map((b) => cell(b)).join('')}${cell('holders')}${cell('expected')}${cell('agree', 10)}`;
  const lines = [`Agreement with the dataset's PAY_0 (September status), screening run ${table.screeningRunId}:`, header];
  for (const r of table.rows) {
    lines.push(`${cell(r.pay0, 6)}${BUCKETS.map((b) => cell(r.byBucket[b])).join('')}${cell(r.holders)}${cell(r.expected)}${cell(percent(r.agreeing, r.holders), 10)}`);
  }
  lines.push(`${'all'.padStart(6)}${' '.repeat(9 * BUCKETS.length)}${cell(table.holders)}${' '.repeat(9)}${cell(percent(table.agreeing, table.holders), 10)}`);
  return lines;
}

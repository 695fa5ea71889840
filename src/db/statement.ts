/**
 * The overdue statement's lines (SPEC §2 step 2): every installment overdue on a business
 * day, oldest due first. What is still unpaid on each comes from the repayment state the
 * triggers keep (installments.allocated_paid: every known payment applied oldest-due
 * first, migration …_screening.sql), so the lines add up to account_figures' overdue
 * amount by construction; the split within an installment is account_figures' own
 * (payments settle fees, then interest, then principal, so principal stays unpaid longest).
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import type { StatementLine } from '../domain/early-collection';
import type { Queryable } from './pool';

const lineRow = z.object({
  seq: z.number().int().positive(),
  due_date: z.string(),
  amount_due: z.number().int(),
  outstanding: z.number().int().positive(),
  outstanding_principal: z.number().int().min(0),
  outstanding_interest: z.number().int().min(0),
  running_total: z.number().int().positive(),
  days_past_due: z.number().int().positive(),
});

// Due ON the business day is not overdue yet (DPD 1 is the day after), as in account_figures.
const LINES_SQL = `
  WITH unpaid AS (
    SELECT i.seq, i.due_date, i.amount_due, i.principal_due, i.interest_due,
           i.amount_due - i.allocated_paid AS outstanding
    FROM installments i
    WHERE i.account_id = $1 AND i.due_date < $2::date
  )
  SELECT u.seq, u.due_date, u.amount_due, u.outstanding,
         least(u.principal_due, u.outstanding) AS outstanding_principal,
         least(u.interest_due, u.outstanding - least(u.principal_due, u.outstanding)) AS outstanding_interest,
         sum(u.outstanding) OVER (ORDER BY u.due_date, u.seq ROWS UNBOUNDED PRECEDING)::bigint AS running_total,
         $2::date - u.due_date AS days_past_due
  FROM unpaid u
  WHERE u.outstanding > 0
  ORDER BY u.due_date, u.seq`;

/** The account's overdue installments as of the business day, oldest due first (none: an empty list). */
export async function loadStatementLines(db: Queryable, accountId: string, asOf: IsoDate): Promise<StatementLine[]> {
  const { rows } = await db.query(LINES_SQL, [accountId, asOf]);
  return rows.map((row) => {
    const r = lineRow.parse(row);
    return {
      installmentNo: r.seq,
      dueDate: r.due_date,
      amountDue: r.amount_due,
      outstandingFees: r.outstanding - r.outstanding_principal - r.outstanding_interest,
      outstandingInterest: r.outstanding_interest,
      outstandingPrincipal: r.outstanding_principal,
      outstanding: r.outstanding,
      runningTotal: r.running_total,
      daysPastDue: r.days_past_due,
    };
  });
}

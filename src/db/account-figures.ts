/**
 * Reads an account's collection figures from the one SQL implementation of
 * "payments apply to installments oldest-due first": account_figures(as_of), the same
 * function the screening scan reads for the whole book (migrations/…_screening.sql).
 * Every known payment counts here, whatever its value date (live collection).
 *
 * An account on a plan in force (issue 16 §3) is judged by the plan, not by the contract's
 * schedule: what of the plan's obligations due before the day is unpaid, since when
 * (plan_standing, migration …40_negotiation.sql). A plan that is paid up leaves nothing
 * overdue, so the workflow's figures, the contact steps and the promise checks see an
 * account keeping its plan as current.
 */
import { z } from 'zod';
import { type AccountFigures, UNRATED } from '../domain/account';
import { bucketFor } from '../domain/buckets';
import type { IsoDate } from '../domain/dates';
import type { Queryable } from './pool';

const figuresRow = z.object({
  account_id: z.string(),
  currency: z.string().length(3),
  risk_tier: z.string().nullable(),
  amount_overdue: z.number().int(),
  oldest_unpaid_due_date: z.string().nullable(),
  overdue_installments: z.number().int(),
  days_past_due: z.number().int().min(0),
});

// The plan's standing where one is in force, the contract's figures otherwise.
const FIGURES_COLUMNS = `f.account_id, f.currency, f.risk_tier,
  CASE WHEN ps.plan_id IS NULL THEN f.amount_overdue ELSE ps.amount_overdue END AS amount_overdue,
  CASE WHEN ps.plan_id IS NULL THEN f.oldest_unpaid_due_date ELSE ps.oldest_unpaid_due_date END AS oldest_unpaid_due_date,
  CASE WHEN ps.plan_id IS NULL THEN f.overdue_installments ELSE ps.overdue_installments END AS overdue_installments,
  CASE WHEN ps.plan_id IS NULL THEN f.days_past_due ELSE coalesce(f.as_of_day - ps.oldest_unpaid_due_date, 0) END AS days_past_due`;

const FIGURES_FROM = (asOf: string) =>
  `(SELECT af.*, ${asOf}::date AS as_of_day FROM account_figures(${asOf}::date) af) f LEFT JOIN plan_standing(${asOf}::date) ps ON ps.account_id = f.account_id`;

function toFigures(row: unknown, asOf: IsoDate): AccountFigures {
  const r = figuresRow.parse(row);
  return {
    accountId: r.account_id,
    currency: r.currency,
    asOf,
    amountOverdue: r.amount_overdue,
    daysPastDue: r.days_past_due,
    oldestUnpaidDueDate: r.oldest_unpaid_due_date,
    overdueInstallments: r.overdue_installments,
    bucket: bucketFor(r.days_past_due),
    riskTier: r.risk_tier ?? UNRATED,
  };
}

/** One account's figures; reads only that account's rows (the function is inlined and the filter pushed into it). */
export async function loadAccountFigures(db: Queryable, accountId: string, asOf: IsoDate): Promise<AccountFigures | undefined> {
  const { rows } = await db.query(`SELECT ${FIGURES_COLUMNS} FROM ${FIGURES_FROM('$2')} WHERE f.account_id = $1`, [accountId, asOf]);
  return rows[0] ? toFigures(rows[0], asOf) : undefined;
}

/** Every open account with something overdue as of the date, most days past due first. */
export async function listOverdueAccounts(db: Queryable, asOf: IsoDate): Promise<AccountFigures[]> {
  const { rows } = await db.query(
    `SELECT * FROM (SELECT ${FIGURES_COLUMNS}, f.status FROM ${FIGURES_FROM('$1')}) g
      WHERE g.status = 'OPEN' AND g.amount_overdue > 0
      ORDER BY g.oldest_unpaid_due_date, g.account_id`,
    [asOf],
  );
  return rows.map((row) => toFigures(row, asOf));
}

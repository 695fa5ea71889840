/**
 * Reads an account's collection figures from the one SQL implementation of
 * "payments apply to installments oldest-due first": account_figures(as_of), the same
 * function the screening scan reads for the whole book (migrations/…_screening.sql).
 * Every known payment counts here, whatever its value date (live collection).
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

const FIGURES_COLUMNS = 'f.account_id, f.currency, f.risk_tier, f.amount_overdue, f.oldest_unpaid_due_date, f.overdue_installments, f.days_past_due';

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
  const { rows } = await db.query(`SELECT ${FIGURES_COLUMNS} FROM account_figures($2::date) f WHERE f.account_id = $1`, [accountId, asOf]);
  return rows[0] ? toFigures(rows[0], asOf) : undefined;
}

/** Every open account with something overdue as of the date, most days past due first. */
export async function listOverdueAccounts(db: Queryable, asOf: IsoDate): Promise<AccountFigures[]> {
  const { rows } = await db.query(
    `SELECT ${FIGURES_COLUMNS} FROM account_figures($1::date) f
      WHERE f.status = 'OPEN' AND f.amount_overdue > 0
      ORDER BY f.oldest_unpaid_due_date, f.account_id`,
    [asOf],
  );
  return rows.map((row) => toFigures(row, asOf));
}

/** Reads an account's collection figures from the one SQL implementation, account_figures(as_of). */
import { z } from 'zod';
import { type AccountFigures, UNRATED } from '../domain/account';
import { bucketFor } from '../domain/buckets';
import { daysBetween, type IsoDate } from '../domain/dates';
import type { Queryable } from './pool';

const figuresRow = z.object({
  account_id: z.string(),
  currency: z.string().length(3),
  risk_tier: z.string().nullable(),
  amount_overdue: z.number().int(),
  oldest_unpaid_due_date: z.string().nullable(),
  overdue_installments: z.number().int(),
});

function toFigures(row: unknown, asOf: IsoDate): AccountFigures {
  const r = figuresRow.parse(row);
  const daysPastDue = r.oldest_unpaid_due_date ? daysBetween(r.oldest_unpaid_due_date, asOf) : 0;
  return {
    accountId: r.account_id,
    currency: r.currency,
    asOf,
    amountOverdue: r.amount_overdue,
    daysPastDue,
    oldestUnpaidDueDate: r.oldest_unpaid_due_date,
    overdueInstallments: r.overdue_installments,
    bucket: bucketFor(daysPastDue),
    riskTier: r.risk_tier ?? UNRATED,
  };
}

export async function loadAccountFigures(db: Queryable, accountId: string, asOf: IsoDate): Promise<AccountFigures | undefined> {
  const { rows } = await db.query('SELECT * FROM account_figures($2::date) WHERE account_id = $1', [accountId, asOf]);
  return rows[0] ? toFigures(rows[0], asOf) : undefined;
}

/** Every open account with something overdue as of the date, most days past due first. */
export async function listOverdueAccounts(db: Queryable, asOf: IsoDate): Promise<AccountFigures[]> {
  const { rows } = await db.query(
    `SELECT f.* FROM account_figures($1::date) f JOIN accounts a ON a.id = f.account_id
      WHERE a.status = 'OPEN' AND f.amount_overdue > 0
      ORDER BY f.oldest_unpaid_due_date, f.account_id`,
    [asOf],
  );
  return rows.map((row) => toFigures(row, asOf));
}

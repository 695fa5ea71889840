/**
 * The core-banking side of a simulated day: the installments falling due today are paid by
 * direct debit, on the day, by every borrower who is not behind — unless their dice say they
 * miss this one (behaviour.ts, missInstallment), and from then on they are behind until
 * collection brings them back. Payments of borrowers in arrears come from the simulated
 * borrowers instead (borrowers.ts), through the payment API's own function.
 *
 * Written set-based, as the loan-book import writes history: these accounts have no open
 * collection run to tell.
 */
import { z } from 'zod';
import type { Pool } from '../db/pool';
import type { IsoDate } from '../domain/dates';
import { decides, propensities } from './behaviour';
import type { Chance } from './chance';

const dueRow = z.object({ account_id: z.string(), seq: z.number(), outstanding: z.number(), currency: z.string(), product: z.string(), risk_tier: z.string().nullable() });

/** Pays today's installments of the borrowers who pay; returns how many were paid and how many missed. */
export async function payInstallmentsDueToday(pool: Pool, today: IsoDate, chance: Chance): Promise<{ paid: number; missed: number }> {
  const { rows } = await pool.query(
    `SELECT i.account_id, i.seq, (i.amount_due - i.allocated_paid)::bigint AS outstanding, a.currency, a.product, a.risk_tier
       FROM installments i JOIN accounts a ON a.id = i.account_id
      WHERE i.due_date = $1 AND i.paid_off_on IS NULL AND i.amount_due > i.allocated_paid
        AND NOT EXISTS (SELECT 1 FROM installments e
                         WHERE e.account_id = i.account_id AND e.due_date < $1 AND e.paid_off_on IS NULL AND e.amount_due > 0)`,
    [today],
  );
  const due = rows.map((r) => dueRow.parse(r));
  const paying = due.filter((d) => !decides(chance, propensities({ riskTier: d.risk_tier ?? 'LOW', bucket: 'CURRENT', product: d.product }).missInstallment, 'miss', d.account_id, d.seq));
  if (paying.length > 0) {
    await pool.query(
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
       SELECT 'SIM-DD-' || p.account_id || '-' || p.seq, p.account_id, p.amount, p.currency, $4, 'DIRECT_DEBIT', 'IMPORT'
         FROM unnest($1::text[], $2::int[], $3::bigint[], $5::text[]) AS p (account_id, seq, amount, currency)
       ON CONFLICT (event_id) DO NOTHING`,
      [paying.map((p) => p.account_id), paying.map((p) => p.seq), paying.map((p) => p.outstanding), today, paying.map((p) => p.currency)],
    );
  }
  return { paid: paying.length, missed: due.length - paying.length };
}

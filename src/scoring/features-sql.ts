/**
 * The behaviour features of every account as of a date (issue 21 §2), from the book
 * alone, set-based in SQL like the screening: one pass over the figures (account_figures
 * or its live twin) joined with one aggregate of the last seven months of installments,
 * one of the last three months' payments, and the promises and refusals of the last six
 * months. The credit limit is in the account's minor units: a book in several currencies
 * would want it converted first.
 *
 * Only what was known on the date counts: statements cut before it (with the status the
 * core reported on them), installments due before it, payments value-dated before it
 * (and on or before the payments-through date of a historical screening).
 */
import { BUCKETS } from '../domain/buckets';
import { bucketSql } from '../screening/rules-sql';

/** The features a score model may use, in the order a report lists them. */
export const FEATURES = [
  'days_past_due',
  'bucket',
  'missed_cycles_3m',
  'missed_cycles_6m',
  'reported_status',
  'previous_reported_status',
  'worst_reported_status_6m',
  'reported_late_statements_6m',
  'longest_lateness_days',
  'on_time_ratio',
  'utilisation',
  'paid_to_balance',
  'paid_to_minimum',
  'paid_to_balance_3m',
  'balance_trend',
  'credit_limit',
  'months_on_book',
  'broken_promises_6m',
  'refusals_6m',
] as const;
export type Feature = (typeof FEATURES)[number];

/** The index of a days-past-due expression's bucket in BUCKETS (0 = CURRENT): buckets compare in order. */
export function bucketIndexSql(dpd: string): string {
  return `(array_position(ARRAY[${BUCKETS.map((b) => `'${b}'`).join(', ')}]::text[], ${bucketSql(dpd)}) - 1)`;
}

/**
 * Every column of `figures` (alias f inside) plus one column per feature. `asOf` and
 * `paymentsThrough` are SQL placeholders (the latter may bind NULL: every known payment).
 */
export function featuresSql(figures: string, asOf: string, paymentsThrough: string): string {
  // an installment missed: something was due and it was not settled by its due date
  // (settled: the payment completing it is value-dated by then, and counts as of the date)
  const missed = `(i.amount_due > 0 AND (i.paid_off_on IS NULL OR i.paid_off_on > i.due_date OR i.paid_off_on > coalesce(${paymentsThrough}, 'infinity'::date)))`;
  const cut = `i.statement_date < ${asOf}`;
  return `
    WITH history AS (
      SELECT i.account_id,
             count(*) FILTER (WHERE i.due_date < ${asOf} AND i.due_date >= ${asOf} - interval '3 months' AND ${missed}) AS missed_cycles_3m,
             count(*) FILTER (WHERE i.due_date < ${asOf} AND i.due_date >= ${asOf} - interval '6 months' AND ${missed}) AS missed_cycles_6m,
             sum(i.amount_due) FILTER (WHERE i.due_date < ${asOf} AND i.due_date >= ${asOf} - interval '1 month') AS due_last_month,
             (array_agg(i.statement_balance ORDER BY i.statement_date DESC) FILTER (WHERE ${cut}))[1] AS latest_balance,
             (array_agg(i.statement_balance ORDER BY i.statement_date DESC) FILTER (WHERE ${cut}))[4] AS balance_3_before,
             (array_agg(i.reported_cycles_past_due ORDER BY i.statement_date DESC) FILTER (WHERE ${cut}))[1] AS reported_status,
             (array_agg(i.reported_cycles_past_due ORDER BY i.statement_date DESC) FILTER (WHERE ${cut}))[2] AS previous_reported_status,
             max(i.reported_cycles_past_due) FILTER (WHERE ${cut} AND i.statement_date >= ${asOf} - interval '6 months') AS worst_reported_status_6m,
             -- NULL, not 0, where the core reports no status
             sum((i.reported_cycles_past_due >= 1)::int) FILTER (WHERE ${cut} AND i.statement_date >= ${asOf} - interval '6 months') AS reported_late_statements_6m,
             sum(i.statement_balance) FILTER (WHERE i.due_date < ${asOf} AND i.due_date >= ${asOf} - interval '3 months') AS balance_due_3m,
             -- the statement whose minimum fell due last: what last month's payments answered
             (array_agg(i.statement_balance ORDER BY i.due_date DESC) FILTER (WHERE i.due_date < ${asOf} AND i.statement_date IS NOT NULL))[1] AS last_due_balance
      FROM installments i
      WHERE i.due_date >= ${asOf} - interval '7 months' AND (i.due_date < ${asOf} OR ${cut})
      GROUP BY i.account_id
    ),
    paid AS (
      SELECT p.account_id, sum(p.amount) FILTER (WHERE p.value_date >= ${asOf} - interval '1 month') AS paid, sum(p.amount) AS paid_3m
      FROM payments p
      WHERE p.reversed_at IS NULL AND p.value_date >= ${asOf} - interval '3 months' AND p.value_date < ${asOf}
        AND p.value_date <= coalesce(${paymentsThrough}, 'infinity'::date)
      GROUP BY p.account_id
    ),
    broken AS (
      SELECT pp.account_id, count(*) AS broken_promises_6m
      FROM payment_promises pp
      WHERE pp.status = 'BROKEN' AND pp.settled_at < ${asOf} AND pp.promised_for >= ${asOf} - interval '6 months'
      GROUP BY pp.account_id
    ),
    refused AS (
      SELECT co.account_id, count(*) AS refusals_6m
      FROM call_outcomes co
      WHERE co.reason = 'REFUSAL' AND co.recorded_at < ${asOf} AND co.recorded_at >= ${asOf} - interval '6 months'
      GROUP BY co.account_id
    )
    SELECT f.*,
           ${bucketIndexSql('f.days_past_due')} AS bucket,
           coalesce(h.missed_cycles_3m, 0)::int AS missed_cycles_3m,
           coalesce(h.missed_cycles_6m, 0)::int AS missed_cycles_6m,
           h.reported_status::int AS reported_status,
           h.previous_reported_status::int AS previous_reported_status,
           h.worst_reported_status_6m::int AS worst_reported_status_6m,
           h.reported_late_statements_6m::int AS reported_late_statements_6m,
           h.latest_balance::float8 / nullif(a.credit_limit, 0) AS utilisation,
           coalesce(pd.paid, 0)::float8 / nullif(greatest(h.last_due_balance, 0), 0) AS paid_to_balance,
           coalesce(pd.paid, 0)::float8 / nullif(h.due_last_month, 0) AS paid_to_minimum,
           coalesce(pd.paid_3m, 0)::float8 / nullif(greatest(h.balance_due_3m, 0), 0) AS paid_to_balance_3m,
           a.credit_limit::float8 AS credit_limit,
           (h.latest_balance - h.balance_3_before)::float8 / nullif(a.credit_limit, 0) AS balance_trend,
           (extract(year FROM age(${asOf}, a.opened_on)) * 12 + extract(month FROM age(${asOf}, a.opened_on)))::int AS months_on_book,
           coalesce(b.broken_promises_6m, 0)::int AS broken_promises_6m,
           coalesce(r.refusals_6m, 0)::int AS refusals_6m
    FROM ${figures} f
    JOIN accounts a ON a.id = f.account_id
    LEFT JOIN history h ON h.account_id = f.account_id
    LEFT JOIN paid pd ON pd.account_id = f.account_id
    LEFT JOIN broken b ON b.account_id = f.account_id
    LEFT JOIN refused r ON r.account_id = f.account_id`;
}

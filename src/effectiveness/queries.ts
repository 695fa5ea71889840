/**
 * The report's SQL over the effectiveness views (migration 1732000000060): each metric's
 * numerator and denominator over a period, grouped by one dimension. Rows parsed by zod.
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import type { Queryable } from '../db/pool';
import type { ReportDimension } from './report-schema';

export interface Period {
  from: IsoDate;
  to: IsoDate;
}

/** The views' column for each dimension (fixed names: safe to place in the SQL). */
const COLUMN: Record<ReportDimension, string> = { bucket: 'bucket', treatment: 'treatment', experiment: 'experiment' };

const count = z.coerce.number().int();

const entryRow = z.object({ key: z.string(), entries: count, cured: count, balance_entering: count, collected: count });
export type EntryCounts = z.infer<typeof entryRow>;

/** Entries of the period: how many, how many cured within N days, their balance and what they have paid up to `to`. */
export async function entryCounts(db: Queryable, period: Period, by: ReportDimension, cureWithinDays: number): Promise<EntryCounts[]> {
  const { rows } = await db.query(
    `WITH collected AS (
       SELECT account_id, entered_at, sum(amount) AS amount FROM recovered_payments
       WHERE value_date <= $2::date AND entered_at >= $1::date - 1 GROUP BY 1, 2
     )
     SELECT e.${COLUMN[by]} AS key, count(*) AS entries,
            count(*) FILTER (WHERE e.cured_at <= e.entered_at + make_interval(days => $3::int)) AS cured,
            coalesce(sum(e.balance_entering), 0) AS balance_entering,
            coalesce(sum(c.amount), 0) AS collected
     FROM collection_entries e
     LEFT JOIN collected c USING (account_id, entered_at)
     WHERE e.entered_on BETWEEN $1::date AND $2::date
     GROUP BY 1 ORDER BY 1`,
    [period.from, period.to, cureWithinDays],
  );
  return rows.map((r) => entryRow.parse(r));
}

const curveRow = z.object({ key: z.string(), days_to_cure: z.number().int().nullable(), entries: count });

/** Entries of the period by days to cure (null: not cured), for the cure curves. */
export async function daysToCure(db: Queryable, period: Period, by: ReportDimension): Promise<z.infer<typeof curveRow>[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMN[by]} AS key, days_to_cure, count(*) AS entries
     FROM collection_entries WHERE entered_on BETWEEN $1::date AND $2::date
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [period.from, period.to],
  );
  return rows.map((r) => curveRow.parse(r));
}

const recoveredRow = z.object({ key: z.string(), month: z.string(), amount: count });

/** Payments value-dated in the period within an episode of collection, by month. */
export async function recoveredByMonth(db: Queryable, period: Period, by: ReportDimension): Promise<z.infer<typeof recoveredRow>[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMN[by]} AS key, to_char(date_trunc('month', value_date), 'YYYY-MM') AS month, sum(amount) AS amount
     FROM recovered_payments WHERE value_date BETWEEN $1::date AND $2::date
     GROUP BY 1, 2 ORDER BY 2, 1`,
    [period.from, period.to],
  );
  return rows.map((r) => recoveredRow.parse(r));
}

const factRow = z.object({ metric: z.string(), key: z.string(), rule: z.string().nullable(), hits: count, of: count });
export type FactCounts = z.infer<typeof factRow>;

/** The rates of effectiveness_facts: per metric and group, units and hits; blocked contacts also per rule. */
export async function factCounts(db: Queryable, period: Period, by: ReportDimension): Promise<FactCounts[]> {
  const { rows } = await db.query(
    `SELECT metric, ${COLUMN[by]} AS key, rule, count(*) FILTER (WHERE hit) AS hits, count(*) AS of
     FROM effectiveness_facts WHERE occurred_on BETWEEN $1::date AND $2::date
     GROUP BY GROUPING SETS ((metric, ${COLUMN[by]}), (metric, ${COLUMN[by]}, rule))
     HAVING GROUPING(rule) = 1 OR rule IS NOT NULL
     ORDER BY 1, 2, 3`,
    [period.from, period.to],
  );
  return rows.map((r) => factRow.parse(r));
}

const unitRow = z.object({ key: z.string(), unit: z.string(), units: count });

/** Units of collection effort in the period, per group. */
export async function costUnits(db: Queryable, period: Period, by: ReportDimension): Promise<z.infer<typeof unitRow>[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMN[by]} AS key, unit, count(*) AS units
     FROM collection_cost_units WHERE occurred_on BETWEEN $1::date AND $2::date
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [period.from, period.to],
  );
  return rows.map((r) => unitRow.parse(r));
}

const rollRow = z.object({ from_bucket: z.string(), to_bucket: z.string(), accounts: count, months: count });

/** The roll-rate matrix summed over the month pairs inside the period. */
export async function rollRateMatrix(db: Queryable, period: Period): Promise<z.infer<typeof rollRow>[]> {
  const { rows } = await db.query(
    `SELECT from_bucket, to_bucket, sum(accounts) AS accounts, count(DISTINCT from_month) AS months
     FROM roll_rates
     WHERE from_month >= date_trunc('month', $1::date) AND to_month <= date_trunc('month', $2::date)
     GROUP BY 1, 2`,
    [period.from, period.to],
  );
  return rows.map((r) => rollRow.parse(r));
}

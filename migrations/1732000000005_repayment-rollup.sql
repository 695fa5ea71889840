-- Up Migration

-- The live daily screening (payments_through NULL) without aggregating every
-- installment of the book. Installments are settled oldest-due first, so an account's
-- settled installments are a prefix of its schedule and its unpaid ones the rest. The
-- settled prefix is rolled up per account on write (below); the scan as of D reads
-- that narrow rollup, plus only the unpaid installments due before D (the overdue ones,
-- through a partial index), plus a correction for the few accounts whose settled
-- prefix reaches past D (paid ahead) or was settled by a payment value-dated after D.
-- Historical screenings (payments_through set) keep using account_figures' full pass.

-- "Settled" (nothing outstanding once every known payment is applied) is the
-- complement of this predicate: an installment with something to pay and no payment
-- that completed it. The same predicate as account_figures' `outstanding > 0`.
CREATE INDEX installments_unpaid_due_idx ON installments (due_date)
  INCLUDE (account_id, amount_due, allocated_paid, principal_due, interest_due)
  WHERE paid_off_on IS NULL AND amount_due > 0;

-- Per account with installments (every account with installments has its row; the
-- live scan reads its overdue installments through it), over its settled installments,
-- every known payment counting:
CREATE TABLE account_repayment_state (
  account_id            text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  settled_count         integer NOT NULL,
  -- settled on or before the due date (nothing to pay: settled on the due date)
  settled_on_time       integer NOT NULL,
  settled_amount        bigint NOT NULL,
  -- the most days between a due date and the day it was settled (may be negative)
  settled_max_lateness  integer,
  -- the latest settled-on date and the latest due date among them
  settled_last_on       date,
  settled_through       date
);

-- The day an installment was settled: nothing to pay is settled on its due date.
CREATE FUNCTION installment_settled_on(amount_due bigint, due_date date, paid_off_on date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN amount_due = 0 THEN due_date ELSE paid_off_on END
$$;

-- Recomputes the rollup of the given accounts from their installments (set-based);
-- returns how many rollup rows it changed.
CREATE FUNCTION refresh_account_repayment_state(account_ids text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  changed integer;
BEGIN
  IF account_ids IS NULL OR cardinality(account_ids) = 0 THEN
    RETURN 0;
  END IF;
  -- A join with the ids, not `= ANY (account_ids)`: an import passes tens of thousands
  -- of ids, which `= ANY` would compare one by one against every row. Inner join: an
  -- account without installments gets no row.
  WITH ids AS (
    SELECT DISTINCT u.id FROM unnest(account_ids) AS u(id)
  ),
  settled AS (
    SELECT i.account_id, i.due_date, i.amount_due,
           NOT (i.paid_off_on IS NULL AND i.amount_due > 0) AS settled,
           installment_settled_on(i.amount_due, i.due_date, i.paid_off_on) AS settled_on
    FROM ids JOIN installments i ON i.account_id = ids.id
  ),
  rolled AS (
    SELECT s.account_id,
           count(*) FILTER (WHERE s.settled)::integer AS settled_count,
           count(*) FILTER (WHERE s.settled AND s.settled_on <= s.due_date)::integer AS settled_on_time,
           coalesce(sum(s.amount_due) FILTER (WHERE s.settled), 0)::bigint AS settled_amount,
           max(s.settled_on - s.due_date) FILTER (WHERE s.settled) AS settled_max_lateness,
           max(s.settled_on) FILTER (WHERE s.settled) AS settled_last_on,
           max(s.due_date) FILTER (WHERE s.settled) AS settled_through
    FROM settled s
    GROUP BY s.account_id
  ),
  -- an account without installments has no row (it owes nothing, whatever it paid)
  removed AS (
    DELETE FROM account_repayment_state r
    USING ids
    WHERE r.account_id = ids.id AND NOT EXISTS (SELECT 1 FROM installments i WHERE i.account_id = r.account_id)
    RETURNING 1
  ),
  upserted AS (
    INSERT INTO account_repayment_state AS r
      (account_id, settled_count, settled_on_time, settled_amount, settled_max_lateness, settled_last_on, settled_through)
    SELECT * FROM rolled
    ON CONFLICT (account_id) DO UPDATE
      SET settled_count = excluded.settled_count, settled_on_time = excluded.settled_on_time,
          settled_amount = excluded.settled_amount, settled_max_lateness = excluded.settled_max_lateness,
          settled_last_on = excluded.settled_last_on, settled_through = excluded.settled_through
      WHERE (r.settled_count, r.settled_on_time, r.settled_amount, r.settled_max_lateness, r.settled_last_on, r.settled_through)
            IS DISTINCT FROM
            (excluded.settled_count, excluded.settled_on_time, excluded.settled_amount, excluded.settled_max_lateness,
             excluded.settled_last_on, excluded.settled_through)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM removed) INTO changed;
  RETURN changed;
END;
$$;

-- The triggers of the screening migration call refresh_repayment_state(account_ids):
-- it now refreshes the installments' state (the function as it was, renamed) and
-- then the accounts' rollup, in the writer's transaction under the same account lock.
ALTER FUNCTION refresh_repayment_state(text[]) RENAME TO refresh_installment_repayment_state;
CREATE FUNCTION refresh_repayment_state(account_ids text[]) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
  RETURN refresh_installment_repayment_state(account_ids) + refresh_account_repayment_state(account_ids);
END;
$$;

-- Books loaded before this migration get their rollup once.
SELECT refresh_account_repayment_state(array_agg(id)) FROM accounts;

-- account_figures(as_of) with every known payment counting (the live daily run), from
-- the rollup: the same columns and the same figures, which the tests check against the
-- full pass. For each account as of D:
--   overdue rows   the unpaid installments due before D (installments_unpaid_due_idx);
--   settled rows   due before D: the rollup, less the settled rows due on or after D
--                  (an account paid ahead), read only for the accounts whose rollup
--                  says settled_through >= D; all of them are on time and none late
--                  unless a payment is value-dated after D (settled_last_on > D): then
--                  the account's settled rows are all read and lateness counts to D,
--                  as in the full pass.
CREATE FUNCTION account_figures_live(as_of date)
RETURNS TABLE (
  account_id                text,
  currency                  char(3),
  status                    text,
  risk_tier                 text,
  amount_overdue            bigint,
  overdue_principal         bigint,
  overdue_interest          bigint,
  overdue_fees              bigint,
  oldest_unpaid_due_date    date,
  overdue_installments      bigint,
  days_past_due             integer,
  installments_due          bigint,
  installments_paid_on_time bigint,
  amount_due_to_date        bigint,
  amount_repaid             bigint,
  longest_lateness_days     integer,
  on_time_ratio             double precision,
  share_repaid              double precision
)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH overdue AS (
    SELECT i.account_id,
           sum(i.amount_due - i.allocated_paid)::bigint AS amount_overdue,
           sum(least(i.principal_due, i.amount_due - i.allocated_paid))::bigint AS overdue_principal,
           sum(least(i.interest_due, i.amount_due - i.allocated_paid - least(i.principal_due, i.amount_due - i.allocated_paid)))::bigint AS overdue_interest,
           min(i.due_date) AS oldest_unpaid_due_date,
           count(*) AS overdue_installments,
           sum(i.amount_due)::bigint AS amount_due
    FROM installments i
    WHERE i.paid_off_on IS NULL AND i.amount_due > 0 AND i.due_date < as_of
    GROUP BY i.account_id
  ),
  correction AS (
    SELECT r.account_id,
           count(*) FILTER (WHERE s.due_date >= as_of) AS ahead_count,
           count(*) FILTER (WHERE s.due_date >= as_of AND s.settled_on <= s.due_date) AS ahead_on_time,
           coalesce(sum(s.amount_due) FILTER (WHERE s.due_date >= as_of), 0)::bigint AS ahead_amount,
           max(least(s.settled_on, as_of) - s.due_date) FILTER (WHERE s.due_date < as_of) AS capped_lateness
    FROM account_repayment_state r
    JOIN LATERAL (
      SELECT i.due_date, i.amount_due, installment_settled_on(i.amount_due, i.due_date, i.paid_off_on) AS settled_on
      FROM installments i
      WHERE i.account_id = r.account_id
        AND i.due_date >= CASE WHEN r.settled_last_on > as_of THEN '-infinity'::date ELSE as_of END
        AND NOT (i.paid_off_on IS NULL AND i.amount_due > 0)
      -- a fence: one index range per account to correct, never a join of the whole table
      OFFSET 0
    ) s ON true
    WHERE r.settled_through >= as_of OR r.settled_last_on > as_of
    GROUP BY r.account_id
  ),
  -- Flat, so that the planner joins the two tables of one row per account once and
  -- probes the small overdue and correction aggregates (no 1M-row intermediate hash).
  per_account AS (
    SELECT a.id, a.currency, a.status, a.risk_tier,
           coalesce(o.amount_overdue, 0) AS amount_overdue,
           coalesce(o.overdue_principal, 0) AS overdue_principal,
           coalesce(o.overdue_interest, 0) AS overdue_interest,
           o.oldest_unpaid_due_date,
           coalesce(o.overdue_installments, 0) AS overdue_installments,
           coalesce(r.settled_count - coalesce(c.ahead_count, 0) + coalesce(o.overdue_installments, 0), 0) AS installments_due,
           coalesce(r.settled_on_time - coalesce(c.ahead_on_time, 0), 0) AS installments_paid_on_time,
           coalesce(r.settled_amount - coalesce(c.ahead_amount, 0) + coalesce(o.amount_due, 0), 0) AS amount_due_to_date,
           greatest(CASE WHEN r.settled_last_on > as_of THEN c.capped_lateness ELSE r.settled_max_lateness END,
                    as_of - o.oldest_unpaid_due_date) AS longest_lateness_days
    FROM accounts a
    LEFT JOIN account_repayment_state r ON r.account_id = a.id
    LEFT JOIN overdue o ON o.account_id = a.id
    LEFT JOIN correction c ON c.account_id = a.id
  )
  SELECT pa.id, pa.currency, pa.status, pa.risk_tier,
         pa.amount_overdue,
         pa.overdue_principal,
         pa.overdue_interest,
         pa.amount_overdue - pa.overdue_principal - pa.overdue_interest,
         pa.oldest_unpaid_due_date,
         pa.overdue_installments,
         coalesce(as_of - pa.oldest_unpaid_due_date, 0),
         pa.installments_due,
         pa.installments_paid_on_time,
         pa.amount_due_to_date,
         pa.amount_due_to_date - pa.amount_overdue,
         greatest(coalesce(pa.longest_lateness_days, 0), 0),
         pa.installments_paid_on_time::double precision / nullif(pa.installments_due, 0),
         (pa.amount_due_to_date - pa.amount_overdue)::double precision / nullif(pa.amount_due_to_date, 0)
  FROM per_account pa
$$;

-- Down Migration

DROP FUNCTION account_figures_live(date);
DROP FUNCTION refresh_repayment_state(text[]);
ALTER FUNCTION refresh_installment_repayment_state(text[]) RENAME TO refresh_repayment_state;
DROP FUNCTION refresh_account_repayment_state(text[]);
DROP FUNCTION installment_settled_on(bigint, date, date);
DROP TABLE account_repayment_state;
DROP INDEX installments_unpaid_due_idx;

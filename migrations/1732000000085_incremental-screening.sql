-- Up Migration

-- The incremental daily screening (issue 20 §3, docs/screening.md "The incremental
-- daily run"). The live daily run reads only the accounts whose figures can have changed
-- since the last run; every other account keeps its last result, and what depends only
-- on the date (days past due, hence bucket, longest lateness and tier, of an account
-- already overdue) is derived from that result set-based, without reading installments.

-- ---------------------------------------------------------------------------
-- Change capture: one row per account changed since a run last read it. A queue table
-- rather than a changed_at column on accounts: a payment's transaction touches a narrow
-- row of its own (no second version of the wide accounts row, no index on a hot column),
-- and the run reads the whole queue, not an index range of 1M timestamps. change_no
-- tells a run whether the row it read is still the row it deletes: a change committed
-- after the run read it gets a new number, and the row stays for the next run. No
-- foreign key: a payment may arrive before its account.
CREATE SEQUENCE screening_change_no;
CREATE TABLE screening_dirty_accounts (
  account_id  text PRIMARY KEY,
  change_no   bigint NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);

-- In account order, so that two writers of overlapping accounts take the rows in one order.
-- DO UPDATE (not DO NOTHING) takes the row's lock and gives a new number after it: a run
-- that read the previous number then leaves the row in place.
CREATE FUNCTION mark_screening_dirty(account_ids text[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO screening_dirty_accounts AS d (account_id, change_no)
  SELECT u.id, nextval('screening_change_no')
  FROM (SELECT DISTINCT x.id FROM unnest(account_ids) AS x(id) WHERE x.id IS NOT NULL ORDER BY x.id) u
  ON CONFLICT (account_id) DO UPDATE SET change_no = nextval('screening_change_no'), changed_at = now()
$$;

-- Whatever re-allocates an account's payments (a payment, a reversal, a schedule change, a
-- plan's waiver or a settlement's write-down applied, migration 076, and any later cause)
-- goes through refresh_repayment_state: it marks the account too.
CREATE OR REPLACE FUNCTION refresh_repayment_state(account_ids text[]) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_screening_dirty(account_ids);
  RETURN refresh_installment_repayment_state(account_ids) + refresh_account_repayment_state(account_ids);
END;
$$;

-- installments, payments, payment_plans: the accounts of the rows a statement wrote
-- (an UPDATE: only the rows it changed, so that an import re-upserting the same rows
-- marks nothing). The repayment state's own refresh of installments is skipped: the
-- statement that caused it has marked its accounts.
CREATE FUNCTION screening_dirty_after_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  IF current_setting('arrears.refreshing_repayment_state', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(account_id) INTO touched FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(account_id) INTO touched FROM old_rows;
  ELSE
    SELECT array_agg(account_id) INTO touched FROM (
      (SELECT * FROM new_rows EXCEPT SELECT * FROM old_rows)
      UNION ALL
      (SELECT * FROM old_rows EXCEPT SELECT * FROM new_rows)
    ) changed;
  END IF;
  PERFORM mark_screening_dirty(touched);
  RETURN NULL;
END;
$$;

-- A plan's instalments name their plan, not the account.
CREATE FUNCTION screening_dirty_after_plan_instalments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT array_agg(p.account_id) INTO touched FROM old_rows o JOIN payment_plans p ON p.id = o.plan_id;
  ELSE
    SELECT array_agg(p.account_id) INTO touched FROM new_rows n JOIN payment_plans p ON p.id = n.plan_id;
  END IF;
  PERFORM mark_screening_dirty(touched);
  RETURN NULL;
END;
$$;

-- accounts: a new account, a changed one (status, currency, dates, a tier set by hand),
-- a deleted one. The screening's own write of the tiers it computed is not a change.
CREATE FUNCTION screening_dirty_after_accounts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(id) INTO touched FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(id) INTO touched FROM old_rows;
  ELSIF current_setting('arrears.screening_writes_tiers', true) = 'on' THEN
    RETURN NULL;
  ELSE
    SELECT array_agg(id) INTO touched FROM (
      (SELECT * FROM new_rows EXCEPT SELECT * FROM old_rows)
      UNION ALL
      (SELECT * FROM old_rows EXCEPT SELECT * FROM new_rows)
    ) changed;
  END IF;
  PERFORM mark_screening_dirty(touched);
  RETURN NULL;
END;
$$;

-- A TRUNCATE names no rows: the next run is a full pass.
CREATE FUNCTION forget_screening_results() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM screening_results_state;
  RETURN NULL;
END;
$$;

CREATE TRIGGER installments_screening_dirty_ins AFTER INSERT ON installments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER installments_screening_dirty_upd AFTER UPDATE ON installments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER installments_screening_dirty_del AFTER DELETE ON installments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payments_screening_dirty_ins AFTER INSERT ON payments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payments_screening_dirty_upd AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payments_screening_dirty_del AFTER DELETE ON payments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payment_plans_screening_dirty_ins AFTER INSERT ON payment_plans
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payment_plans_screening_dirty_upd AFTER UPDATE ON payment_plans
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER payment_plans_screening_dirty_del AFTER DELETE ON payment_plans
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_rows();
CREATE TRIGGER plan_instalments_screening_dirty_ins AFTER INSERT ON plan_instalments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_plan_instalments();
CREATE TRIGGER plan_instalments_screening_dirty_upd AFTER UPDATE ON plan_instalments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_plan_instalments();
CREATE TRIGGER plan_instalments_screening_dirty_del AFTER DELETE ON plan_instalments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_plan_instalments();
CREATE TRIGGER accounts_screening_dirty_ins AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_accounts();
CREATE TRIGGER accounts_screening_dirty_upd AFTER UPDATE ON accounts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_accounts();
CREATE TRIGGER accounts_screening_dirty_del AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION screening_dirty_after_accounts();
CREATE TRIGGER accounts_screening_truncate AFTER TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION forget_screening_results();
CREATE TRIGGER installments_screening_truncate AFTER TRUNCATE ON installments FOR EACH STATEMENT EXECUTE FUNCTION forget_screening_results();
CREATE TRIGGER payments_screening_truncate AFTER TRUNCATE ON payments FOR EACH STATEMENT EXECUTE FUNCTION forget_screening_results();

-- ---------------------------------------------------------------------------
-- Each open account's last result, as of the date its figures were read (figured_as_of):
-- what the date alone cannot change. An account with something overdue is judged as of a
-- later date D from it: days past due D - oldest_unpaid_due_date, longest lateness
-- greatest(longest_lateness_days, that), and the tier rules over those. rescreen_on is the
-- first as-of date from which that is no longer enough: the day after its next
-- installment falls due, or the next day while a payment value-dated after the date
-- settles one of its installments (its lateness is counted up to that value date).
-- No foreign key (a full pass rewrites 1M rows): a deleted account is a change captured above.
CREATE TABLE screening_account_results (
  account_id             text PRIMARY KEY,
  figured_as_of          date NOT NULL,
  amount_overdue         bigint NOT NULL,
  overdue_principal      bigint NOT NULL,
  overdue_interest       bigint NOT NULL,
  overdue_fees           bigint NOT NULL,
  oldest_unpaid_due_date date,
  on_time_ratio          double precision,
  share_repaid           double precision,
  longest_lateness_days  integer NOT NULL,
  -- the tier as of figured_as_of
  risk_tier              text NOT NULL,
  rescreen_on            date
);
CREATE INDEX screening_account_results_rescreen_idx ON screening_account_results (rescreen_on);

-- What the results are: as of which date, under which rules, from which run. No row: the
-- next live run is a full pass (first run, a TRUNCATE, a score model in force).
CREATE TABLE screening_results_state (
  singleton           boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  as_of               date NOT NULL,
  config_version      text NOT NULL,
  -- of the rules' content: a config edited without a new version still forces a full pass
  config_fingerprint  text NOT NULL,
  screening_run_id    bigint NOT NULL REFERENCES screening_runs (id) ON DELETE CASCADE,
  -- the accounts with nothing overdue, per tier: what the date does not move, counted
  -- once and kept up to date from the accounts each run reads (not a scan of every result)
  current_by_tier     jsonb NOT NULL
);

-- How each run read the book: FULL (every open account), INCREMENTAL (accounts_read of
-- them), HISTORICAL (payments through a date, or a date before the last live run).
ALTER TABLE screening_runs
  ADD COLUMN pass text CHECK (pass IN ('FULL', 'INCREMENTAL', 'HISTORICAL')),
  ADD COLUMN accounts_read integer;

-- ---------------------------------------------------------------------------
-- account_figures for a set of accounts: the same function (the one implementation of
-- oldest-due-first) with an optional list of account ids, so that the incremental run
-- reads those accounts' installments through installments_account_due_idx. NULL (the
-- default): every account, as before; the planner drops the test once inlined.
DROP FUNCTION account_figures(date, date);
CREATE FUNCTION account_figures(as_of date, payments_through date DEFAULT NULL, only_accounts text[] DEFAULT NULL)
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
  WITH paid_through AS (
    SELECT p.account_id, sum(p.amount)::bigint AS total
    FROM payments p
    WHERE payments_through IS NOT NULL AND p.reversed_at IS NULL AND p.value_date <= payments_through
      AND (only_accounts IS NULL OR p.account_id = ANY (only_accounts))
    GROUP BY p.account_id
  ),
  due AS (
    SELECT i.account_id, i.due_date, i.amount_due, i.principal_due, i.interest_due, i.paid_off_on,
           CASE WHEN payments_through IS NULL THEN i.amount_due - i.allocated_paid
                ELSE unpaid_on_installment(i.amount_due, i.cumulative_due, coalesce(pt.total, 0)) END AS outstanding
    FROM installments i
    LEFT JOIN paid_through pt ON pt.account_id = i.account_id
    WHERE i.due_date < as_of AND (only_accounts IS NULL OR i.account_id = ANY (only_accounts))
  ),
  judged AS (
    SELECT d.*,
           least(d.principal_due, d.outstanding) AS outstanding_principal,
           CASE WHEN d.outstanding > 0 THEN NULL
                WHEN d.amount_due = 0 THEN d.due_date
                ELSE d.paid_off_on END AS settled_on
    FROM due d
  ),
  per_account AS (
    SELECT j.account_id,
           sum(j.outstanding)::bigint AS amount_overdue,
           sum(j.outstanding_principal)::bigint AS overdue_principal,
           sum(least(j.interest_due, j.outstanding - j.outstanding_principal))::bigint AS overdue_interest,
           min(j.due_date) FILTER (WHERE j.outstanding > 0) AS oldest_unpaid_due_date,
           count(*) FILTER (WHERE j.outstanding > 0) AS overdue_installments,
           count(*) AS installments_due,
           count(*) FILTER (WHERE j.settled_on <= j.due_date) AS installments_paid_on_time,
           sum(j.amount_due)::bigint AS amount_due_to_date,
           max(least(coalesce(j.settled_on, as_of), as_of) - j.due_date) AS longest_lateness_days
    FROM judged j
    GROUP BY j.account_id
  )
  SELECT a.id, a.currency, a.status, a.risk_tier,
         coalesce(pa.amount_overdue, 0),
         coalesce(pa.overdue_principal, 0),
         coalesce(pa.overdue_interest, 0),
         coalesce(pa.amount_overdue - pa.overdue_principal - pa.overdue_interest, 0),
         pa.oldest_unpaid_due_date,
         coalesce(pa.overdue_installments, 0),
         coalesce(as_of - pa.oldest_unpaid_due_date, 0),
         coalesce(pa.installments_due, 0),
         coalesce(pa.installments_paid_on_time, 0),
         coalesce(pa.amount_due_to_date, 0),
         coalesce(pa.amount_due_to_date - pa.amount_overdue, 0),
         greatest(coalesce(pa.longest_lateness_days, 0), 0),
         pa.installments_paid_on_time::double precision / nullif(pa.installments_due, 0),
         (pa.amount_due_to_date - pa.amount_overdue)::double precision / nullif(pa.amount_due_to_date, 0)
  FROM accounts a
  LEFT JOIN per_account pa ON pa.account_id = a.id
  WHERE only_accounts IS NULL OR a.id = ANY (only_accounts)
$$;

-- Down Migration

DROP FUNCTION account_figures(date, date, text[]);
-- the screening migration's version, as it was
CREATE FUNCTION account_figures(as_of date, payments_through date DEFAULT NULL)
RETURNS TABLE (
  account_id                text,
  currency                  char(3),
  status                    text,
  -- the tier of the latest screening (what the workflow shows), not recomputed here
  risk_tier                 text,
  amount_overdue            bigint,
  overdue_principal         bigint,
  overdue_interest          bigint,
  overdue_fees              bigint,
  oldest_unpaid_due_date    date,
  overdue_installments      bigint,
  days_past_due             integer,
  -- repayment behaviour over the installments due before as_of
  installments_due          bigint,
  installments_paid_on_time bigint,
  amount_due_to_date        bigint,
  amount_repaid             bigint,
  longest_lateness_days     integer,
  on_time_ratio             double precision,
  share_repaid              double precision
)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH paid_through AS (
    -- read only for a historical screening; otherwise a one-time filter skips it
    SELECT p.account_id, sum(p.amount)::bigint AS total
    FROM payments p
    WHERE payments_through IS NOT NULL AND p.reversed_at IS NULL AND p.value_date <= payments_through
    GROUP BY p.account_id
  ),
  due AS (
    SELECT i.account_id, i.due_date, i.amount_due, i.principal_due, i.interest_due, i.paid_off_on,
           CASE WHEN payments_through IS NULL THEN i.amount_due - i.allocated_paid
                ELSE unpaid_on_installment(i.amount_due, i.cumulative_due, coalesce(pt.total, 0)) END AS outstanding
    FROM installments i
    LEFT JOIN paid_through pt ON pt.account_id = i.account_id
    WHERE i.due_date < as_of
  ),
  judged AS (
    SELECT d.*,
           least(d.principal_due, d.outstanding) AS outstanding_principal,
           -- when it was settled (NULL: not yet); nothing to pay is settled on its due date
           CASE WHEN d.outstanding > 0 THEN NULL
                WHEN d.amount_due = 0 THEN d.due_date
                ELSE d.paid_off_on END AS settled_on
    FROM due d
  ),
  per_account AS (
    SELECT j.account_id,
           sum(j.outstanding)::bigint AS amount_overdue,
           sum(j.outstanding_principal)::bigint AS overdue_principal,
           sum(least(j.interest_due, j.outstanding - j.outstanding_principal))::bigint AS overdue_interest,
           min(j.due_date) FILTER (WHERE j.outstanding > 0) AS oldest_unpaid_due_date,
           count(*) FILTER (WHERE j.outstanding > 0) AS overdue_installments,
           count(*) AS installments_due,
           count(*) FILTER (WHERE j.settled_on <= j.due_date) AS installments_paid_on_time,
           sum(j.amount_due)::bigint AS amount_due_to_date,
           max(least(coalesce(j.settled_on, as_of), as_of) - j.due_date) AS longest_lateness_days
    FROM judged j
    GROUP BY j.account_id
  )
  SELECT a.id, a.currency, a.status, a.risk_tier,
         coalesce(pa.amount_overdue, 0),
         coalesce(pa.overdue_principal, 0),
         coalesce(pa.overdue_interest, 0),
         coalesce(pa.amount_overdue - pa.overdue_principal - pa.overdue_interest, 0),
         pa.oldest_unpaid_due_date,
         coalesce(pa.overdue_installments, 0),
         coalesce(as_of - pa.oldest_unpaid_due_date, 0),
         coalesce(pa.installments_due, 0),
         coalesce(pa.installments_paid_on_time, 0),
         coalesce(pa.amount_due_to_date, 0),
         coalesce(pa.amount_due_to_date - pa.amount_overdue, 0),
         greatest(coalesce(pa.longest_lateness_days, 0), 0),
         pa.installments_paid_on_time::double precision / nullif(pa.installments_due, 0),
         (pa.amount_due_to_date - pa.amount_overdue)::double precision / nullif(pa.amount_due_to_date, 0)
  FROM accounts a
  LEFT JOIN per_account pa ON pa.account_id = a.id
$$;
ALTER TABLE screening_runs DROP COLUMN accounts_read, DROP COLUMN pass;
DROP TABLE screening_results_state;
DROP TABLE screening_account_results;
DROP TRIGGER payments_screening_truncate ON payments;
DROP TRIGGER installments_screening_truncate ON installments;
DROP TRIGGER accounts_screening_truncate ON accounts;
DROP TRIGGER accounts_screening_dirty_del ON accounts;
DROP TRIGGER accounts_screening_dirty_upd ON accounts;
DROP TRIGGER accounts_screening_dirty_ins ON accounts;
DROP TRIGGER plan_instalments_screening_dirty_del ON plan_instalments;
DROP TRIGGER plan_instalments_screening_dirty_upd ON plan_instalments;
DROP TRIGGER plan_instalments_screening_dirty_ins ON plan_instalments;
DROP TRIGGER payment_plans_screening_dirty_del ON payment_plans;
DROP TRIGGER payment_plans_screening_dirty_upd ON payment_plans;
DROP TRIGGER payment_plans_screening_dirty_ins ON payment_plans;
DROP TRIGGER payments_screening_dirty_del ON payments;
DROP TRIGGER payments_screening_dirty_upd ON payments;
DROP TRIGGER payments_screening_dirty_ins ON payments;
DROP TRIGGER installments_screening_dirty_del ON installments;
DROP TRIGGER installments_screening_dirty_upd ON installments;
DROP TRIGGER installments_screening_dirty_ins ON installments;
DROP FUNCTION forget_screening_results();
CREATE OR REPLACE FUNCTION refresh_repayment_state(account_ids text[]) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
  RETURN refresh_installment_repayment_state(account_ids) + refresh_account_repayment_state(account_ids);
END;
$$;
DROP FUNCTION screening_dirty_after_accounts();
DROP FUNCTION screening_dirty_after_plan_instalments();
DROP FUNCTION screening_dirty_after_rows();
DROP FUNCTION mark_screening_dirty(text[]);
DROP TABLE screening_dirty_accounts;
DROP SEQUENCE screening_change_no;

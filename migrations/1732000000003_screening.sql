-- Up Migration

-- Screening (SPEC §2.1): a daily set-based scan of the loan book. Each run is kept
-- with its counts, and its ranked collection list (only the accounts with something
-- overdue, rank 1 = work first) is what the screening workflow fans out from.

CREATE TABLE screening_runs (
  id                bigserial PRIMARY KEY,
  -- the same key again returns this run instead of scanning twice (a retried activity)
  idempotency_key   text NOT NULL UNIQUE,
  as_of             date NOT NULL,
  -- only payments value-dated on or before this date count; NULL = every known payment
  payments_through  date,
  -- version string of config/screening.json the tiers and priorities were computed with
  config_version    text NOT NULL,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  accounts_scanned  integer,
  overdue_accounts  integer,
  counts_by_bucket  jsonb,
  counts_by_tier    jsonb
);
CREATE INDEX screening_runs_as_of_idx ON screening_runs (as_of, id);

CREATE TABLE collection_list (
  screening_run_id  bigint NOT NULL REFERENCES screening_runs (id) ON DELETE CASCADE,
  rank              integer NOT NULL CHECK (rank > 0),
  account_id        text NOT NULL,
  amount_overdue    bigint NOT NULL CHECK (amount_overdue > 0),
  overdue_principal bigint NOT NULL,
  overdue_interest  bigint NOT NULL,
  overdue_fees      bigint NOT NULL,
  days_past_due     integer NOT NULL,
  bucket            text NOT NULL,
  risk_tier         text NOT NULL,
  priority          numeric NOT NULL,
  PRIMARY KEY (screening_run_id, rank),
  UNIQUE (screening_run_id, account_id)
);

-- ---------------------------------------------------------------------------
-- Repayment state, kept on write so that the daily scan is one parallel scan and hash
-- aggregate of the installments, with no sort and no join of the payments (a window
-- over 12M installments and an aggregate of the payments made the first version slow).
-- Per installment, payments (not reversed) applied oldest-due first (due_date, seq) in
-- value-date order (value_date, event_id):
--   cumulative_due  what the account owes up to and including this installment;
--   allocated_paid  what every known payment allocates to it (whatever its value date);
--   paid_off_on     the value date of the payment that completed it; NULL while unpaid.
-- Statement-level triggers on installments, payments and accounts keep them right for
-- every writer (API, signal activity, import, demo), inside the writer's transaction.

ALTER TABLE installments
  ADD COLUMN cumulative_due bigint,
  ADD COLUMN allocated_paid bigint,
  ADD COLUMN paid_off_on    date;
-- Room on each page, so that a payment's refresh of the derived columns is a HOT update.
ALTER TABLE installments SET (fillfactor = 85);

-- What stays unpaid on an installment once `paid` (an account's payments, in total) is
-- applied oldest-due first: the part of the running due beyond what was paid, at most
-- the installment itself. The one formula of the rule; inlined where it is used.
CREATE FUNCTION unpaid_on_installment(amount_due bigint, cumulative_due bigint, paid bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0, least(amount_due, cumulative_due - paid))
$$;

-- Recomputes the repayment state of the given accounts, set-based (one account or a
-- whole import alike); returns how many installment rows it changed. Callers in
-- REPEATABLE READ would compute from their snapshot: the application writes in READ
-- COMMITTED.
CREATE FUNCTION refresh_repayment_state(account_ids text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  changed integer;
BEGIN
  IF account_ids IS NULL OR cardinality(account_ids) = 0 THEN
    RETURN 0;
  END IF;
  -- Two transactions paying the same account must not each compute from a snapshot
  -- without the other's payment: the account row is the lock, and the statement
  -- below (READ COMMITTED) sees what committed before it was granted.
  PERFORM 1 FROM accounts WHERE id = ANY (account_ids) ORDER BY id FOR NO KEY UPDATE;
  -- Our own update of installments must not wake the installments trigger again.
  PERFORM set_config('arrears.refreshing_repayment_state', 'on', true);

  WITH schedule AS (
    SELECT i.account_id, i.seq, i.amount_due,
           sum(i.amount_due) OVER (PARTITION BY i.account_id ORDER BY i.due_date, i.seq
                                   ROWS UNBOUNDED PRECEDING)::bigint AS cumulative_due
    FROM installments i
    WHERE i.account_id = ANY (account_ids)
  ),
  paid AS (
    SELECT p.account_id, p.value_date,
           sum(p.amount) OVER (PARTITION BY p.account_id ORDER BY p.value_date, p.event_id
                               ROWS UNBOUNDED PRECEDING)::bigint AS cumulative_paid
    FROM payments p
    WHERE p.account_id = ANY (account_ids) AND p.reversed_at IS NULL
  ),
  -- An installment is paid off by the first payment (in value-date order) whose
  -- running total reaches the installment's running due. Walking both running totals
  -- of an account from the largest down, that payment's value date is the smallest
  -- seen so far (at equal totals the payment comes first: it does complete it).
  marks AS (
    SELECT account_id, cumulative_paid AS running, 0 AS kind, value_date, NULL::integer AS seq, NULL::bigint AS amount_due FROM paid
    UNION ALL
    SELECT account_id, cumulative_due, 1, NULL::date, seq, amount_due FROM schedule
  ),
  payoff AS (
    SELECT account_id, seq, kind, amount_due, running AS cumulative_due,
           min(value_date) OVER (PARTITION BY account_id ORDER BY running DESC, kind
                                 ROWS UNBOUNDED PRECEDING) AS paid_off_on,
           coalesce(max(running) FILTER (WHERE kind = 0) OVER (PARTITION BY account_id), 0) AS paid_total
    FROM marks
  ),
  refreshed AS (
    SELECT account_id, seq, cumulative_due, paid_off_on,
           amount_due - unpaid_on_installment(amount_due, cumulative_due, paid_total) AS allocated_paid
    FROM payoff
    WHERE kind = 1
  )
  UPDATE installments i
  SET cumulative_due = r.cumulative_due, allocated_paid = r.allocated_paid, paid_off_on = r.paid_off_on
  FROM refreshed r
  WHERE i.account_id = r.account_id AND i.seq = r.seq
    AND (i.cumulative_due, i.allocated_paid, i.paid_off_on) IS DISTINCT FROM (r.cumulative_due, r.allocated_paid, r.paid_off_on);
  GET DIAGNOSTICS changed = ROW_COUNT;

  PERFORM set_config('arrears.refreshing_repayment_state', 'off', true);
  RETURN changed;
END;
$$;

-- Which accounts a statement touched, from its transition tables. Rows that an
-- UPDATE left the same (in what counts) are not a reason to recompute: an import
-- that upserts unchanged rows recomputes nothing.
CREATE FUNCTION refresh_repayment_state_after_installments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  IF current_setting('arrears.refreshing_repayment_state', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT account_id) INTO touched FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT account_id) INTO touched FROM old_rows;
  ELSE
    SELECT array_agg(DISTINCT account_id) INTO touched FROM (
      (SELECT account_id, seq, due_date, amount_due FROM new_rows
       EXCEPT SELECT account_id, seq, due_date, amount_due FROM old_rows)
      UNION
      (SELECT account_id, seq, due_date, amount_due FROM old_rows
       EXCEPT SELECT account_id, seq, due_date, amount_due FROM new_rows)
    ) changed;
  END IF;
  PERFORM refresh_repayment_state(touched);
  RETURN NULL;
END;
$$;

CREATE FUNCTION refresh_repayment_state_after_payments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT account_id) INTO touched FROM new_rows WHERE reversed_at IS NULL;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT account_id) INTO touched FROM old_rows WHERE reversed_at IS NULL;
  ELSE
    SELECT array_agg(DISTINCT account_id) INTO touched FROM (
      (SELECT event_id, account_id, amount, value_date, reversed_at IS NULL FROM new_rows
       EXCEPT SELECT event_id, account_id, amount, value_date, reversed_at IS NULL FROM old_rows)
      UNION
      (SELECT event_id, account_id, amount, value_date, reversed_at IS NULL FROM old_rows
       EXCEPT SELECT event_id, account_id, amount, value_date, reversed_at IS NULL FROM new_rows)
    ) changed;
  END IF;
  PERFORM refresh_repayment_state(touched);
  RETURN NULL;
END;
$$;

-- A payment may arrive before its account (kept for reconciliation): count it once the
-- account is opened.
CREATE FUNCTION refresh_repayment_state_after_accounts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  SELECT array_agg(n.id) INTO touched FROM new_rows n
  WHERE EXISTS (SELECT 1 FROM payments p WHERE p.account_id = n.id);
  PERFORM refresh_repayment_state(touched);
  RETURN NULL;
END;
$$;

-- A trigger with transition tables takes one event, hence one trigger per event.
CREATE TRIGGER installments_repayment_state_ins AFTER INSERT ON installments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_installments();
CREATE TRIGGER installments_repayment_state_upd AFTER UPDATE ON installments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_installments();
CREATE TRIGGER installments_repayment_state_del AFTER DELETE ON installments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_installments();
CREATE TRIGGER payments_repayment_state_ins AFTER INSERT ON payments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_payments();
CREATE TRIGGER payments_repayment_state_upd AFTER UPDATE ON payments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_payments();
CREATE TRIGGER payments_repayment_state_del AFTER DELETE ON payments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_payments();
CREATE TRIGGER accounts_repayment_state_ins AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_accounts();

-- Books loaded before this migration get their state once.
SELECT refresh_repayment_state(array_agg(id)) FROM accounts;

-- ---------------------------------------------------------------------------
-- An account's figures as of a date: THE one implementation of "payments (not
-- reversed) apply to installments oldest-due first". The workflow's figures, the
-- launcher, the relay and the screening scan all read it. LANGUAGE sql + STABLE lets
-- the planner inline it: `WHERE account_id = $1` reads one account's rows through the
-- indexes; the whole book is one parallel hash join + hash aggregate.
--
-- payments_through: only payments value-dated on or before it count (a historical
-- screening). NULL (the default): every known payment counts, whatever its value date
-- (live collection: a payment value-dated "tomorrow" in Asia/Shanghai cures today).
--
-- Within an installment, what was paid settles fees first, then interest, then
-- principal (the usual bank order), so what remains overdue is principal first:
--   principal = min(principal_due, outstanding), interest = min(interest_due, rest),
--   fees = the rest.
-- An installment due ON the as-of date is not overdue yet (DPD 1 is the day after).
DROP FUNCTION account_figures(date);
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

-- Down Migration

DROP FUNCTION account_figures(date, date);
-- the foundation's version, as it was
CREATE FUNCTION account_figures(as_of date)
RETURNS TABLE (
  account_id             text,
  currency               char(3),
  risk_tier              text,
  amount_overdue         bigint,
  oldest_unpaid_due_date date,
  overdue_installments   bigint
)
LANGUAGE sql STABLE AS $$
  WITH schedule AS (
    SELECT i.account_id, i.due_date, i.amount_due,
           sum(i.amount_due) OVER (PARTITION BY i.account_id ORDER BY i.due_date, i.seq
                                   ROWS UNBOUNDED PRECEDING) AS cumulative_due
    FROM installments i
  ),
  paid AS (
    SELECT p.account_id, sum(p.amount) AS total
    FROM payments p
    WHERE p.reversed_at IS NULL
    GROUP BY p.account_id
  ),
  allocated AS (
    SELECT s.account_id, s.due_date,
           greatest(0, least(s.amount_due, s.cumulative_due - coalesce(pd.total, 0))) AS outstanding
    FROM schedule s LEFT JOIN paid pd ON pd.account_id = s.account_id
  )
  SELECT a.id, a.currency, a.risk_tier,
         coalesce(sum(al.outstanding) FILTER (WHERE al.due_date < as_of), 0)::bigint,
         min(al.due_date) FILTER (WHERE al.due_date < as_of AND al.outstanding > 0),
         count(*) FILTER (WHERE al.due_date < as_of AND al.outstanding > 0)
  FROM accounts a
  LEFT JOIN allocated al ON al.account_id = a.id
  GROUP BY a.id, a.currency, a.risk_tier
$$;
DROP TRIGGER accounts_repayment_state_ins ON accounts;
DROP TRIGGER payments_repayment_state_del ON payments;
DROP TRIGGER payments_repayment_state_upd ON payments;
DROP TRIGGER payments_repayment_state_ins ON payments;
DROP TRIGGER installments_repayment_state_del ON installments;
DROP TRIGGER installments_repayment_state_upd ON installments;
DROP TRIGGER installments_repayment_state_ins ON installments;
DROP FUNCTION refresh_repayment_state_after_accounts();
DROP FUNCTION refresh_repayment_state_after_payments();
DROP FUNCTION refresh_repayment_state_after_installments();
DROP FUNCTION refresh_repayment_state(text[]);
ALTER TABLE installments RESET (fillfactor);
ALTER TABLE installments DROP COLUMN paid_off_on, DROP COLUMN allocated_paid, DROP COLUMN cumulative_due;
DROP FUNCTION unpaid_on_installment(bigint, bigint, bigint);
DROP TABLE collection_list;
DROP TABLE screening_runs;

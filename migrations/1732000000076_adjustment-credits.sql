-- Up Migration

-- What a plan replaces, once it is over (issue 16, docs/negotiation.md "What a plan
-- replaces"): a plan's waivers and a paid settlement's write-down are non-cash credits to
-- the account (account_adjustments, applied), and the loan book's one allocation now counts
-- them beside the payments, oldest-due first. Without them a plan paid up to the minor unit
-- left its waived fees overdue on the contract the day it completed, and the next screening
-- opened a collection for them; a settled account stayed overdue by its write-down.
--
-- The installments stay the record of what was contractually due; only what settles them
-- grows. The historical pass of account_figures (payments_through set: back-tests on the
-- book's history) still counts payments alone.

CREATE OR REPLACE FUNCTION refresh_installment_repayment_state(account_ids text[]) RETURNS integer
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
  -- Payments, and the non-cash adjustments applied (a plan's waivers, a paid settlement's
  -- write-down) as credits on the day they were recorded.
  paid AS (
    SELECT c.account_id, c.value_date,
           sum(c.amount) OVER (PARTITION BY c.account_id ORDER BY c.value_date, c.event_id
                               ROWS UNBOUNDED PRECEDING)::bigint AS cumulative_paid
    FROM (
      SELECT p.account_id, p.value_date, p.event_id, p.amount
      FROM payments p
      WHERE p.account_id = ANY (account_ids) AND p.reversed_at IS NULL
      UNION ALL
      SELECT a.account_id, a.recorded_at::date, 'adjustment-' || a.id, a.amount
      FROM account_adjustments a
      WHERE a.account_id = ANY (account_ids) AND a.applied
    ) c
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

-- A credit applied (a plan accepted with waivers, a settlement paid) re-allocates at once.
CREATE FUNCTION refresh_repayment_state_after_adjustments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  touched text[];
BEGIN
  SELECT array_agg(DISTINCT account_id) INTO touched FROM new_rows WHERE applied;
  PERFORM refresh_repayment_state(touched);
  RETURN NULL;
END;
$$;
CREATE TRIGGER account_adjustments_repayment_state_ins AFTER INSERT ON account_adjustments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_adjustments();
CREATE TRIGGER account_adjustments_repayment_state_upd AFTER UPDATE ON account_adjustments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refresh_repayment_state_after_adjustments();

-- Credits applied before this migration.
SELECT refresh_repayment_state(array_agg(DISTINCT account_id)) FROM account_adjustments WHERE applied;

-- Down Migration

DROP TRIGGER account_adjustments_repayment_state_upd ON account_adjustments;
DROP TRIGGER account_adjustments_repayment_state_ins ON account_adjustments;
DROP FUNCTION refresh_repayment_state_after_adjustments();
-- payments alone, as …03_screening.sql made it
CREATE OR REPLACE FUNCTION refresh_installment_repayment_state(account_ids text[]) RETURNS integer
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
SELECT refresh_repayment_state(array_agg(DISTINCT account_id)) FROM account_adjustments WHERE applied;

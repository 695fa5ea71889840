-- Up Migration

-- What a plan replaces (issue 16, docs/negotiation.md "What a plan replaces"). A plan
-- restructures what its offer was sized from, as of the offer: an instalment plan the arrears
-- of that day, a term extension the arrears and the remaining balance, a settlement the whole
-- balance. So its accounting starts where the offer's basis stopped, not when the borrower
-- said yes: the contract's installments falling due from the offer's day (an instalment plan
-- leaves them to be paid beside it) and the payments received from the moment the offer was
-- made count. Before, both started at the acceptance: an installment falling due while the
-- offer waited for an answer was in neither the offer nor the plan (hidden while the plan ran,
-- overdue again after it), and a payment made meanwhile counted toward neither.
--
-- The same columns, so plan_standing(as_of) reads the new definition unchanged.
-- Otherwise as in …40_negotiation.sql: the plan's instalments and, for an arrears plan, the
-- contract's own installments; payments allocated oldest-due first with the loan book's one
-- formula (unpaid_on_installment). Filter on plan_id: it is the window's partition, so the
-- filter reaches the base tables.

CREATE OR REPLACE VIEW plan_obligations AS
  WITH plans AS (
    SELECT p.id, p.account_id, p.kind, o.as_of AS scope_from, o.created_at AS payments_from
    FROM payment_plans p JOIN negotiation_offers o ON o.id = p.offer_id
  ),
  obligations AS (
    SELECT p.id AS plan_id, p.account_id, 'PLAN'::text AS source, pi.instalment_no AS ref, pi.due_date, pi.amount
    FROM plans p JOIN plan_instalments pi ON pi.plan_id = p.id
    UNION ALL
    SELECT p.id, p.account_id, 'CONTRACT', i.seq, i.due_date, i.amount_due
    FROM plans p JOIN installments i ON i.account_id = p.account_id AND i.due_date >= p.scope_from
    WHERE p.kind = 'INSTALMENT_PLAN' AND i.amount_due > 0
  ),
  paid AS (
    SELECT p.id AS plan_id, coalesce(sum(pay.amount), 0)::bigint AS paid
    FROM plans p LEFT JOIN payments pay
      ON pay.account_id = p.account_id AND pay.reversed_at IS NULL AND pay.received_at >= p.payments_from
    GROUP BY p.id
  ),
  running AS (
    SELECT o.*, sum(o.amount) OVER (PARTITION BY o.plan_id ORDER BY o.due_date, o.source DESC, o.ref ROWS UNBOUNDED PRECEDING)::bigint AS cumulative_due
    FROM obligations o
  )
  SELECT r.plan_id, r.account_id, r.source, r.ref, r.due_date, r.amount,
         r.amount - unpaid_on_installment(r.amount, r.cumulative_due, pd.paid) AS paid,
         unpaid_on_installment(r.amount, r.cumulative_due, pd.paid) AS outstanding
  FROM running r JOIN paid pd ON pd.plan_id = r.plan_id;

-- Down Migration

-- The view as …40_negotiation.sql made it (plan_standing reads it, unchanged).
CREATE OR REPLACE VIEW plan_obligations AS
  WITH obligations AS (
    SELECT p.id AS plan_id, p.account_id, 'PLAN'::text AS source, pi.instalment_no AS ref, pi.due_date, pi.amount
    FROM payment_plans p JOIN plan_instalments pi ON pi.plan_id = p.id
    UNION ALL
    SELECT p.id, p.account_id, 'CONTRACT', i.seq, i.due_date, i.amount_due
    FROM payment_plans p JOIN installments i ON i.account_id = p.account_id AND i.due_date >= p.started_on
    WHERE p.kind = 'INSTALMENT_PLAN' AND i.amount_due > 0
  ),
  paid AS (
    SELECT p.id AS plan_id, coalesce(sum(pay.amount), 0)::bigint AS paid
    FROM payment_plans p LEFT JOIN payments pay
      ON pay.account_id = p.account_id AND pay.reversed_at IS NULL AND pay.received_at >= p.payments_from
    GROUP BY p.id
  ),
  running AS (
    SELECT o.*, sum(o.amount) OVER (PARTITION BY o.plan_id ORDER BY o.due_date, o.source DESC, o.ref ROWS UNBOUNDED PRECEDING)::bigint AS cumulative_due
    FROM obligations o
  )
  SELECT r.plan_id, r.account_id, r.source, r.ref, r.due_date, r.amount,
         r.amount - unpaid_on_installment(r.amount, r.cumulative_due, pd.paid) AS paid,
         unpaid_on_installment(r.amount, r.cumulative_due, pd.paid) AS outstanding
  FROM running r JOIN paid pd ON pd.plan_id = r.plan_id;

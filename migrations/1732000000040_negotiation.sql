-- Up Migration

-- Negotiation and plans (SPEC §2 steps 7-8, issue 16 §3): offers and their waivers, the
-- plan an accepted option becomes, its instalments, and the non-cash adjustments (waivers,
-- a settlement's write-down) with their approval. Every row an activity writes carries an
-- idempotency key under a unique constraint: a retried activity finds the first row.
-- Money is bigint minor units. The borrower's income and surplus are personal data: they
-- live apart, in negotiation_offer_personal_data.

CREATE TABLE negotiation_offers (
  id                 bigserial PRIMARY KEY,
  idempotency_key    text NOT NULL UNIQUE,
  account_id         text NOT NULL REFERENCES accounts (id),
  workflow_id        text NOT NULL,
  -- the offer's number in the account's negotiation: a counter-offer or a renegotiation makes the next
  round              integer NOT NULL CHECK (round > 0),
  status             text NOT NULL CHECK (status IN ('AWAITING_APPROVAL', 'OFFERED', 'ACCEPTED', 'DECLINED', 'COUNTERED', 'EXPIRED', 'WITHDRAWN')),
  config_version     text NOT NULL,
  currency           char(3) NOT NULL,
  as_of              date NOT NULL,
  valid_until        date NOT NULL,
  -- a waiver beyond the limits not decided by then lapses; NULL when none waits
  approval_deadline  timestamptz,
  -- what the offer was sized from, without the surplus (personal data, below): a waiver
  -- decision recomputes the options from it, not from figures that moved meanwhile
  basis              jsonb NOT NULL,
  -- composeOffer's options and unavailable kinds, recomputed after each waiver decision (no personal data)
  options            jsonb NOT NULL,
  unavailable        jsonb NOT NULL,
  created_at         timestamptz NOT NULL,
  -- the answer: who brought it and how (the stated income is personal data, below)
  answer             text CHECK (answer IN ('ACCEPT', 'DECLINE', 'COUNTER')),
  accepted_option    text CHECK (accepted_option IN ('INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT')),
  responded_by       text,
  responded_via      text,
  response_key       text UNIQUE,
  closed_at          timestamptz,
  CHECK ((answer = 'ACCEPT') = (accepted_option IS NOT NULL)),
  UNIQUE (account_id, workflow_id, round)
);
CREATE INDEX negotiation_offers_account_idx ON negotiation_offers (account_id, created_at);
-- one open offer per account at a time
CREATE UNIQUE INDEX negotiation_offers_open_idx ON negotiation_offers (account_id) WHERE status IN ('AWAITING_APPROVAL', 'OFFERED');

CREATE TABLE negotiation_offer_personal_data (
  offer_id                 bigint PRIMARY KEY REFERENCES negotiation_offers (id) ON DELETE CASCADE,
  surplus_source           text CHECK (surplus_source IN ('VISIT_REPORT', 'STATED')),
  monthly_surplus          bigint,
  -- what an instalment may take of it (derived from it: personal data too)
  instalment_budget        bigint,
  stated_monthly_income    bigint CHECK (stated_monthly_income >= 0),
  stated_monthly_outgoings bigint CHECK (stated_monthly_outgoings >= 0),
  response_note            text
);

-- A waiver line of an offer's option beyond the tier's limit: waits for a supervisor's
-- decision (approve, reduce, refuse) or lapses at the offer's approval deadline.
CREATE TABLE offer_waivers (
  id               bigserial PRIMARY KEY,
  offer_id         bigint NOT NULL REFERENCES negotiation_offers (id),
  option_kind      text NOT NULL CHECK (option_kind IN ('INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT')),
  subject          text NOT NULL CHECK (subject IN ('PENALTY_FEES', 'LATE_INTEREST', 'CONTRACT_INTEREST', 'SETTLEMENT_DISCOUNT')),
  owed             bigint NOT NULL CHECK (owed >= 0),
  within_limit     bigint NOT NULL CHECK (within_limit >= 0),
  needs_approval   bigint NOT NULL CHECK (needs_approval > 0),
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REDUCED', 'REFUSED', 'LAPSED')),
  -- of needs_approval, what the supervisor approved
  approved_amount  bigint CHECK (approved_amount >= 0 AND approved_amount <= needs_approval),
  decided_by       text REFERENCES staff (id),
  decision_reason  text,
  decided_at       timestamptz,
  UNIQUE (offer_id, option_kind, subject),
  CHECK ((status = 'PENDING') = (decided_at IS NULL)),
  CHECK (status NOT IN ('APPROVED', 'REDUCED', 'REFUSED') OR (decided_by IS NOT NULL AND decision_reason IS NOT NULL AND approved_amount IS NOT NULL))
);

-- The plan an accepted option became. payments_from: payments received from then on are
-- allocated to its obligations (the account's installments stay the contractual record).
CREATE TABLE payment_plans (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts (id),
  workflow_id      text NOT NULL,
  offer_id         bigint NOT NULL UNIQUE REFERENCES negotiation_offers (id),
  kind             text NOT NULL CHECK (kind IN ('INSTALMENT_PLAN', 'TERM_EXTENSION', 'SETTLEMENT')),
  currency         char(3) NOT NULL,
  total            bigint NOT NULL CHECK (total > 0),
  status           text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'LATE', 'BROKEN', 'COMPLETED', 'CANCELLED')),
  bucket_at_start  text NOT NULL,
  started_on       date NOT NULL,
  payments_from    timestamptz NOT NULL,
  ended_at         timestamptz,
  CHECK ((status IN ('ACTIVE', 'LATE')) = (ended_at IS NULL))
);
-- one plan in force per account
CREATE UNIQUE INDEX payment_plans_in_force_idx ON payment_plans (account_id) WHERE status IN ('ACTIVE', 'LATE');

CREATE TABLE plan_instalments (
  plan_id        bigint NOT NULL REFERENCES payment_plans (id) ON DELETE CASCADE,
  instalment_no  integer NOT NULL CHECK (instalment_no > 0),
  due_date       date NOT NULL,
  amount         bigint NOT NULL CHECK (amount > 0),
  interest       bigint NOT NULL DEFAULT 0 CHECK (interest >= 0 AND interest <= amount),
  PRIMARY KEY (plan_id, instalment_no)
);

-- Non-cash adjustments: what a plan waived and what a settlement wrote down, per component,
-- with the approval it rests on (approved_by NULL: within the tier's limit, no approval needed).
CREATE TABLE account_adjustments (
  id               bigserial PRIMARY KEY,
  account_id       text NOT NULL REFERENCES accounts (id),
  plan_id          bigint NOT NULL REFERENCES payment_plans (id),
  kind             text NOT NULL CHECK (kind IN ('WAIVER', 'WRITE_DOWN')),
  component        text NOT NULL CHECK (component IN ('PENALTY_FEES', 'LATE_INTEREST', 'CONTRACT_INTEREST', 'PRINCIPAL')),
  amount           bigint NOT NULL CHECK (amount > 0),
  waiver_id        bigint REFERENCES offer_waivers (id),
  approved_by      text REFERENCES staff (id),
  recorded_at      timestamptz NOT NULL,
  -- a write-down is applied when the settlement is paid, a waiver when the plan starts
  applied          boolean NOT NULL,
  UNIQUE (plan_id, kind, component),
  CHECK (kind = 'WRITE_DOWN' OR component <> 'PRINCIPAL')
);
CREATE INDEX account_adjustments_account_idx ON account_adjustments (account_id);

-- What a plan asks of the borrower, date by date: its instalments and, for an arrears
-- plan (INSTALMENT_PLAN), the contract's own installments falling due from its start (the
-- borrower keeps paying them beside it); an extension or a settlement replaces them.
-- Payments received from the plan's start, not reversed, are allocated to these
-- obligations oldest-due first, set-based, with the loan book's one formula
-- (unpaid_on_installment). Filter on plan_id: it is the window's partition, so the
-- filter reaches the base tables.
CREATE VIEW plan_obligations AS
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

-- Where a plan in force (ACTIVE or LATE) stands as of a day: what of its obligations due
-- before it is unpaid, since when. The figures read this for an account on a plan: a plan
-- that is paid up leaves nothing overdue, whatever the contract's schedule says.
CREATE FUNCTION plan_standing(as_of date)
RETURNS TABLE (account_id text, plan_id bigint, amount_overdue bigint, oldest_unpaid_due_date date, overdue_installments bigint)
LANGUAGE sql STABLE AS $$
  SELECT p.account_id, p.id,
         coalesce(sum(o.outstanding) FILTER (WHERE o.due_date < as_of AND o.outstanding > 0), 0)::bigint,
         min(o.due_date) FILTER (WHERE o.due_date < as_of AND o.outstanding > 0),
         count(*) FILTER (WHERE o.due_date < as_of AND o.outstanding > 0)
  FROM payment_plans p LEFT JOIN plan_obligations o ON o.plan_id = p.id
  WHERE p.status IN ('ACTIVE', 'LATE')
  GROUP BY p.account_id, p.id
$$;

-- Down Migration

DROP FUNCTION plan_standing(date);
DROP VIEW plan_obligations;
DROP TABLE account_adjustments;
DROP TABLE plan_instalments;
DROP TABLE payment_plans;
DROP TABLE offer_waivers;
DROP TABLE negotiation_offer_personal_data;
DROP TABLE negotiation_offers;

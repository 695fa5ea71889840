-- Up Migration

-- The loan book, the events and the record of every effect.
-- Money is bigint minor units (cents, fen) throughout; never a float.

CREATE TABLE borrowers (
  id            text PRIMARY KEY,
  -- IANA zone: contact hours are the borrower's own (SPEC §4)
  time_zone     text NOT NULL DEFAULT 'Asia/Shanghai',
  jurisdiction  text NOT NULL DEFAULT 'CN',
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Personal data lives apart from the figures, so that access to it can be
-- granted, logged and purged on its own (SPEC §5).
CREATE TABLE borrower_personal_data (
  borrower_id   text PRIMARY KEY REFERENCES borrowers (id) ON DELETE CASCADE,
  full_name     text NOT NULL,
  mobile_phone  text,
  email         text,
  home_address  text,
  id_number     text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id            text PRIMARY KEY,
  borrower_id   text NOT NULL REFERENCES borrowers (id),
  product       text NOT NULL CHECK (product IN ('LOAN', 'CREDIT_CARD')),
  currency      char(3) NOT NULL,
  principal     bigint NOT NULL CHECK (principal >= 0),
  status        text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED', 'WRITTEN_OFF')),
  -- set by screening; NULL until the account has been screened
  risk_tier     text,
  opened_on     date NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_borrower_id_idx ON accounts (borrower_id);

CREATE TABLE installments (
  account_id    text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  seq           integer NOT NULL CHECK (seq > 0),
  due_date      date NOT NULL,
  principal_due bigint NOT NULL DEFAULT 0 CHECK (principal_due >= 0),
  interest_due  bigint NOT NULL DEFAULT 0 CHECK (interest_due >= 0),
  fees_due      bigint NOT NULL DEFAULT 0 CHECK (fees_due >= 0),
  amount_due    bigint GENERATED ALWAYS AS (principal_due + interest_due + fees_due) STORED,
  PRIMARY KEY (account_id, seq)
);
CREATE INDEX installments_account_due_idx ON installments (account_id, due_date, seq);

-- One row per payment event, whichever path it came by (HTTP or signal).
-- No foreign key on account_id: a payment for an unknown account is kept for
-- reconciliation rather than refused.
CREATE TABLE payments (
  event_id      text PRIMARY KEY,
  account_id    text NOT NULL,
  amount        bigint NOT NULL CHECK (amount > 0),
  currency      char(3) NOT NULL,
  value_date    date NOT NULL,
  method        text NOT NULL,
  reference     text,
  source        text NOT NULL CHECK (source IN ('API', 'SIGNAL', 'IMPORT', 'DEMO')),
  received_at   timestamptz NOT NULL DEFAULT now(),
  reversed_at   timestamptz
);
CREATE INDEX payments_account_id_idx ON payments (account_id);

-- Every outbound contact. The idempotency key is what makes a retried
-- activity harmless: a second insert with the same key finds the first.
CREATE TABLE contact_attempts (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  account_id          text NOT NULL REFERENCES accounts (id),
  borrower_id         text NOT NULL REFERENCES borrowers (id),
  workflow_id         text NOT NULL,
  channel             text NOT NULL CHECK (channel IN ('SMS', 'CALL', 'EMAIL')),
  template_id         text NOT NULL,
  template_version    integer NOT NULL,
  rendered_text       text NOT NULL,
  status              text NOT NULL CHECK (status IN ('SENT', 'FAILED', 'BLOCKED')),
  provider            text NOT NULL,
  provider_message_id text,
  attempted_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_attempts_account_idx ON contact_attempts (account_id, attempted_at);
CREATE INDEX contact_attempts_borrower_idx ON contact_attempts (borrower_id, channel, attempted_at);

-- The default SMS provider: a local outbox a gateway relay drains.
CREATE TABLE sms_outbox (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  to_phone        text NOT NULL,
  body            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  dispatched_at   timestamptz
);

CREATE TABLE stage_transitions (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  account_id      text NOT NULL,
  workflow_id     text NOT NULL,
  run_id          text NOT NULL,
  from_stage      text,
  to_stage        text NOT NULL,
  reason          text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_transitions_account_idx ON stage_transitions (account_id, occurred_at);

-- Everything else a workflow decides or notices (payment applied, bad signal
-- ignored, ...). Detail holds no personal data.
CREATE TABLE audit_events (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  account_id      text NOT NULL,
  workflow_id     text,
  kind            text NOT NULL,
  detail          jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_account_idx ON audit_events (account_id, occurred_at);

-- The audit record is append-only (SPEC §5): refuse edits and deletes.
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER stage_transitions_append_only BEFORE UPDATE OR DELETE ON stage_transitions
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();

-- An account's figures as of a date, set-based: payments (not reversed) are
-- applied to installments oldest-due first; what remains unpaid on installments
-- due before the date is overdue. The one implementation of that rule: the
-- workflow's figures, the demo and the screening scan all read it.
-- LANGUAGE sql + STABLE lets the planner inline it and push an account filter down.
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

-- Down Migration

DROP FUNCTION account_figures(date);
DROP TABLE audit_events;
DROP TABLE stage_transitions;
DROP FUNCTION refuse_audit_change();
DROP TABLE sms_outbox;
DROP TABLE contact_attempts;
DROP TABLE payments;
DROP TABLE installments;
DROP TABLE accounts;
DROP TABLE borrower_personal_data;
DROP TABLE borrowers;

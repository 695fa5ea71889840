-- Up Migration

-- Early collection (SPEC §2 steps 2-4 and 10, issue 6): the staff who take calls, the
-- agent queue, call outcomes, promises to pay, and the ids that make the workflow's
-- hold and cease-contact signals idempotent.

-- Collections staff. Agents take call tasks now; field collectors and security
-- colleagues (issue 7) share the table. No personal data beyond a display name.
CREATE TABLE staff (
  id            text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('AGENT', 'COLLECTOR', 'SECURITY', 'SUPERVISOR')),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The agent queue: a call step of a cadence is a task for a human agent. One task per
-- call step (idempotency key), tied to the contact attempt the contact policy counted.
-- It stays OPEN until the agent records the outcome (DONE), the call window passes
-- (EXPIRED) or the account no longer needs it (CANCELLED: cured, on hold, ceased).
CREATE TABLE agent_tasks (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  kind                text NOT NULL CHECK (kind IN ('CALL')),
  account_id          text NOT NULL REFERENCES accounts (id),
  borrower_id         text NOT NULL REFERENCES borrowers (id),
  workflow_id         text NOT NULL,
  contact_attempt_id  bigint REFERENCES contact_attempts (id),
  assigned_agent      text REFERENCES staff (id),
  template_id         text NOT NULL,
  template_version    integer NOT NULL,
  -- the rendered call script (figures, how to pay; no threats: see templates/)
  script              text NOT NULL,
  status              text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'DONE', 'EXPIRED', 'CANCELLED')),
  opened_at           timestamptz NOT NULL,
  due_by              timestamptz NOT NULL,
  closed_at           timestamptz,
  CHECK ((status = 'OPEN') = (closed_at IS NULL)),
  CHECK (due_by > opened_at)
);
CREATE INDEX agent_tasks_open_by_agent_idx ON agent_tasks (assigned_agent, due_by) WHERE status = 'OPEN';
CREATE INDEX agent_tasks_account_idx ON agent_tasks (account_id, opened_at);

-- What the agent learnt on the call (issue 6 §2). One outcome per task: a retried update
-- or activity finds the first. The note is free text and may hold personal data: it stays
-- here (and in the encrypted workflow history), never in logs.
CREATE TABLE call_outcomes (
  id                   bigserial PRIMARY KEY,
  agent_task_id        bigint NOT NULL UNIQUE REFERENCES agent_tasks (id),
  account_id           text NOT NULL REFERENCES accounts (id),
  workflow_id          text NOT NULL,
  agent_id             text NOT NULL,
  right_party_reached  boolean NOT NULL,
  reason               text CHECK (reason IN ('OVERSIGHT', 'INCOME_DROP', 'ILLNESS', 'DISPUTE', 'REFUSAL')),
  income_change        text CHECK (income_change IN ('NONE', 'DECREASED', 'INCREASED', 'LOST')),
  household_change     text CHECK (household_change IN ('NONE', 'NEW_DEPENDANT', 'SEPARATION', 'BEREAVEMENT', 'ILLNESS', 'OTHER')),
  note                 text,
  recorded_at          timestamptz NOT NULL,
  -- a reason is what the borrower said: only a conversation with the right party has one
  CHECK (right_party_reached OR reason IS NULL)
);
CREATE INDEX call_outcomes_account_idx ON call_outcomes (account_id, recorded_at);

-- Promises to pay (SPEC §2 step 4), kept or broken, for the workflow and the reports.
CREATE TABLE payment_promises (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts (id),
  workflow_id      text NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  promised_for     date NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('CALL', 'SMS', 'EMAIL', 'IN_PERSON', 'OTHER')),
  recorded_by      text,
  recorded_at      timestamptz NOT NULL,
  -- promised_for plus the grace period, at the start of the next business day
  check_at         timestamptz NOT NULL,
  -- Postgres's clock when the promise was stored. Payments count toward the promise when
  -- received (payments.received_at, the same clock) from then on: recorded_at is workflow
  -- time, which runs ahead of the database's in time-skipping tests.
  payments_from    timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'KEPT', 'BROKEN')),
  amount_paid      bigint,
  settled_at       timestamptz,
  CHECK ((status = 'PENDING') = (settled_at IS NULL))
);
CREATE INDEX payment_promises_account_idx ON payment_promises (account_id, recorded_at);

-- Holds and cease-contact arrive as signals with the sender's id: a repeated signal, or a
-- retried activity, finds the first row.
ALTER TABLE contact_holds
  ADD COLUMN hold_id      text UNIQUE,
  ADD COLUMN workflow_id  text,
  ADD COLUMN note         text;
ALTER TABLE contact_cease_requests
  ADD COLUMN request_id   text UNIQUE,
  ADD COLUMN workflow_id  text;

-- An e-mail's subject as rendered, beside its text: the record of what was sent, and
-- what a retried step hands to the provider again if the first hand-off did not happen.
ALTER TABLE contact_attempts ADD COLUMN rendered_subject text;

-- Down Migration

ALTER TABLE contact_attempts DROP COLUMN rendered_subject;
ALTER TABLE contact_cease_requests DROP COLUMN workflow_id, DROP COLUMN request_id;
ALTER TABLE contact_holds DROP COLUMN note, DROP COLUMN workflow_id, DROP COLUMN hold_id;
DROP TABLE payment_promises;
DROP TABLE call_outcomes;
DROP TABLE agent_tasks;
DROP TABLE staff;

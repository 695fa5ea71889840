-- Up Migration

-- Legal escalation, agency placement, write-off and the exits (SPEC §2 step 9, issue 17).
-- Every row an activity writes carries an idempotency key under a unique constraint: a
-- retried activity finds the first row. Money is bigint minor units. No personal data:
-- the evidence bundle (which holds some) lives where config says, its hash here.

-- Whether the account is secured (collateral raises the expected recovery); the loan-book
-- import does not carry it yet, so every account is unsecured until it does.
ALTER TABLE accounts ADD COLUMN collateral boolean NOT NULL DEFAULT false;

-- The decision on entering LEGAL, with its figures (src/legal/decision.ts).
CREATE TABLE legal_decisions (
  id                   bigserial PRIMARY KEY,
  idempotency_key      text NOT NULL UNIQUE,
  account_id           text NOT NULL REFERENCES accounts (id),
  workflow_id          text NOT NULL,
  action               text NOT NULL CHECK (action IN ('REFER', 'PLACE_WITH_AGENCY', 'RECOMMEND_WRITE_OFF')),
  config_version       text NOT NULL,
  currency             char(3) NOT NULL,
  claim                bigint NOT NULL CHECK (claim >= 0),
  legal_cost           bigint NOT NULL CHECK (legal_cost >= 0),
  discounted_recovery  bigint NOT NULL CHECK (discounted_recovery >= 0),
  charge_off_due_on    date,
  -- what was weighed and the whole decision (figures, agency, reason)
  basis                jsonb NOT NULL,
  decision             jsonb NOT NULL,
  decided_at           timestamptz NOT NULL
);
CREATE INDEX legal_decisions_account_idx ON legal_decisions (account_id, decided_at);

-- A referral: the case the legal team works, with its evidence bundle.
CREATE TABLE legal_cases (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts (id),
  workflow_id      text NOT NULL,
  decision_id      bigint NOT NULL UNIQUE REFERENCES legal_decisions (id),
  status           text NOT NULL DEFAULT 'REFERRED' CHECK (status IN ('REFERRED', 'FILED', 'ASSET_PRESERVATION', 'JUDGMENT', 'SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE')),
  assigned_team    text NOT NULL DEFAULT 'LEGAL',
  currency         char(3) NOT NULL,
  claim            bigint NOT NULL CHECK (claim >= 0),
  bundle_path      text NOT NULL,
  bundle_sha256    char(64) NOT NULL CHECK (bundle_sha256 ~ '^[0-9a-f]{64}$'),
  referred_at      timestamptz NOT NULL,
  next_hearing_on  date,
  ended_at         timestamptz,
  CHECK ((status IN ('SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE')) = (ended_at IS NOT NULL))
);
-- one open case per account
CREATE UNIQUE INDEX legal_cases_open_idx ON legal_cases (account_id) WHERE ended_at IS NULL;
CREATE INDEX legal_cases_hearing_idx ON legal_cases (next_hearing_on) WHERE ended_at IS NULL;

-- What the legal team reports (recordLegalOutcome), once per update.
CREATE TABLE legal_outcomes (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  case_id          bigint NOT NULL REFERENCES legal_cases (id),
  outcome          text NOT NULL CHECK (outcome IN ('FILED', 'ASSET_PRESERVATION', 'JUDGMENT', 'SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE')),
  occurred_on      date NOT NULL,
  amount           bigint CHECK (amount > 0),
  court_reference  text,
  hearing_on       date CHECK (hearing_on >= occurred_on),
  reported_by      text NOT NULL,
  note             text,
  recorded_at      timestamptz NOT NULL,
  CHECK ((outcome IN ('JUDGMENT', 'SETTLED_IN_COURT', 'RECOVERED')) = (amount IS NOT NULL)),
  CHECK ((outcome = 'FILED') = (court_reference IS NOT NULL))
);
CREATE INDEX legal_outcomes_case_idx ON legal_outcomes (case_id, occurred_on, id);
-- filed once, judged once, ended once
CREATE UNIQUE INDEX legal_outcomes_filed_once_idx ON legal_outcomes (case_id) WHERE outcome = 'FILED';
CREATE UNIQUE INDEX legal_outcomes_judged_once_idx ON legal_outcomes (case_id) WHERE outcome = 'JUDGMENT';
CREATE UNIQUE INDEX legal_outcomes_ended_once_idx ON legal_outcomes (case_id) WHERE outcome IN ('SETTLED_IN_COURT', 'RECOVERED', 'UNRECOVERABLE');

-- An account placed with a collection agency; recalled at once on a cure, a hold, the end of its term or a supervisor's word.
CREATE TABLE agency_placements (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts (id),
  workflow_id      text NOT NULL,
  decision_id      bigint REFERENCES legal_decisions (id),
  agency_id        text NOT NULL,
  commission_rate  numeric(5, 4) NOT NULL CHECK (commission_rate >= 0 AND commission_rate <= 1),
  currency         char(3) NOT NULL,
  placed_amount    bigint NOT NULL CHECK (placed_amount >= 0),
  placed_at        timestamptz NOT NULL,
  recall_by        date NOT NULL,
  status           text NOT NULL DEFAULT 'PLACED' CHECK (status IN ('PLACED', 'RECALL_PENDING', 'RECALLED')),
  -- the placement message taken by the agency (its reference), NULL until then
  sent_at          timestamptz,
  agency_reference text,
  recalled_at      timestamptz,
  CHECK ((status = 'RECALLED') = (recalled_at IS NOT NULL))
);
-- one placement in force per account
CREATE UNIQUE INDEX agency_placements_in_force_idx ON agency_placements (account_id) WHERE status <> 'RECALLED';

-- The recall of a placement: recorded first, then sent; a send that fails is retried with
-- the same key, one the agency refuses is escalated to staff (the compensation).
CREATE TABLE placement_recalls (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  placement_id     bigint NOT NULL UNIQUE REFERENCES agency_placements (id),
  reason           text NOT NULL CHECK (reason IN ('PAYMENT_CURED', 'HOLD_PLACED', 'TERM_ENDED', 'SUPERVISOR', 'ACCOUNT_CLOSED')),
  requested_by     text,
  note             text,
  requested_at     timestamptz NOT NULL,
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'ESCALATED')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error       text,
  sent_at          timestamptz,
  CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
);

-- Messages to agencies (placement, recall): the default adapter's outbox, drained by a relay;
-- the HTTP adapter posts them with the same key. One per key.
CREATE TABLE agency_outbox (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  agency_id        text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('PLACEMENT', 'RECALL')),
  payload          jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  relayed_at       timestamptz
);

-- Write-off: recommended (charge-off reached, or legal action does not pay off), then
-- approved or declined by a supervisor with a reason.
CREATE TABLE write_offs (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL REFERENCES accounts (id),
  workflow_id      text NOT NULL,
  decision_id      bigint REFERENCES legal_decisions (id),
  basis            text NOT NULL CHECK (basis IN ('CHARGE_OFF_REACHED', 'LEGAL_DOES_NOT_PAY')),
  status           text NOT NULL DEFAULT 'RECOMMENDED' CHECK (status IN ('RECOMMENDED', 'APPROVED', 'DECLINED')),
  currency         char(3) NOT NULL,
  -- the balance recommended for write-off; the balance written off once approved
  amount           bigint NOT NULL CHECK (amount >= 0),
  recommended_at   timestamptz NOT NULL,
  decided_by       text REFERENCES staff (id),
  decision_reason  text,
  decided_at       timestamptz,
  CHECK ((status = 'RECOMMENDED') = (decided_at IS NULL)),
  CHECK (status = 'RECOMMENDED' OR (decided_by IS NOT NULL AND decision_reason IS NOT NULL))
);
CREATE UNIQUE INDEX write_offs_open_idx ON write_offs (account_id) WHERE status = 'RECOMMENDED';
CREATE UNIQUE INDEX write_offs_approved_idx ON write_offs (account_id) WHERE status = 'APPROVED';

-- A payment received after the write-off: recorded as a recovery, once per payment event; it re-opens nothing.
CREATE TABLE write_off_recoveries (
  id                bigserial PRIMARY KEY,
  write_off_id      bigint NOT NULL REFERENCES write_offs (id),
  account_id        text NOT NULL REFERENCES accounts (id),
  payment_event_id  text NOT NULL UNIQUE REFERENCES payments (event_id),
  amount            bigint NOT NULL CHECK (amount > 0),
  currency          char(3) NOT NULL,
  recorded_at       timestamptz NOT NULL
);
CREATE INDEX write_off_recoveries_account_idx ON write_off_recoveries (account_id);

-- The account closed or sold (an import or API event), once per event and once per account.
CREATE TABLE account_closures (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  account_id       text NOT NULL UNIQUE REFERENCES accounts (id),
  reason           text NOT NULL CHECK (reason IN ('SOLD', 'CLOSED_BY_BANK', 'PAID_ELSEWHERE', 'DECEASED_ESTATE_SETTLED', 'OTHER')),
  closed_on        date NOT NULL,
  source           text NOT NULL CHECK (source IN ('IMPORT', 'API')),
  note             text,
  recorded_at      timestamptz NOT NULL
);

-- Down Migration

DROP TABLE account_closures;
DROP TABLE write_off_recoveries;
DROP TABLE write_offs;
DROP TABLE agency_outbox;
DROP TABLE placement_recalls;
DROP TABLE agency_placements;
DROP TABLE legal_outcomes;
DROP TABLE legal_cases;
DROP TABLE legal_decisions;
ALTER TABLE accounts DROP COLUMN collateral;

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

-- Down Migration

DROP TABLE collection_list;
DROP TABLE screening_runs;

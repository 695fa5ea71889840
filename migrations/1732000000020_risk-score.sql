-- Up Migration

-- The behaviour score (issue 21): statement history from the core, and versioned
-- binned scorecards that the screening applies in SQL.

-- The core's own delinquency status of a statement (cycles of minimums past due when it
-- was cut; the UCI book's PAY_0 … PAY_6, -2 … 8). History the score may read, never the
-- outcome it is fitted on.
ALTER TABLE installments
  ADD COLUMN reported_cycles_past_due smallint CHECK (reported_cycles_past_due BETWEEN -2 AND 99);

-- A fitted scorecard: base points plus, per feature, the points of the bin its value
-- falls in (src/scoring/). Written once per version and never changed: a run that
-- used it can always be explained.
CREATE TABLE score_models (
  version          text PRIMARY KEY,
  fitted_at        timestamptz NOT NULL DEFAULT now(),
  -- the features were read as of this date, the outcome as of outcome_at
  as_of            date NOT NULL,
  outcome_at       date NOT NULL CHECK (outcome_at > as_of),
  outcome          text NOT NULL,
  base_points      integer NOT NULL,
  -- the out-of-sample report (AUC, KS, Gini, bad rate per score band) and the fit's figures
  report           jsonb NOT NULL
);
CREATE INDEX score_models_fitted_idx ON score_models (fitted_at DESC, version);

-- One row per bin: [lower, upper) of the feature's value (NULL bound: unbounded), or the
-- bin of a missing value.
CREATE TABLE score_model_bins (
  model_version text NOT NULL REFERENCES score_models (version) ON DELETE CASCADE,
  feature       text NOT NULL,
  bin           smallint NOT NULL CHECK (bin >= 0),
  missing       boolean NOT NULL DEFAULT false,
  lower_bound   double precision,
  upper_bound   double precision,
  weight_of_evidence double precision NOT NULL,
  points        integer NOT NULL,
  accounts      integer NOT NULL,
  bads          integer NOT NULL,
  PRIMARY KEY (model_version, feature, bin),
  CHECK (NOT missing OR (lower_bound IS NULL AND upper_bound IS NULL))
);

-- What a screening run scored with, and each listed account's score (NULL: no model).
ALTER TABLE screening_runs ADD COLUMN score_model_version text;
ALTER TABLE collection_list ADD COLUMN score integer;

-- Down Migration

ALTER TABLE collection_list DROP COLUMN score;
ALTER TABLE screening_runs DROP COLUMN score_model_version;
DROP TABLE score_model_bins;
DROP TABLE score_models;
ALTER TABLE installments DROP COLUMN reported_cycles_past_due;

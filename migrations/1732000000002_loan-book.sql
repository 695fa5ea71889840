-- Up Migration

-- The loan book as a core-banking export holds it (issue 4 §1), on top of the
-- foundation tables. `arrears import` and POST /accounts/import write it; the
-- columns the app already reads keep their meaning.

-- Personal data stays apart from the figures (SPEC §5): the workplace and the work
-- address join the name, ID number and home address.
ALTER TABLE borrower_personal_data
  ADD COLUMN work_address text,
  ADD COLUMN workplace    text;

-- Each of the borrower's contact methods, tried in turn when arranging a visit (SPEC
-- §2.5). Personal data too, hence its own table under the same access rules.
-- borrower_personal_data.mobile_phone and .email stay the preferred phone and e-mail
-- (the import keeps them in step) for the readers that predate this table.
CREATE TABLE borrower_contact_points (
  borrower_id   text NOT NULL REFERENCES borrowers (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('PHONE', 'EMAIL')),
  label         text NOT NULL CHECK (label IN ('MOBILE', 'HOME', 'WORK')),
  value         text NOT NULL,
  preferred     boolean NOT NULL DEFAULT false,
  -- the hours the borrower prefers to be reached on it, in the borrower's time zone;
  -- the contact policy (SPEC §4) still bounds them
  contact_from  time,
  contact_until time,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (borrower_id, kind, label),
  CHECK ((contact_from IS NULL) = (contact_until IS NULL))
);
-- one preferred phone and one preferred e-mail at most
CREATE UNIQUE INDEX borrower_contact_points_preferred_idx ON borrower_contact_points (borrower_id, kind) WHERE preferred;

-- A loan has a principal, a card a credit limit (principal 0 unless the core says otherwise).
ALTER TABLE accounts
  ALTER COLUMN principal SET DEFAULT 0,
  ADD COLUMN credit_limit bigint CHECK (credit_limit >= 0);

-- reported_amount_paid is what the core says was paid on the installment. It is kept
-- for reconciliation only: our figures always come from the payments rows, applied
-- oldest-due first (account_figures). A card statement also carries its date and
-- balance (negative: a credit balance); the installment itself is its minimum due.
ALTER TABLE installments
  ADD COLUMN reported_amount_paid bigint CHECK (reported_amount_paid >= 0),
  ADD COLUMN statement_date       date,
  ADD COLUMN statement_balance    bigint;

-- The UCI credit-card dataset's own labels, kept beside the imported book only to
-- compare our screening with them (src/loan-book/uci-agreement.ts). PAY_0 … PAY_6:
-- repayment status Sept … Apr 2005 (-2 … 8); default_payment: defaulted in Oct 2005.
CREATE TABLE uci_credit_card_reference (
  holder_id       integer PRIMARY KEY,
  account_id      text NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
  pay_0           smallint NOT NULL,
  pay_2           smallint NOT NULL,
  pay_3           smallint NOT NULL,
  pay_4           smallint NOT NULL,
  pay_5           smallint NOT NULL,
  pay_6           smallint NOT NULL,
  default_payment boolean NOT NULL
);

-- Down Migration

DROP TABLE uci_credit_card_reference;
ALTER TABLE installments DROP COLUMN statement_balance, DROP COLUMN statement_date, DROP COLUMN reported_amount_paid;
ALTER TABLE accounts DROP COLUMN credit_limit, ALTER COLUMN principal DROP DEFAULT;
DROP TABLE borrower_contact_points;
ALTER TABLE borrower_personal_data DROP COLUMN workplace, DROP COLUMN work_address;

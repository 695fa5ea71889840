-- Up Migration

-- The contact policy's records (SPEC §4, issue 6 §4): what a contact may be refused on,
-- and every refusal. src/contact-policy reads them before each outbound contact.

-- Calls: whether the call connected (CN caps connected calls; a conversation starts the
-- US quiet period). NULL until the agent or the dialler says; NULL counts as unanswered.
-- recipient_key: which number/address it went to, as a digest (caps per number) so the
-- number itself stays in borrower_contact_points only (SPEC §5).
ALTER TABLE contact_attempts
  ADD COLUMN recipient_key text,
  ADD COLUMN call_outcome  text CHECK (call_outcome IN ('CONNECTED', 'UNANSWERED')),
  ADD CONSTRAINT contact_attempts_call_outcome_on_calls CHECK (call_outcome IS NULL OR channel = 'CALL');

-- One spelling of a number or address → one key: spaces, dashes, brackets and case
-- do not make a new recipient.
CREATE FUNCTION contact_recipient_key(recipient text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(lower(regexp_replace(recipient, '[\s()\-]', '', 'g')), 'UTF8')), 'hex')
$$;

-- Opt-outs per channel: in force while withdrawn_at is NULL.
CREATE TABLE contact_opt_outs (
  borrower_id   text NOT NULL REFERENCES borrowers (id) ON DELETE CASCADE,
  channel       text NOT NULL CHECK (channel IN ('SMS', 'CALL', 'EMAIL')),
  opted_out_at  timestamptz NOT NULL DEFAULT now(),
  withdrawn_at  timestamptz,
  PRIMARY KEY (borrower_id, channel),
  CHECK (withdrawn_at IS NULL OR withdrawn_at >= opted_out_at)
);

-- Cease-contact is for good (legal escalation stays possible). account_id NULL: every
-- account of the borrower.
CREATE TABLE contact_cease_requests (
  id            bigserial PRIMARY KEY,
  borrower_id   text NOT NULL REFERENCES borrowers (id) ON DELETE CASCADE,
  account_id    text REFERENCES accounts (id) ON DELETE CASCADE,
  requested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_cease_requests_borrower_idx ON contact_cease_requests (borrower_id);

-- Holds stop outbound contact on the account until released (SPEC §2.10).
CREATE TABLE contact_holds (
  id           bigserial PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  reason       text NOT NULL CHECK (reason IN ('DISPUTE', 'COMPLAINT', 'HARDSHIP_REVIEW', 'BANKRUPTCY', 'DEATH')),
  placed_at    timestamptz NOT NULL DEFAULT now(),
  released_at  timestamptz,
  CHECK (released_at IS NULL OR released_at >= placed_at)
);
CREATE INDEX contact_holds_account_idx ON contact_holds (account_id, placed_at);

-- A contact the policy refused is not dropped: the workflow waits for next_allowed_at
-- (NULL: until a hold or an opt-out is lifted), and the refusal is kept with its rule.
CREATE TABLE contact_blocks (
  id               bigserial PRIMARY KEY,
  idempotency_key  text UNIQUE,
  borrower_id      text NOT NULL REFERENCES borrowers (id),
  account_id       text NOT NULL REFERENCES accounts (id),
  channel          text NOT NULL CHECK (channel IN ('SMS', 'CALL', 'EMAIL')),
  rule             text NOT NULL,
  reason           text NOT NULL,
  policy_version   text NOT NULL,
  next_allowed_at  timestamptz,
  asked_at         timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_blocks_account_idx ON contact_blocks (account_id, asked_at);

-- Down Migration

DROP TABLE contact_blocks;
DROP TABLE contact_holds;
DROP TABLE contact_cease_requests;
DROP TABLE contact_opt_outs;
DROP FUNCTION contact_recipient_key(text);
ALTER TABLE contact_attempts
  DROP CONSTRAINT contact_attempts_call_outcome_on_calls,
  DROP COLUMN call_outcome,
  DROP COLUMN recipient_key;

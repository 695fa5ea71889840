-- Up Migration

-- The transactional outbox between the system of record and Temporal: a row is
-- written in the same transaction as the fact it announces (a payment accepted, a
-- payment reversed), so every fact Postgres holds reaches the account's workflow,
-- even when Temporal was down at the moment it was accepted. The relay delivers
-- rows in id order per account and retries with backoff until Temporal takes them.
CREATE TABLE signal_outbox (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('PAYMENT_RECEIVED', 'PAYMENT_REVERSED')),
  event_id        text NOT NULL,
  account_id      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  delivered_at    timestamptz,
  -- SIGNALLED: the open run has it; NO_OPEN_WORKFLOW: nothing to tell (the figures in
  -- Postgres already include it); STARTED: a reversal re-opened the arrears (new run)
  outcome         text CHECK (outcome IN ('SIGNALLED', 'NO_OPEN_WORKFLOW', 'STARTED')),
  UNIQUE (kind, event_id)
);
CREATE INDEX signal_outbox_pending_idx ON signal_outbox (next_attempt_at, id) WHERE delivered_at IS NULL;

-- Wake the relay at once instead of at its next poll.
CREATE FUNCTION notify_signal_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('signal_outbox', NEW.account_id);
  RETURN NEW;
END;
$$;
CREATE TRIGGER signal_outbox_notify AFTER INSERT ON signal_outbox
  FOR EACH ROW EXECUTE FUNCTION notify_signal_outbox();

ALTER TABLE payments ADD COLUMN reversal_reason text;

-- Down Migration

ALTER TABLE payments DROP COLUMN reversal_reason;
DROP TRIGGER signal_outbox_notify ON signal_outbox;
DROP FUNCTION notify_signal_outbox();
DROP TABLE signal_outbox;

-- Up Migration

-- The e-mail outbox (issue 6 §2): one row per contact attempt's e-mail, unique by the
-- attempt's idempotency key, so a retried activity or a replayed step never sends a
-- second message. With SMTP configured the row is delivered at once and `sent_at` set;
-- without, it waits here for a relay, like sms_outbox. The Message-ID is derived from the
-- key, so even a resend after a crash between SMTP and COMMIT carries the same Message-ID
-- and mail systems treat it as the same message.
CREATE TABLE email_outbox (
  id              bigserial PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  message_id      text NOT NULL UNIQUE,
  to_address      text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX email_outbox_unsent_idx ON email_outbox (id) WHERE sent_at IS NULL;

-- Down Migration

DROP TABLE email_outbox;

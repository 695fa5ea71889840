-- Up Migration

-- Opt-outs from the borrower (issue 15 §5): recorded with where they came from. A staff
-- member records one from a call or a letter (recorded_by: their token's subject); the SMS
-- provider forwards a reply "STOP" / "退订" (inbound_message_id: the provider's id).
-- NULL source: recorded before this migration (only tests did).
ALTER TABLE contact_opt_outs
  ADD COLUMN source             text CHECK (source IN ('STAFF', 'SMS_REPLY')),
  ADD COLUMN recorded_by        text,
  ADD COLUMN inbound_message_id text,
  ADD CONSTRAINT contact_opt_outs_source_named CHECK (
    source IS NULL
    OR (source = 'STAFF' AND recorded_by IS NOT NULL)
    OR (source = 'SMS_REPLY' AND inbound_message_id IS NOT NULL));

-- Every inbound SMS the provider forwards, once per provider message id (a retried webhook
-- changes nothing). The sender is kept as a digest (contact_recipient_key), never the
-- number, and the text only as what it meant.
CREATE TABLE inbound_sms_replies (
  provider_message_id text PRIMARY KEY,
  sender_key          text NOT NULL,
  intent              text NOT NULL CHECK (intent IN ('OPT_OUT', 'OTHER')),
  borrowers_matched   integer NOT NULL,
  received_at         timestamptz NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE inbound_sms_replies;
ALTER TABLE contact_opt_outs
  DROP CONSTRAINT contact_opt_outs_source_named,
  DROP COLUMN inbound_message_id,
  DROP COLUMN recorded_by,
  DROP COLUMN source;

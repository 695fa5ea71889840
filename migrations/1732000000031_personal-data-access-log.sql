-- Every view or export of personal data (issue 15 §2, SPEC §5): who (the token's subject
-- and roles), what kinds of data, which accounts, through which route, decode or command,
-- and when. Append-only: a trigger refuses every UPDATE, DELETE and TRUNCATE, so a row
-- once written stays as written. Holds ids and kinds only, never the data itself.
CREATE TABLE personal_data_access_log (
  id           bigserial PRIMARY KEY,
  viewed_at    timestamptz NOT NULL DEFAULT now(),
  subject      text NOT NULL,
  roles        text[] NOT NULL,
  data_kinds   text[] NOT NULL CHECK (data_kinds <@ ARRAY['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER', 'INCOME', 'VISIT_REPORT_TEXT', 'ANY_IN_PAYLOAD']::text[]),
  account_ids  text[] NOT NULL,
  via          text NOT NULL CHECK (via IN ('API', 'CODEC', 'CLI', 'EXPORT')),
  purpose      text NOT NULL
);
CREATE INDEX personal_data_access_log_accounts_idx ON personal_data_access_log USING gin (account_ids);
CREATE INDEX personal_data_access_log_viewed_at_idx ON personal_data_access_log (viewed_at);

-- The same refusal as the audit record's (migration 000: '<table> is append-only').
CREATE TRIGGER personal_data_access_log_append_only BEFORE UPDATE OR DELETE ON personal_data_access_log
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER personal_data_access_log_no_truncate BEFORE TRUNCATE ON personal_data_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

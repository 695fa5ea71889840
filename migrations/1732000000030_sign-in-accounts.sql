-- The local OpenID provider's directory (issue 15 §1): collections staff sign in with their
-- staff id and the role on file; the people who are not collections staff (legal,
-- compliance, operators holding several roles) are listed here. Kept apart from `staff`
-- because staff rows are work assignment (call tasks, visit bookings), these are not.
-- A bank's own provider replaces both for sign-in (OIDC_ISSUER).
CREATE TABLE sign_in_accounts (
  subject       text PRIMARY KEY CHECK (subject ~ '^[A-Za-z0-9._-]{1,64}$'),
  display_name  text NOT NULL,
  roles         text[] NOT NULL CHECK (
                  cardinality(roles) > 0
                  AND roles <@ ARRAY['AGENT', 'FIELD_COLLECTOR', 'SECURITY', 'SUPERVISOR', 'LEGAL', 'COMPLIANCE']::text[]),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

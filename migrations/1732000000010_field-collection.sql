-- Up Migration

-- Field collection (SPEC §2 steps 5-6, §3; issue 7): family contacts and the consents
-- that allow them, appointments, the staff calendar that never double-books, and the
-- visit report. Personal data (names, numbers, addresses, what the borrower said) sits
-- in tables of its own, apart from the facts the workflow and the reports use.

-- btree_gist: the calendar's exclusion constraint compares a staff id (=) and a time
-- range (&&) in one GiST index.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A family member the borrower named as a contact (SPEC §3), normally on the contact form
-- at loan signing. The source says where the contact came from; only lawful, recorded
-- sources are used. Verified: the number was confirmed (by SMS or call) to reach the person
-- named; an unverified contact is never used.
CREATE TABLE family_contacts (
  id                   bigserial PRIMARY KEY,
  borrower_id          text NOT NULL REFERENCES borrowers (id) ON DELETE CASCADE,
  relation             text NOT NULL CHECK (relation IN ('SPOUSE', 'PARENT', 'CHILD', 'SIBLING', 'OTHER_RELATIVE')),
  source               text NOT NULL CHECK (source IN ('LOAN_APPLICATION', 'BORROWER_UPDATE', 'OTHER_LAWFUL')),
  source_note          text,
  verified_at          timestamptz,
  verification_method  text CHECK (verification_method IN ('SMS', 'CALL')),
  verified_by          text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((verified_at IS NULL) = (verification_method IS NULL)),
  CHECK (source <> 'OTHER_LAWFUL' OR source_note IS NOT NULL)
);
CREATE INDEX family_contacts_borrower_idx ON family_contacts (borrower_id);

-- The family member's name and number: personal data, apart.
CREATE TABLE family_contact_personal_data (
  family_contact_id  bigint PRIMARY KEY REFERENCES family_contacts (id) ON DELETE CASCADE,
  full_name          text NOT NULL,
  phone              text NOT NULL
);

-- The borrower's explicit consent (SPEC §3): written or e-signed, with its stated purpose.
-- FAMILY_CONTACT covers one family contact (family_contact_id) or, when NULL, every one
-- the borrower named. A withdrawn consent is kept (the record of what a contact relied on)
-- with the moment it was withdrawn.
CREATE TABLE contact_consents (
  id                 bigserial PRIMARY KEY,
  borrower_id        text NOT NULL REFERENCES borrowers (id) ON DELETE CASCADE,
  scope              text NOT NULL CHECK (scope IN ('FAMILY_CONTACT')),
  family_contact_id  bigint REFERENCES family_contacts (id),
  form               text NOT NULL CHECK (form IN ('WRITTEN', 'E_SIGNATURE')),
  purpose            text NOT NULL CHECK (length(purpose) > 0),
  document_ref       text,
  given_at           timestamptz NOT NULL,
  withdrawn_at       timestamptz,
  CHECK (withdrawn_at IS NULL OR withdrawn_at >= given_at)
);
CREATE INDEX contact_consents_borrower_idx ON contact_consents (borrower_id, scope);

-- A contact made to a family member records the family contact and the consent it relied
-- on (SPEC §3); a contact to the borrower has neither.
ALTER TABLE contact_attempts
  ADD COLUMN family_contact_id  bigint REFERENCES family_contacts (id),
  ADD COLUMN consent_id         bigint REFERENCES contact_consents (id),
  ADD CONSTRAINT contact_attempts_family_consent CHECK ((family_contact_id IS NULL) = (consent_id IS NULL));

-- Collectors' working hours, in their own zone: visits are proposed inside them.
ALTER TABLE staff
  ADD COLUMN time_zone    text NOT NULL DEFAULT 'Asia/Shanghai',
  ADD COLUMN work_from    time NOT NULL DEFAULT '09:00',
  ADD COLUMN work_until   time NOT NULL DEFAULT '20:00',
  ADD CONSTRAINT staff_work_hours CHECK (work_until > work_from);

-- An appointment for a visit (SPEC §2 steps 5-6). PROPOSED: slots offered, waiting for the
-- borrower's confirmation until confirm_by. CONFIRMED: a slot chosen, the collector (and
-- the security colleague for a high-risk account) booked. UNANNOUNCED visits (no
-- confirmation came, or the treatment goes straight to a visit) are booked CONFIRMED
-- without one. Then VISITED (a report came), NO_SHOW, REPORT_OVERDUE (no report by
-- report_due_by), EXPIRED (never confirmed) or CANCELLED (cured, on hold, ceased).
-- One row per attempt of one run chain (idempotency key): a reschedule is a new row.
CREATE TABLE appointments (
  id                  bigserial PRIMARY KEY,
  idempotency_key     text NOT NULL UNIQUE,
  account_id          text NOT NULL REFERENCES accounts (id),
  borrower_id         text NOT NULL REFERENCES borrowers (id),
  workflow_id         text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('ARRANGED', 'UNANNOUNCED')),
  -- 1 for the first visit of the chain, +1 per reschedule
  visit_number        smallint NOT NULL DEFAULT 1 CHECK (visit_number >= 1),
  rescheduled_from    bigint REFERENCES appointments (id),
  status              text NOT NULL CHECK (status IN ('PROPOSED', 'CONFIRMED', 'VISITED', 'NO_SHOW', 'REPORT_OVERDUE', 'EXPIRED', 'CANCELLED')),
  requires_security   boolean NOT NULL,
  -- [{slotId, startsAt, endsAt}]: what the borrower was offered
  proposed_slots      jsonb NOT NULL DEFAULT '[]',
  proposed_at         timestamptz,
  confirm_by          timestamptz,
  -- how the borrower was reached about it (channel, or FAMILY for a call-back request)
  reached_via         text CHECK (reached_via IN ('CALL', 'SMS', 'EMAIL', 'FAMILY')),
  starts_at           timestamptz,
  ends_at             timestamptz,
  collector_id        text REFERENCES staff (id),
  security_id         text REFERENCES staff (id),
  address_kind        text CHECK (address_kind IN ('HOME', 'WORKPLACE')),
  -- 'BORROWER' or the staff id of the agent who confirmed on the borrower's behalf
  confirmed_by        text,
  confirmed_at        timestamptz,
  report_due_by       timestamptz,
  closed_at           timestamptz,
  close_note          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- booked: a slot, a collector and, where required, a security colleague
  CHECK (status IN ('PROPOSED', 'EXPIRED', 'CANCELLED') OR (starts_at IS NOT NULL AND ends_at > starts_at AND collector_id IS NOT NULL AND (security_id IS NOT NULL OR NOT requires_security))),
  -- an arranged visit happens only once the borrower (or an agent for them) confirmed it
  CHECK (kind = 'UNANNOUNCED' OR status IN ('PROPOSED', 'EXPIRED', 'CANCELLED') OR confirmed_at IS NOT NULL),
  CHECK ((closed_at IS NULL) = (status IN ('PROPOSED', 'CONFIRMED')))
);
CREATE INDEX appointments_account_idx ON appointments (account_id, created_at);
CREATE INDEX appointments_collector_day_idx ON appointments (collector_id, starts_at);
CREATE INDEX appointments_security_day_idx ON appointments (security_id, starts_at);

-- The address to visit, collected with the confirmation (or the one on file for an
-- unannounced visit): personal data, apart.
CREATE TABLE appointment_addresses (
  appointment_id  bigint PRIMARY KEY REFERENCES appointments (id) ON DELETE CASCADE,
  address         text NOT NULL,
  collected_at    timestamptz NOT NULL
);

-- The staff calendar. A collector or security colleague is never in two places at once:
-- the database refuses an overlapping booking, whatever the code does (SPEC §2 step 5).
CREATE TABLE staff_bookings (
  id              bigserial PRIMARY KEY,
  staff_id        text NOT NULL REFERENCES staff (id),
  appointment_id  bigint NOT NULL REFERENCES appointments (id),
  role_on_visit   text NOT NULL CHECK (role_on_visit IN ('COLLECTOR', 'SECURITY')),
  during          tstzrange NOT NULL CHECK (NOT isempty(during)),
  status          text NOT NULL DEFAULT 'BOOKED' CHECK (status IN ('BOOKED', 'RELEASED')),
  booked_at       timestamptz NOT NULL DEFAULT now(),
  released_at     timestamptz,
  CHECK ((status = 'RELEASED') = (released_at IS NOT NULL)),
  CONSTRAINT staff_bookings_no_double_booking EXCLUDE USING gist (staff_id WITH =, during WITH &&) WHERE (status = 'BOOKED')
);
CREATE UNIQUE INDEX staff_bookings_one_per_role_idx ON staff_bookings (appointment_id, role_on_visit) WHERE status = 'BOOKED';

-- The written visit report (SPEC §2 step 6): the facts the workflow and the reports use.
-- One per appointment; a repeated submission finds it.
CREATE TABLE visit_reports (
  id                   bigserial PRIMARY KEY,
  appointment_id       bigint NOT NULL UNIQUE REFERENCES appointments (id),
  account_id           text NOT NULL REFERENCES accounts (id),
  workflow_id          text NOT NULL,
  submitted_by         text NOT NULL REFERENCES staff (id),
  security_staff_id    text REFERENCES staff (id),
  visited_at           timestamptz NOT NULL,
  address_kind         text NOT NULL CHECK (address_kind IN ('HOME', 'WORKPLACE')),
  credentials_shown    boolean NOT NULL CHECK (credentials_shown),
  identity_checked     boolean NOT NULL,
  identity_method      text NOT NULL,
  -- {loanContract: 'SEEN'|'NOT_SEEN'|'NOT_APPLICABLE', idCard: …}; the notes are personal data (below)
  documents            jsonb NOT NULL,
  -- what the borrower consented to have collected: {photos, documentCopies, incomeFigures, …}
  consent              jsonb NOT NULL,
  ability_to_pay       smallint NOT NULL CHECK (ability_to_pay BETWEEN 1 AND 5),
  willingness_to_pay   smallint NOT NULL CHECK (willingness_to_pay BETWEEN 1 AND 5),
  recommended_action   text NOT NULL CHECK (recommended_action IN ('PLAN', 'SETTLEMENT', 'LEGAL', 'WRITE_OFF', 'NONE')),
  submitted_at         timestamptz NOT NULL
);
CREATE INDEX visit_reports_account_idx ON visit_reports (account_id, submitted_at);

-- What the borrower told the collector, and the collector's own words: personal data, apart.
CREATE TABLE visit_report_personal_data (
  visit_report_id      bigint PRIMARY KEY REFERENCES visit_reports (id) ON DELETE CASCADE,
  occupation           text NOT NULL,
  household_members    jsonb NOT NULL,
  monthly_income       bigint NOT NULL CHECK (monthly_income >= 0),
  monthly_outgoings    bigint NOT NULL CHECK (monthly_outgoings >= 0),
  reason_for_lateness  text NOT NULL,
  -- the borrower's own account of it, and how the identity check went (may name an ID number)
  reason_detail        text,
  identity_note        text,
  document_notes       jsonb NOT NULL DEFAULT '{}',
  assessment_note      text,
  recommendation_note  text
);

-- Down Migration

DROP TABLE visit_report_personal_data;
DROP TABLE visit_reports;
DROP TABLE staff_bookings;
DROP TABLE appointment_addresses;
DROP TABLE appointments;
ALTER TABLE staff DROP CONSTRAINT staff_work_hours, DROP COLUMN work_until, DROP COLUMN work_from, DROP COLUMN time_zone;
ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_family_consent, DROP COLUMN consent_id, DROP COLUMN family_contact_id;
DROP TABLE contact_consents;
DROP TABLE family_contact_personal_data;
DROP TABLE family_contacts;

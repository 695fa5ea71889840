/**
 * A small collection history for the effectiveness tests, written straight into the
 * records the workflows and the screening keep: four accounts, three month-end
 * screenings, five entries into collection, payments, promises, calls, messages, blocked
 * contacts, an appointment and a visit. Every figure the tests expect is worked out by
 * hand from it (see report.test.ts).
 */
import type { Queryable } from '../db/pool';
import type { CollectionCosts } from './costs';

/** The prices the hand-computed costs use (the config file's may change). */
export const FIXTURE_COSTS: CollectionCosts = {
  version: 'test-1',
  currency: 'CNY',
  perUnit: { SMS: 5, EMAIL: 1, CALL_MINUTE: 80, VISIT: 12000, LEGAL_STEP: 150000 },
  minutesPerCall: { CONNECTED: 4, UNANSWERED: 0.5 },
};

export async function writeEffectivenessFixture(db: Queryable): Promise<void> {
  await db.query(`
    INSERT INTO borrowers (id) VALUES ('B1');
    INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on) VALUES
      ('A1', 'B1', 'LOAN', 'CNY', 10000, '2025-01-01'), ('A2', 'B1', 'LOAN', 'CNY', 10000, '2025-01-01'),
      ('A3', 'B1', 'LOAN', 'CNY', 10000, '2025-01-01'), ('A4', 'B1', 'LOAN', 'CNY', 10000, '2025-01-01');
    INSERT INTO staff (id, display_name, role) VALUES ('agent-1', 'Agent One', 'AGENT'), ('col-1', 'Collector One', 'COLLECTOR');

    -- R0 is not its month's last run: the snapshots skip it
    INSERT INTO screening_runs (id, idempotency_key, as_of, config_version, finished_at, counts_by_bucket) VALUES
      (1, 'r0', '2026-01-15', 't', now(), '{"CURRENT": 12}'),
      (2, 'r1', '2026-01-31', 't', now(), '{"CURRENT": 10}'),
      (3, 'r2', '2026-02-28', 't', now(), '{"CURRENT": 9}'),
      (4, 'r3', '2026-03-15', 't', now(), '{"CURRENT": 12}');
    INSERT INTO collection_list (screening_run_id, rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority) VALUES
      (1, 1, 'A1', 900, 900, 0, 0, 40, '31-60', 'LOW', 1),
      (2, 1, 'A1', 1000, 1000, 0, 0, 5, '1-30', 'LOW', 1), (2, 2, 'A2', 2000, 2000, 0, 0, 20, '1-30', 'LOW', 1),
      (2, 3, 'A3', 3000, 3000, 0, 0, 35, '31-60', 'LOW', 1),
      (3, 1, 'A2', 2300, 2300, 0, 0, 48, '31-60', 'LOW', 1), (3, 2, 'A3', 3000, 3000, 0, 0, 63, '61-90', 'LOW', 1),
      (3, 3, 'A4', 4000, 4000, 0, 0, 3, '1-30', 'LOW', 1),
      (4, 1, 'A1', 1500, 1500, 0, 0, 10, '1-30', 'LOW', 1);

    -- entries: A1 twice (cured in 10 days, then again), A2 never cured, A3 cured in 48 days, A4 in 2
    INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at) VALUES
      ('s1', 'A1', 'arrears-A1', 'r1', NULL, 'SCREENED', 't', '2026-01-31T02:00Z'),
      ('s2', 'A2', 'arrears-A2', 'r2', NULL, 'SCREENED', 't', '2026-01-31T03:00Z'),
      ('s3', 'A3', 'arrears-A3', 'r3', NULL, 'SCREENED', 't', '2026-01-31T04:00Z'),
      ('s4', 'A4', 'arrears-A4', 'r4', NULL, 'SCREENED', 't', '2026-02-28T05:00Z'),
      ('c1', 'A1', 'arrears-A1', 'r1', 'REMINDING', 'CURED', 't', '2026-02-10T06:00Z'),
      ('c3', 'A3', 'arrears-A3', 'r3', 'VISIT', 'CURED', 't', '2026-03-20T06:00Z'),
      ('c4', 'A4', 'arrears-A4', 'r4', 'REMINDING', 'CURED', 't', '2026-03-02T06:00Z'),
      ('s5', 'A1', 'arrears-A1', 'r5', NULL, 'SCREENED', 't', '2026-03-15T02:00Z');
    INSERT INTO audit_events (idempotency_key, account_id, workflow_id, kind, detail, occurred_at) VALUES
      ('t1', 'A1', 'arrears-A1', 'TREATMENT_CHOSEN', '{"treatmentId": "gentle"}', '2026-01-31T02:00:01Z'),
      ('t2', 'A2', 'arrears-A2', 'TREATMENT_CHOSEN', '{"treatmentId": "gentle"}', '2026-01-31T03:00:01Z'),
      ('t3', 'A3', 'arrears-A3', 'TREATMENT_CHOSEN', '{"treatmentId": "fast", "experiment": "trial:champion"}', '2026-01-31T04:00:01Z'),
      ('t4', 'A4', 'arrears-A4', 'TREATMENT_CHOSEN', '{"treatmentId": "fast", "experiment": "trial:challenger"}', '2026-02-28T05:00:01Z'),
      ('t5', 'A1', 'arrears-A1', 'TREATMENT_CHOSEN', '{"treatmentId": "gentle"}', '2026-03-15T02:00:01Z');

    -- P8 comes before any entry and P5 was reversed: neither is recovered
    INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, reversed_at) VALUES
      ('P1', 'A1', 600, 'CNY', '2026-02-05', 'CARD', 'API', NULL), ('P2', 'A1', 400, 'CNY', '2026-02-10', 'CARD', 'API', NULL),
      ('P3', 'A1', 500, 'CNY', '2026-03-20', 'CARD', 'API', NULL), ('P4', 'A2', 300, 'CNY', '2026-02-15', 'CARD', 'API', NULL),
      ('P5', 'A2', 999, 'CNY', '2026-02-16', 'CARD', 'API', now()), ('P6', 'A3', 3000, 'CNY', '2026-03-20', 'CARD', 'API', NULL),
      ('P7', 'A4', 4000, 'CNY', '2026-03-02', 'CARD', 'API', NULL), ('P8', 'A2', 100, 'CNY', '2026-01-10', 'CARD', 'API', NULL);

    INSERT INTO payment_promises (idempotency_key, account_id, workflow_id, amount, currency, promised_for, channel, recorded_at, check_at, status, settled_at) VALUES
      ('pr1', 'A2', 'arrears-A2', 300, 'CNY', '2026-02-15', 'CALL', '2026-02-02T00:00Z', '2026-02-16T00:00Z', 'KEPT', '2026-02-16T00:00Z'),
      ('pr2', 'A2', 'arrears-A2', 500, 'CNY', '2026-02-20', 'CALL', '2026-02-02T00:00Z', '2026-02-21T00:00Z', 'BROKEN', '2026-02-21T00:00Z'),
      ('pr3', 'A1', 'arrears-A1', 500, 'CNY', '2026-03-20', 'CALL', '2026-03-16T00:00Z', '2026-03-21T00:00Z', 'BROKEN', '2026-03-21T00:00Z'),
      ('pr4', 'A3', 'arrears-A3', 500, 'CNY', '2026-02-12', 'CALL', '2026-02-02T00:00Z', '2026-02-13T00:00Z', 'KEPT', '2026-02-13T00:00Z'),
      ('pr5', 'A3', 'arrears-A3', 500, 'CNY', '2026-02-25', 'CALL', '2026-02-02T00:00Z', '2026-02-26T00:00Z', 'PENDING', NULL);

    INSERT INTO contact_attempts (id, idempotency_key, account_id, borrower_id, workflow_id, channel, template_id, template_version, rendered_text, status, provider, attempted_at, call_outcome) VALUES
      (1, 'k1', 'A2', 'B1', 'arrears-A2', 'CALL', 'call', 1, '-', 'SENT', 'agent', '2026-02-02T02:00Z', 'CONNECTED'),
      (2, 'k2', 'A2', 'B1', 'arrears-A2', 'CALL', 'call', 1, '-', 'SENT', 'agent', '2026-02-03T02:00Z', 'CONNECTED'),
      (3, 'k3', 'A2', 'B1', 'arrears-A2', 'CALL', 'call', 1, '-', 'SENT', 'agent', '2026-02-04T02:00Z', 'UNANSWERED'),
      (4, 'k4', 'A3', 'B1', 'arrears-A3', 'CALL', 'call', 1, '-', 'SENT', 'agent', '2026-02-02T02:00Z', 'CONNECTED'),
      (5, 'k5', 'A1', 'B1', 'arrears-A1', 'SMS', 'sms', 1, '-', 'SENT', 'outbox', '2026-02-01T02:00Z', NULL),
      (6, 'k6', 'A1', 'B1', 'arrears-A1', 'SMS', 'sms', 1, '-', 'SENT', 'outbox', '2026-02-04T02:00Z', NULL),
      (7, 'k7', 'A3', 'B1', 'arrears-A3', 'EMAIL', 'mail', 1, '-', 'SENT', 'smtp', '2026-02-05T02:00Z', NULL),
      (8, 'k8', 'A4', 'B1', 'arrears-A4', 'SMS', 'sms', 1, '-', 'FAILED', 'none', '2026-03-01T02:00Z', NULL);
    INSERT INTO agent_tasks (id, idempotency_key, kind, account_id, borrower_id, workflow_id, contact_attempt_id, template_id, template_version, script, status, opened_at, due_by, closed_at) VALUES
      (1, 'at1', 'CALL', 'A2', 'B1', 'arrears-A2', 1, 'call', 1, '-', 'DONE', '2026-02-02T01:00Z', '2026-02-02T09:00Z', '2026-02-02T02:10Z'),
      (2, 'at2', 'CALL', 'A2', 'B1', 'arrears-A2', 2, 'call', 1, '-', 'DONE', '2026-02-03T01:00Z', '2026-02-03T09:00Z', '2026-02-03T02:10Z'),
      (4, 'at4', 'CALL', 'A3', 'B1', 'arrears-A3', 4, 'call', 1, '-', 'EXPIRED', '2026-02-02T01:00Z', '2026-02-02T09:00Z', '2026-02-02T09:00Z');
    INSERT INTO call_outcomes (agent_task_id, account_id, workflow_id, agent_id, right_party_reached, recorded_at) VALUES
      (1, 'A2', 'arrears-A2', 'agent-1', true, '2026-02-02T02:10Z'),
      (2, 'A2', 'arrears-A2', 'agent-1', false, '2026-02-03T02:10Z');
    INSERT INTO contact_blocks (borrower_id, account_id, channel, rule, reason, policy_version, asked_at) VALUES
      ('B1', 'A2', 'SMS', 'CONTACT_HOURS', 'night', 'p1', '2026-02-06T16:00Z'),
      ('B1', 'A4', 'SMS', 'OPT_OUT', 'opted out', 'p1', '2026-03-01T03:00Z');

    INSERT INTO appointments (id, idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, proposed_at, confirm_by,
                              starts_at, ends_at, collector_id, confirmed_by, confirmed_at, closed_at) VALUES
      (1, 'ap1', 'A3', 'B1', 'arrears-A3', 'ARRANGED', 'VISITED', false, '2026-02-20T02:00Z', '2026-02-23T02:00Z',
       '2026-03-01T02:00Z', '2026-03-01T03:00Z', 'col-1', 'BORROWER', '2026-02-21T02:00Z', '2026-03-01T04:00Z'),
      (2, 'ap2', 'A2', 'B1', 'arrears-A2', 'ARRANGED', 'EXPIRED', false, '2026-02-22T02:00Z', '2026-02-25T02:00Z',
       NULL, NULL, NULL, NULL, NULL, '2026-02-25T02:00Z');
    INSERT INTO visit_reports (appointment_id, account_id, workflow_id, submitted_by, visited_at, address_kind, credentials_shown, identity_checked,
                               identity_method, documents, consent, ability_to_pay, willingness_to_pay, recommended_action, submitted_at) VALUES
      (1, 'A3', 'arrears-A3', 'col-1', '2026-03-01T02:30Z', 'HOME', true, true, 'ID_CARD', '{}', '{}', 3, 4, 'PLAN', '2026-03-01T05:00Z');
  `);
}

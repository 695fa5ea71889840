/**
 * The compliance audit of the contact log (issue 18 §3): SQL over every contact made
 * (`contact_attempts` with status SENT), counting the ones the contact policy should have
 * refused, by kind. It re-derives each rule from the records on its own, not by calling
 * decide.ts, so a policy bug shows up here instead of agreeing with itself:
 *
 * - OUTSIDE_HOURS: outside [CONTACT_HOURS_START, CONTACT_HOURS_END) on the borrower's clock;
 * - OVER_CAP: beyond a cap (per local day or per WINDOW_DAYS local days, per borrower across
 *   their accounts; unanswered calls per number), or a call within QUIET_DAYS_AFTER_CONVERSATION
 *   of a conversation — each contact past the cap counts once per cap it breaks;
 * - DURING_HOLD: while a hold on the account was in force;
 * - AFTER_OPT_OUT: on a channel the borrower had opted out of;
 * - AFTER_CEASE: after a cease-contact request for the account or the borrower;
 * - FAMILY_WITHOUT_CONSENT: to a family contact without a consent of the borrower's in
 *   force for it at that moment.
 *
 * The figures come from the resolved policy set (presets tightened by the bank's config), per
 * the borrower's jurisdiction.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import type { ContactPolicySet } from './policy';

export const AUDIT_KINDS = ['OUTSIDE_HOURS', 'OVER_CAP', 'DURING_HOLD', 'AFTER_OPT_OUT', 'AFTER_CEASE', 'FAMILY_WITHOUT_CONSENT'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface ContactAudit {
  contactsAudited: number;
  violations: Record<AuditKind, number>;
  /** OVER_CAP by the figure broken (e.g. SMS_PER_DAY) */
  overCapByRule: Record<string, number>;
}

/** The figures the SQL reads, one row per jurisdiction. */
function policyRows(policies: ContactPolicySet) {
  return Object.values(policies.policies).map((p) => ({
    jurisdiction: p.jurisdiction,
    hours_start: p.figures.CONTACT_HOURS_START ?? 0,
    hours_end: p.figures.CONTACT_HOURS_END ?? 24 * 60,
    window_days: Math.max(1, p.figures.WINDOW_DAYS ?? 1),
    quiet_days: p.figures.QUIET_DAYS_AFTER_CONVERSATION ?? 0,
    caps: {
      SMS_PER_DAY: p.figures.SMS_PER_DAY,
      SMS_PER_WINDOW: p.figures.SMS_PER_WINDOW,
      EMAILS_PER_DAY: p.figures.EMAILS_PER_DAY,
      EMAILS_PER_WINDOW: p.figures.EMAILS_PER_WINDOW,
      CALLS_PER_DAY: p.figures.CALLS_PER_DAY,
      CALLS_PER_WINDOW: p.figures.CALLS_PER_WINDOW,
      CONNECTED_CALLS_PER_DAY: p.figures.CONNECTED_CALLS_PER_DAY,
      CONNECTED_CALLS_PER_WINDOW: p.figures.CONNECTED_CALLS_PER_WINDOW,
      UNANSWERED_CALLS_PER_NUMBER_PER_DAY: p.figures.UNANSWERED_CALLS_PER_NUMBER_PER_DAY,
    },
  }));
}

const AUDIT_SQL = `
WITH policy AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS p (jurisdiction text, hours_start int, hours_end int, window_days int, quiet_days int, caps jsonb)
),
contact AS (
  SELECT c.id, c.account_id, c.borrower_id, c.channel, c.attempted_at, c.call_outcome, c.recipient_key,
         c.family_contact_id, c.consent_id, p.hours_start, p.hours_end, p.window_days, p.quiet_days, p.caps,
         (c.attempted_at AT TIME ZONE b.time_zone)::date AS local_day,
         extract(hour FROM c.attempted_at AT TIME ZONE b.time_zone) * 60
           + extract(minute FROM c.attempted_at AT TIME ZONE b.time_zone) AS local_minute,
         CASE WHEN c.channel = 'CALL' AND c.call_outcome = 'CONNECTED' THEN 'CONNECTED' END AS conversation
    FROM contact_attempts c
    JOIN borrowers b ON b.id = c.borrower_id
    JOIN policy p ON p.jurisdiction = b.jurisdiction
   WHERE c.status = 'SENT'
),
-- Each cap a contact falls under: what it counts (kind), over how many local days, its figure.
capped AS (
  SELECT c.*, r.rule, r.kind, r.days, (c.caps ->> r.rule)::int AS cap
    FROM contact c
    CROSS JOIN LATERAL (VALUES
      ('SMS_PER_DAY', 'SMS', 1), ('SMS_PER_WINDOW', 'SMS', c.window_days),
      ('EMAILS_PER_DAY', 'EMAIL', 1), ('EMAILS_PER_WINDOW', 'EMAIL', c.window_days),
      ('CALLS_PER_DAY', 'CALL', 1), ('CALLS_PER_WINDOW', 'CALL', c.window_days),
      ('CONNECTED_CALLS_PER_DAY', 'CONNECTED', 1), ('CONNECTED_CALLS_PER_WINDOW', 'CONNECTED', c.window_days),
      ('UNANSWERED_CALLS_PER_NUMBER_PER_DAY', 'UNANSWERED', 1)
    ) AS r (rule, kind, days)
   WHERE c.caps ->> r.rule IS NOT NULL
     AND CASE r.kind WHEN 'CONNECTED' THEN c.conversation IS NOT NULL
                     WHEN 'UNANSWERED' THEN c.channel = 'CALL' AND c.conversation IS NULL
                     ELSE c.channel = r.kind END
),
over_cap AS (
  SELECT k.rule FROM capped k
   WHERE (SELECT count(*) FROM contact o
           WHERE o.borrower_id = k.borrower_id
             AND o.local_day BETWEEN k.local_day - (k.days - 1) AND k.local_day
             AND (o.attempted_at, o.id) <= (k.attempted_at, k.id)
             AND CASE k.kind WHEN 'CONNECTED' THEN o.conversation IS NOT NULL
                             WHEN 'UNANSWERED' THEN o.channel = 'CALL' AND o.conversation IS NULL AND o.recipient_key IS NOT DISTINCT FROM k.recipient_key
                             ELSE o.channel = k.kind END) > k.cap
  UNION ALL
  SELECT 'QUIET_DAYS_AFTER_CONVERSATION' FROM contact c
   WHERE c.channel = 'CALL' AND c.quiet_days > 0
     AND EXISTS (SELECT 1 FROM contact o
                  WHERE o.borrower_id = c.borrower_id AND o.conversation IS NOT NULL AND o.attempted_at < c.attempted_at
                    AND c.local_day < o.local_day + c.quiet_days)
)
SELECT
  (SELECT count(*) FROM contact)::int AS contacts_audited,
  (SELECT count(*) FROM contact WHERE local_minute < hours_start OR local_minute >= hours_end)::int AS outside_hours,
  (SELECT coalesce(jsonb_object_agg(rule, n), '{}') FROM (SELECT rule, count(*)::int AS n FROM over_cap GROUP BY rule) r) AS over_cap_by_rule,
  (SELECT count(*) FROM contact c WHERE EXISTS (
     SELECT 1 FROM contact_holds h WHERE h.account_id = c.account_id AND h.placed_at <= c.attempted_at AND (h.released_at IS NULL OR c.attempted_at < h.released_at)))::int AS during_hold,
  (SELECT count(*) FROM contact c WHERE EXISTS (
     SELECT 1 FROM contact_opt_outs o WHERE o.borrower_id = c.borrower_id AND o.channel = c.channel
        AND o.opted_out_at <= c.attempted_at AND (o.withdrawn_at IS NULL OR c.attempted_at < o.withdrawn_at)))::int AS after_opt_out,
  (SELECT count(*) FROM contact c WHERE EXISTS (
     SELECT 1 FROM contact_cease_requests r WHERE r.borrower_id = c.borrower_id AND (r.account_id IS NULL OR r.account_id = c.account_id)
        AND r.requested_at <= c.attempted_at))::int AS after_cease,
  (SELECT count(*) FROM contact c WHERE c.family_contact_id IS NOT NULL AND NOT EXISTS (
     SELECT 1 FROM contact_consents k WHERE k.id = c.consent_id AND k.borrower_id = c.borrower_id AND k.scope = 'FAMILY_CONTACT'
        AND (k.family_contact_id IS NULL OR k.family_contact_id = c.family_contact_id)
        AND k.given_at <= c.attempted_at AND (k.withdrawn_at IS NULL OR c.attempted_at < k.withdrawn_at)))::int AS family_without_consent`;

const auditRow = z.object({
  contacts_audited: z.number(),
  outside_hours: z.number(),
  over_cap_by_rule: z.record(z.string(), z.number()),
  during_hold: z.number(),
  after_opt_out: z.number(),
  after_cease: z.number(),
  family_without_consent: z.number(),
});

export async function auditContacts(db: Queryable, policies: ContactPolicySet): Promise<ContactAudit> {
  const { rows } = await db.query(AUDIT_SQL, [JSON.stringify(policyRows(policies))]);
  const r = auditRow.parse(rows[0]);
  return {
    contactsAudited: r.contacts_audited,
    violations: {
      OUTSIDE_HOURS: r.outside_hours,
      OVER_CAP: Object.values(r.over_cap_by_rule).reduce((a, b) => a + b, 0),
      DURING_HOLD: r.during_hold,
      AFTER_OPT_OUT: r.after_opt_out,
      AFTER_CEASE: r.after_cease,
      FAMILY_WITHOUT_CONSENT: r.family_without_consent,
    },
    overCapByRule: r.over_cap_by_rule,
  };
}

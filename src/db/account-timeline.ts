/**
 * An account's timeline from the records in Postgres (issue 15 §3): stage moves, contacts
 * and the policy's refusals with their rule, promises and their verdicts, calls, appointments,
 * visit reports, holds, payments and reversals, opt-outs and cease-contact; newest first,
 * at most `limit`. Each event is told in the domain's words from ids, codes and amounts only:
 * no rendered message, note, address or report text (those stay in their tables).
 */
import { z } from 'zod';
import { formatMoney } from '../domain/money';
import { TIMELINE_KINDS, type TimelineEvent, type TimelineKind } from '../domain/timeline';
import type { Queryable } from './pool';

const TIMELINE_SQL = `
  WITH acct AS (SELECT id, borrower_id, currency FROM accounts WHERE id = $1)
  SELECT at, kind, detail FROM (
    SELECT occurred_at AS at, 'STAGE' AS kind, jsonb_build_object('from', from_stage, 'to', to_stage, 'reason', reason) AS detail
      FROM stage_transitions WHERE account_id = $1
    UNION ALL
    SELECT attempted_at, 'CONTACT', jsonb_build_object('channel', channel, 'status', status, 'template', template_id, 'version', template_version)
      FROM contact_attempts WHERE account_id = $1
    UNION ALL
    SELECT asked_at, 'BLOCK', jsonb_build_object('channel', channel, 'rule', rule, 'nextAllowedAt', next_allowed_at)
      FROM contact_blocks WHERE account_id = $1
    UNION ALL
    SELECT recorded_at, 'PROMISE', jsonb_build_object('event', 'MADE', 'amount', amount, 'currency', currency, 'promisedFor', promised_for, 'channel', channel, 'by', recorded_by)
      FROM payment_promises WHERE account_id = $1
    UNION ALL
    SELECT settled_at, 'PROMISE', jsonb_build_object('event', status, 'amount', amount, 'paid', amount_paid, 'currency', currency, 'promisedFor', promised_for)
      FROM payment_promises WHERE account_id = $1 AND settled_at IS NOT NULL
    UNION ALL
    SELECT recorded_at, 'CALL', jsonb_build_object('agent', agent_id, 'reached', right_party_reached, 'reason', reason, 'task', agent_task_id)
      FROM call_outcomes WHERE account_id = $1
    UNION ALL
    SELECT proposed_at, 'APPOINTMENT', jsonb_build_object('event', 'PROPOSED', 'id', id, 'slots', jsonb_array_length(proposed_slots), 'reachedVia', reached_via)
      FROM appointments WHERE account_id = $1 AND proposed_at IS NOT NULL
    UNION ALL
    SELECT confirmed_at, 'APPOINTMENT', jsonb_build_object('event', 'CONFIRMED', 'id', id, 'startsAt', starts_at, 'collector', collector_id, 'security', security_id, 'place', address_kind)
      FROM appointments WHERE account_id = $1 AND confirmed_at IS NOT NULL
    UNION ALL
    SELECT submitted_at, 'VISIT', jsonb_build_object('appointment', appointment_id, 'by', submitted_by, 'ability', ability_to_pay, 'willingness', willingness_to_pay, 'recommended', recommended_action)
      FROM visit_reports WHERE account_id = $1
    UNION ALL
    SELECT placed_at, 'HOLD', jsonb_build_object('event', 'PLACED', 'hold', hold_id, 'reason', reason) FROM contact_holds WHERE account_id = $1
    UNION ALL
    SELECT released_at, 'HOLD', jsonb_build_object('event', 'RELEASED', 'hold', hold_id, 'reason', reason) FROM contact_holds WHERE account_id = $1 AND released_at IS NOT NULL
    UNION ALL
    SELECT received_at, 'PAYMENT', jsonb_build_object('event', 'RECEIVED', 'amount', amount, 'currency', currency, 'valueDate', value_date, 'id', event_id) FROM payments WHERE account_id = $1
    UNION ALL
    SELECT reversed_at, 'PAYMENT', jsonb_build_object('event', 'REVERSED', 'amount', amount, 'currency', currency, 'id', event_id) FROM payments WHERE account_id = $1 AND reversed_at IS NOT NULL
    UNION ALL
    SELECT o.opted_out_at, 'OPT_OUT', jsonb_build_object('channel', o.channel, 'source', o.source, 'by', o.recorded_by, 'withdrawnAt', o.withdrawn_at)
      FROM contact_opt_outs o JOIN acct ON acct.borrower_id = o.borrower_id
    UNION ALL
    SELECT c.requested_at, 'CEASE_CONTACT', jsonb_build_object('request', c.request_id, 'scope', CASE WHEN c.account_id IS NULL THEN 'BORROWER' ELSE 'ACCOUNT' END)
      FROM contact_cease_requests c JOIN acct ON acct.borrower_id = c.borrower_id WHERE c.account_id IS NULL OR c.account_id = $1
  ) events
  ORDER BY at DESC, kind LIMIT $2`;

const eventRow = z.object({ at: z.date(), kind: z.enum(TIMELINE_KINDS), detail: z.record(z.string(), z.unknown()) });

type Detail = Record<string, unknown>;
const money = (d: Detail, field = 'amount') => formatMoney(Number(d[field]), String(d.currency));
const day = (v: unknown) => String(v).slice(0, 10);
const minute = (v: unknown) => `${String(v).slice(0, 16).replace('T', ' ')}Z`;

/** Each kind told in the domain's words. */
const TELL: Record<TimelineKind, (d: Detail) => string> = {
  STAGE: (d) => `${d.from ?? 'start'} → ${d.to}: ${d.reason}`,
  CONTACT: (d) => `${d.channel} ${String(d.status).toLowerCase()} (${d.template} v${d.version})`,
  BLOCK: (d) => `${d.channel} refused by the contact policy: ${d.rule}${d.nextAllowedAt ? `, allowed again ${minute(d.nextAllowedAt)}` : ', until lifted'}`,
  PROMISE: (d) =>
    d.event === 'MADE'
      ? `promise to pay ${money(d)} by ${day(d.promisedFor)} (${d.channel}${d.by ? `, recorded by ${d.by}` : ''})`
      : `promise of ${money(d)} by ${day(d.promisedFor)} ${String(d.event).toLowerCase()}${d.paid === null ? '' : `: ${money(d, 'paid')} paid`}`,
  CALL: (d) => `call by ${d.agent} (task ${d.task}): ${d.reached ? `right party reached${d.reason ? `, reason ${d.reason}` : ''}` : 'right party not reached'}`,
  APPOINTMENT: (d) =>
    d.event === 'PROPOSED'
      ? `appointment ${d.id} proposed: ${d.slots} slot(s)${d.reachedVia ? `, reached via ${d.reachedVia}` : ''}`
      : `appointment ${d.id} confirmed for ${minute(d.startsAt)} at the ${String(d.place ?? 'agreed place').toLowerCase()}, collector ${d.collector}${d.security ? `, security ${d.security}` : ''}`,
  VISIT: (d) => `visit report for appointment ${d.appointment} by ${d.by}: ability ${d.ability}/5, willingness ${d.willingness}/5, recommends ${d.recommended}`,
  HOLD: (d) => `hold ${d.hold ?? ''} ${d.event === 'PLACED' ? 'placed' : 'released'} (${d.reason})`.replace('  ', ' '),
  PAYMENT: (d) => (d.event === 'RECEIVED' ? `payment ${d.id} of ${money(d)} received (value date ${day(d.valueDate)})` : `payment ${d.id} of ${money(d)} reversed`),
  OPT_OUT: (d) =>
    `opted out of ${d.channel}${d.source === 'SMS_REPLY' ? ' by SMS reply' : d.source === 'STAFF' ? `, recorded by ${d.by}` : ''}${d.withdrawnAt ? ` (withdrawn ${minute(d.withdrawnAt)})` : ''}`,
  CEASE_CONTACT: (d) => `cease-contact ${d.request ?? ''} (${d.scope === 'BORROWER' ? 'every account of the borrower' : 'this account'})`.replace('  ', ' '),
};

export async function loadAccountTimeline(db: Queryable, accountId: string, limit: number): Promise<TimelineEvent[]> {
  const { rows } = await db.query(TIMELINE_SQL, [accountId, limit]);
  return rows.map((row) => {
    const e = eventRow.parse(row);
    return { at: e.at.toISOString(), kind: e.kind, text: TELL[e.kind](e.detail) };
  });
}

/**
 * What must hold after the kills (issue 19 §1), each checked against Postgres and Temporal
 * and printed with its counts. A failed invariant names a few of its offenders.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadContactPolicyConfig } from '../../src/contact-policy/config';
import { policyFor } from '../../src/contact-policy/policy';
import type { Pool } from '../../src/db/pool';
import { accountWorkflowId } from '../../src/domain/ids';
import { createLogger } from '../../src/logger';
import { summaryQuery, type AccountSummary } from '../../workflows/account/contract';
import type { DrivenAccount, Ledger } from './load';

const { EventType } = temporal.api.enums.v1;

export interface Invariant {
  name: string;
  held: boolean;
  counts: string;
  offenders?: string[];
}

const few = (items: string[]) => (items.length > 5 ? [...items.slice(0, 5), `… ${items.length - 5} more`] : items);

/** Each account's summary (undefined: the run cannot be asked) */
export async function summaries(client: Client, accounts: DrivenAccount[]): Promise<Map<string, AccountSummary | undefined>> {
  const out = new Map<string, AccountSummary | undefined>();
  for (let i = 0; i < accounts.length; i += 25) {
    await Promise.all(
      accounts.slice(i, i + 25).map(async (a) => {
        out.set(a.accountId, await client.workflow.getHandle(accountWorkflowId(a.accountId)).query(summaryQuery).catch(() => undefined));
      }),
    );
  }
  return out;
}

/** The state the account's acknowledged events imply, or null when they imply nothing checkable. */
export function impliedState(a: DrivenAccount, ledger: Ledger): 'CURED' | 'ON_HOLD' | 'COLLECTING' {
  const paid = [...ledger.payments.values()].filter((p) => p.accountId === a.accountId).reduce((s, p) => s + p.amount, 0);
  if (paid >= a.amountOverdue) return 'CURED';
  const held = [...ledger.holds.values()].some((h) => h.accountId === a.accountId && !h.released);
  return held ? 'ON_HOLD' : 'COLLECTING';
}

export function reachedImpliedState(a: DrivenAccount, ledger: Ledger, s: AccountSummary | undefined): boolean {
  if (!s) return false;
  switch (impliedState(a, ledger)) {
    case 'CURED':
      return s.stage === 'CURED';
    case 'ON_HOLD':
      return s.onHold && s.stage !== 'CURED';
    default:
      return s.stage !== 'CURED' && !s.onHold;
  }
}

export async function checkInvariants({
  pool,
  client,
  accounts,
  ledger,
  seenByDeadline,
}: {
  pool: Pool;
  client: Client;
  accounts: DrivenAccount[];
  ledger: Ledger;
  /** each run's summary as last seen within 60 s of the last recovery */
  seenByDeadline: Map<string, AccountSummary | undefined>;
}): Promise<Invariant[]> {
  const out: Invariant[] = [];
  const ids = accounts.map((a) => a.accountId);
  const byAccount = await summaries(client, accounts);

  // 1. every accepted payment in Postgres once, and counted once by its run
  const acked = [...ledger.payments.keys()];
  const { rows: stored } = await pool.query<{ event_id: string; n: number }>(`SELECT event_id, count(*)::int AS n FROM payments WHERE event_id = ANY($1) GROUP BY event_id`, [acked]);
  const storedOnce = new Set(stored.filter((r) => r.n === 1).map((r) => r.event_id));
  const missing = acked.filter((e) => !storedOnce.has(e));
  out.push({ name: 'every accepted payment is in Postgres once', held: missing.length === 0, counts: `${acked.length} accepted (of ${ledger.requests.sent} requests), ${storedOnce.size} stored once`, offenders: few(missing) });
  const miscounted: string[] = [];
  for (const a of accounts) {
    const sent = [...ledger.payments.values()].filter((p) => p.accountId === a.accountId).length;
    const s = byAccount.get(a.accountId);
    if (sent > 0 && s && s.paymentsCounted !== sent) miscounted.push(`${a.accountId}: sent ${sent}, counted ${s.paymentsCounted}`);
  }
  out.push({ name: 'every accepted payment counted once by its run (ledger = sent)', held: miscounted.length === 0, counts: `${accounts.filter((a) => [...ledger.payments.values()].some((p) => p.accountId === a.accountId)).length} runs paid, ${miscounted.length} miscounted`, offenders: few(miscounted) });

  // 2. stage transitions: a chain per run, no move twice, none missing
  const { rows: moves } = await pool.query<{ account_id: string; chain_id: string | null; seq: number | null; from_stage: string | null; to_stage: string }>(
    `SELECT account_id, chain_id, seq, from_stage, to_stage FROM stage_transitions WHERE account_id = ANY($1) ORDER BY account_id, chain_id, seq, id`,
    [ids],
  );
  const chainProblems: string[] = [];
  const chains = new Map<string, typeof moves>();
  for (const m of moves) {
    if (m.chain_id === null) chainProblems.push(`${m.account_id}: a move without its place in a chain (${m.from_stage}→${m.to_stage})`);
    else chains.set(m.chain_id, [...(chains.get(m.chain_id) ?? []), m]);
  }
  for (const [chain, list] of chains) {
    list.forEach((m, n) => {
      if (m.seq !== n) chainProblems.push(`${m.account_id} (${chain}): move ${n} has place ${m.seq} (a gap or a move twice)`);
      else if (n > 0 && m.from_stage !== list[n - 1]!.to_stage) chainProblems.push(`${m.account_id}: ${list[n - 1]!.from_stage}→${list[n - 1]!.to_stage} then ${m.from_stage}→${m.to_stage}`);
      if (n > 0 && m.from_stage === list[n - 1]!.from_stage && m.to_stage === list[n - 1]!.to_stage) chainProblems.push(`${m.account_id}: ${m.from_stage}→${m.to_stage} recorded twice`);
    });
  }
  out.push({ name: 'every run\'s stage transitions form a chain (none twice, none missing)', held: chainProblems.length === 0, counts: `${moves.length} moves in ${chains.size} chains`, offenders: few(chainProblems) });

  // 3. one row per idempotency key: contacts, bookings, placements, messages
  const { rows: keyed } = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'idempotency_key' ORDER BY table_name`);
  const keyCounts: string[] = [];
  const twice: string[] = [];
  for (const { table_name: t } of keyed) {
    const { rows } = await pool.query<{ n: number; keys: number }>(`SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM "${t}" WHERE idempotency_key IS NOT NULL`);
    keyCounts.push(`${t} ${rows[0]!.n}`);
    if (rows[0]!.n !== rows[0]!.keys) twice.push(`${t}: ${rows[0]!.n - rows[0]!.keys} rows share a key`);
  }
  out.push({ name: 'one row per idempotency key (contacts, bookings, placements, messages)', held: twice.length === 0, counts: keyCounts.filter((c) => !c.endsWith(' 0')).join(', '), offenders: twice });

  // 4. no contact broke the contact policy: not while held or after a cease, within the daily caps and hours
  const policies = loadContactPolicyConfig(undefined, createLogger('silent'));
  const { rows: sent } = await pool.query<{ account_id: string; borrower_id: string; channel: string; jurisdiction: string; day: string; minute: number; n: number; held: boolean; ceased: boolean }>(
    `SELECT c.account_id, c.borrower_id, c.channel, b.jurisdiction, (c.attempted_at AT TIME ZONE b.time_zone)::date::text AS day,
            min(extract(hour FROM c.attempted_at AT TIME ZONE b.time_zone) * 60 + extract(minute FROM c.attempted_at AT TIME ZONE b.time_zone))::int AS minute,
            count(*)::int AS n,
            bool_or(EXISTS (SELECT 1 FROM contact_holds h WHERE h.account_id = c.account_id AND h.placed_at < c.attempted_at AND (h.released_at IS NULL OR h.released_at > c.attempted_at))) AS held,
            bool_or(EXISTS (SELECT 1 FROM contact_cease_requests r WHERE r.borrower_id = c.borrower_id AND (r.account_id IS NULL OR r.account_id = c.account_id) AND r.requested_at < c.attempted_at)) AS ceased
       FROM contact_attempts c JOIN borrowers b ON b.id = c.borrower_id
      WHERE c.status = 'SENT' AND c.account_id = ANY($1)
      GROUP BY 1, 2, 3, 4, 5`,
    [ids],
  );
  const broke: string[] = [];
  const CAP = { SMS: 'SMS_PER_DAY', CALL: 'CALLS_PER_DAY', EMAIL: 'EMAILS_PER_DAY' } as const;
  for (const r of sent) {
    const figures = policyFor(policies, r.jurisdiction).figures;
    const cap = figures[CAP[r.channel as keyof typeof CAP]];
    if (cap !== null && r.n > cap) broke.push(`${r.borrower_id} ${r.channel} ${r.day}: ${r.n} > ${cap}`);
    if (r.held) broke.push(`${r.account_id} ${r.channel} ${r.day}: sent while on hold`);
    if (r.ceased) broke.push(`${r.account_id} ${r.channel} ${r.day}: sent after a cease-contact`);
    if (figures.CONTACT_HOURS_START !== null && r.minute < figures.CONTACT_HOURS_START) broke.push(`${r.account_id} ${r.channel} ${r.day}: before contact hours`);
  }
  out.push({ name: 'no contact broke the contact policy', held: broke.length === 0, counts: `${sent.reduce((s, r) => s + r.n, 0)} contacts sent on ${sent.length} borrower-channel-days`, offenders: few(broke) });

  // 5. no workflow task failed for good
  const failedForGood: string[] = [];
  let transient = 0;
  for (let i = 0; i < accounts.length; i += 25) {
    await Promise.all(
      accounts.slice(i, i + 25).map(async (a) => {
        const handle = client.workflow.getHandle(accountWorkflowId(a.accountId));
        const d = await handle.describe().catch(() => undefined);
        if (!d) return failedForGood.push(`${a.accountId}: no run`);
        if (d.status.name === 'FAILED' || d.status.name === 'TERMINATED' || d.status.name === 'TIMED_OUT') failedForGood.push(`${a.accountId}: ${d.status.name}`);
        const pendingTask = d.raw.pendingWorkflowTask;
        if (pendingTask && (pendingTask.attempt ?? 1) > 2) failedForGood.push(`${a.accountId}: its workflow task on attempt ${pendingTask.attempt}`);
        const events = (await handle.fetchHistory()).events ?? [];
        transient += events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).length;
      }),
    );
  }
  out.push({ name: 'no workflow task failed for good', held: failedForGood.length === 0, counts: `${accounts.length} runs, ${transient} workflow task failures retried and passed`, offenders: few(failedForGood) });

  // 6. every account in the state its events imply, as seen by the deadline (60 s after the last recovery)
  const wrong = accounts
    .filter((a) => !reachedImpliedState(a, ledger, seenByDeadline.get(a.accountId)))
    .map((a) => {
      const byThen = seenByDeadline.get(a.accountId);
      const later = byAccount.get(a.accountId);
      const reachedLater = reachedImpliedState(a, ledger, later) ? `; reached it later (${later?.stage})` : '';
      return `${a.accountId}: implied ${impliedState(a, ledger)}, was ${byThen?.stage ?? 'unknown (no answer)'}${byThen?.onHold ? ' (on hold)' : ''}${reachedLater}`;
    });
  const implied = accounts.map((a) => impliedState(a, ledger));
  out.push({
    name: 'every account reached the state its events imply (within 60 s of the last recovery and the last event)',
    held: wrong.length === 0,
    counts: `${implied.filter((s) => s === 'CURED').length} cured, ${implied.filter((s) => s === 'ON_HOLD').length} on hold, ${implied.filter((s) => s === 'COLLECTING').length} collecting`,
    offenders: few(wrong),
  });

  // 7. nothing acknowledged lost: holds, promises, call outcomes, confirmations
  const lost: string[] = [];
  for (const [holdId, h] of ledger.holds) {
    const s = byAccount.get(h.accountId);
    if (!h.released && s && s.stage !== 'CURED' && !s.holds.some((shown) => shown.includes(`(${holdId},`))) lost.push(`hold ${holdId} not in its run`);
  }
  const { rows: promised } = await pool.query<{ account_id: string }>(`SELECT DISTINCT account_id FROM payment_promises WHERE account_id = ANY($1)`, [ledger.promises.map((p) => p.accountId)]);
  const promisedIds = new Set(promised.map((r) => r.account_id));
  for (const p of ledger.promises) if (!promisedIds.has(p.accountId)) lost.push(`the promise of ${p.accountId}`);
  const { rows: outcomes } = await pool.query<{ task_id: number }>(`SELECT DISTINCT agent_task_id AS task_id FROM call_outcomes WHERE agent_task_id = ANY($1)`, [ledger.callOutcomes]);
  const outcomeIds = new Set(outcomes.map((r) => Number(r.task_id)));
  for (const t of ledger.callOutcomes) if (!outcomeIds.has(t)) lost.push(`the outcome of task ${t}`);
  const { rows: confirmed } = await pool.query<{ id: number }>(`SELECT id FROM appointments WHERE id = ANY($1) AND status <> 'PROPOSED'`, [ledger.confirmations]);
  for (const c of ledger.confirmations) if (!confirmed.some((r) => Number(r.id) === c)) lost.push(`the confirmation of appointment ${c}`);
  out.push({
    name: 'nothing a client was told succeeded was lost',
    held: lost.length === 0,
    counts: `${ledger.payments.size} payments, ${ledger.holds.size} holds (${[...ledger.holds.values()].filter((h) => h.released).length} released by signal), ${ledger.promises.length} promises, ${ledger.callOutcomes.length} call outcomes, ${ledger.confirmations.length} confirmations`,
    offenders: few(lost),
  });
  return out;
}

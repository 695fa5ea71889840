/** The outbox of signals for account workflows (see migrations/*_signal-outbox.sql). */
import { z } from 'zod';
import { paymentEventRow } from './payments';
import type { Queryable } from './pool';

export const SIGNAL_KINDS = ['PAYMENT_RECEIVED', 'PAYMENT_REVERSED'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];
export type DeliveryOutcome = 'SIGNALLED' | 'NO_OPEN_WORKFLOW' | 'STARTED';

const outboxRow = z.object({
  id: z.number().int(),
  kind: z.enum(SIGNAL_KINDS),
  event_id: z.string(),
  account_id: z.string(),
  attempts: z.number().int(),
  created_at: z.date(),
  /** The payment the row announces, read in the same statement as the claim (NULL only if it was never stored). */
  payment: paymentEventRow.nullable(),
});
export type OutboxRow = z.infer<typeof outboxRow>;

/** In the same transaction as the fact it announces; once per (kind, event). */
export async function enqueueSignal(db: Queryable, kind: SignalKind, eventId: string, accountId: string): Promise<void> {
  await db.query('INSERT INTO signal_outbox (kind, event_id, account_id) VALUES ($1, $2, $3) ON CONFLICT (kind, event_id) DO NOTHING', [kind, eventId, accountId]);
}

/**
 * enqueueSignal for a set of facts, in one statement. Rows are numbered in the order
 * given, which is the order an account's signals go out in. Returns the rows written.
 */
export async function enqueueSignals(db: Queryable, kind: SignalKind, facts: readonly { eventId: string; accountId: string }[]): Promise<number> {
  if (facts.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO signal_outbox (kind, event_id, account_id)
     SELECT $1, event_id, account_id FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS f(event_id, account_id, n) ORDER BY n
     ON CONFLICT (kind, event_id) DO NOTHING`,
    [kind, facts.map((f) => f.eventId), facts.map((f) => f.accountId)],
  );
  return rowCount ?? 0;
}

/**
 * Claims due rows (locked until the caller's transaction ends; other relays skip them).
 * Only the oldest pending row of each account is due, so an account's signals go out in order.
 */
export async function claimDueSignals(db: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query(
    `SELECT o.id, o.kind, o.event_id, o.account_id, o.attempts, o.created_at,
            (SELECT json_build_object('event_id', p.event_id, 'account_id', p.account_id, 'amount', p.amount, 'currency', p.currency,
                                      'value_date', p.value_date, 'method', p.method, 'reference', p.reference)
               FROM payments p WHERE p.event_id = o.event_id) AS payment
       FROM signal_outbox o
      WHERE o.delivered_at IS NULL AND o.next_attempt_at <= now()
        AND NOT EXISTS (SELECT 1 FROM signal_outbox e WHERE e.account_id = o.account_id AND e.delivered_at IS NULL AND e.id < o.id)
      ORDER BY o.id
      LIMIT $1
        FOR UPDATE OF o SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => outboxRow.parse(r));
}

/** Marks delivered rows, one statement for the lot. */
export async function markSignalsDelivered(db: Queryable, delivered: readonly { id: number; outcome: DeliveryOutcome }[]): Promise<void> {
  if (delivered.length === 0) return;
  await db.query(
    `UPDATE signal_outbox o SET delivered_at = now(), outcome = d.outcome, attempts = o.attempts + 1, last_error = NULL
       FROM unnest($1::bigint[], $2::text[]) AS d(id, outcome) WHERE o.id = d.id`,
    [delivered.map((d) => d.id), delivered.map((d) => d.outcome)],
  );
}

/** Backs off 1 s, 2 s, 4 s … up to a minute between attempts. */
export async function markSignalFailed(db: Queryable, id: number, error: string): Promise<void> {
  await db.query(
    `UPDATE signal_outbox SET attempts = attempts + 1, last_error = $2,
            next_attempt_at = now() + least(interval '60 seconds', interval '1 second' * power(2, attempts))
      WHERE id = $1`,
    [id, error.slice(0, 500)],
  );
}

export async function pendingSignalCount(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM signal_outbox WHERE delivered_at IS NULL');
  return z.number().parse(rows[0].n);
}

/**
 * Promises to pay (SPEC §2 step 4): stored once per idempotency key, judged once. The
 * judgment (KEPT or BROKEN, and what was paid) is stored for the reports and never redone.
 */
import { z } from 'zod';
import { PROMISE_CHANNELS } from '../domain/early-collection';
import type { Queryable } from './pool';

const promiseRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  promised_for: z.string(),
  channel: z.enum(PROMISE_CHANNELS),
  check_at: z.date(),
  status: z.enum(['PENDING', 'KEPT', 'BROKEN']),
  amount_paid: z.number().int().nullable(),
});
export type PromiseRow = z.infer<typeof promiseRow>;

const COLUMNS = 'id, account_id, amount, currency, promised_for, channel, check_at, status, amount_paid';

export interface NewPromise {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  /** minor units */
  amount: number;
  currency: string;
  promisedFor: string;
  channel: (typeof PROMISE_CHANNELS)[number];
  recordedBy: string | null;
  recordedAt: Date;
  checkAt: Date;
}

export async function findPromiseByKey(db: Queryable, idempotencyKey: string): Promise<PromiseRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM payment_promises WHERE idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? promiseRow.parse(rows[0]) : undefined;
}

/** Inserts once per key; returns the row that holds the key (the new one or the first). */
export async function insertPromise(db: Queryable, p: NewPromise): Promise<PromiseRow> {
  const { rows } = await db.query(
    `INSERT INTO payment_promises (idempotency_key, account_id, workflow_id, amount, currency, promised_for, channel, recorded_by, recorded_at, check_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [p.idempotencyKey, p.accountId, p.workflowId, p.amount, p.currency, p.promisedFor, p.channel, p.recordedBy, p.recordedAt, p.checkAt],
  );
  if (rows[0]) return promiseRow.parse(rows[0]);
  return (await findPromiseByKey(db, p.idempotencyKey)) as PromiseRow;
}

/** The promise, locked to the end of the caller's transaction, so it is judged once. */
export async function lockPromise(db: Queryable, promiseId: number): Promise<PromiseRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM payment_promises WHERE id = $1 FOR UPDATE`, [promiseId]);
  return rows[0] ? promiseRow.parse(rows[0]) : undefined;
}

/**
 * Minor units paid on the promise's account, and not reversed, since the promise was
 * stored: compared in SQL, on Postgres's own clock and at its precision.
 */
export async function paidSincePromise(db: Queryable, promiseId: number): Promise<number> {
  const { rows } = await db.query(
    `SELECT coalesce(sum(p.amount), 0)::bigint AS paid
       FROM payment_promises pp JOIN payments p ON p.account_id = pp.account_id
      WHERE pp.id = $1 AND p.reversed_at IS NULL AND p.received_at >= pp.payments_from`,
    [promiseId],
  );
  return z.number().int().parse(rows[0]?.paid);
}

export async function settlePromiseRow(db: Queryable, promiseId: number, status: 'KEPT' | 'BROKEN', amountPaid: number, settledAt: Date): Promise<void> {
  await db.query(`UPDATE payment_promises SET status = $2, amount_paid = $3, settled_at = $4 WHERE id = $1 AND status = 'PENDING'`, [promiseId, status, amountPaid, settledAt]);
}

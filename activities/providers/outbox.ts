/**
 * The outbox providers' one write: a message row inserted once per idempotency key; a
 * repeated send finds the first row's id. `table` is one of the outbox tables (a constant,
 * never input); `row` names its columns, the idempotency key first.
 */
import type { Queryable } from '../../src/db/pool';

export type OutboxTable = 'sms_outbox' | 'agency_outbox';

export async function insertOncePerKey(db: Queryable, table: OutboxTable, row: { idempotency_key: string } & Record<string, unknown>): Promise<number> {
  const columns = Object.keys(row);
  const { rows } = await db.query(
    `WITH inserted AS (
       INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id)
     SELECT id FROM inserted UNION ALL SELECT id FROM ${table} WHERE idempotency_key = $1`,
    Object.values(row),
  );
  return Number(rows[0].id);
}

/**
 * One set-based upsert for a whole batch: the rows travel as one array per column,
 * unnest() turns them back into rows, and INSERT … ON CONFLICT (natural key) DO UPDATE
 * changes a stored row only WHERE its values are DISTINCT FROM the new ones. So the same
 * rows again write nothing, and RETURNING tells inserted from updated (xmax = 0 on a
 * fresh row). Table and column names come from code, never from input.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';

export interface Column<R> {
  name: string;
  /** the Postgres type of the column's array element, for unnest() */
  type: string;
  value: (row: R) => unknown;
}

export interface TableSpec<R> {
  table: string;
  /** the natural key: the conflict target */
  key: string[];
  columns: Column<R>[];
  /** a timestamp column set to now() when a row changes */
  touch?: string;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const resultRow = z.object({ inserted: z.number().int(), updated: z.number().int(), inserted_keys: z.array(z.string()), updated_keys: z.array(z.string()) });

/** Upserts `rows`; with `keys`, also returns the keys inserted and updated (joined by a tab when composite). */
export async function upsertSet<R>(
  db: Queryable,
  spec: TableSpec<R>,
  rows: readonly R[],
  { keys = false } = {},
): Promise<WriteCounts & { insertedKeys: string[]; updatedKeys: string[] }> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, insertedKeys: [], updatedKeys: [] };
  const names = spec.columns.map((c) => c.name);
  const values = spec.columns.filter((c) => !spec.key.includes(c.name)).map((c) => c.name);
  const arrays = spec.columns.map((c, n) => `$${n + 1}::${c.type}[]`).join(', ');
  const set = [...values.map((v) => `${v} = EXCLUDED.${v}`), ...(spec.touch ? [`${spec.touch} = now()`] : [])].join(', ');
  const distinct = (stored: string, given: string) =>
    `(${values.map((v) => `${stored}.${v}`).join(', ')}) IS DISTINCT FROM (${values.map((v) => `${given}.${v}`).join(', ')})`;
  const keyText = `concat_ws(E'\\t', ${spec.key.map((k) => `t.${k}`).join(', ')})`;
  const keyLists = keys
    ? `coalesce(array_agg(key) FILTER (WHERE inserted), '{}') AS inserted_keys, coalesce(array_agg(key) FILTER (WHERE NOT inserted), '{}') AS updated_keys`
    : `'{}'::text[] AS inserted_keys, '{}'::text[] AS updated_keys`;
  // Rows already stored as they are are filtered out by a join first: ON CONFLICT … DO
  // UPDATE would lock (and so write) every conflicting row even when its WHERE says no.
  const sql = `
    WITH input AS (SELECT * FROM unnest(${arrays}) AS u(${names.join(', ')})),
    changed AS (
      SELECT input.* FROM input LEFT JOIN ${spec.table} AS t USING (${spec.key.join(', ')})
       WHERE t.${spec.key[0]} IS NULL OR ${distinct('t', 'input')}
    ),
    written AS (
      INSERT INTO ${spec.table} AS t (${names.join(', ')})
      SELECT * FROM changed
      ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${set}
      WHERE ${distinct('t', 'EXCLUDED')}
      RETURNING ${keyText} AS key, (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated, ${keyLists} FROM written`;
  const params = spec.columns.map((c) => rows.map((r) => c.value(r) ?? null));
  const { rows: result } = await db.query(sql, params);
  const r = resultRow.parse(result[0]);
  return { inserted: r.inserted, updated: r.updated, unchanged: rows.length - r.inserted - r.updated, insertedKeys: r.inserted_keys, updatedKeys: r.updated_keys };
}

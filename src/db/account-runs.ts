/** Which workflow run last recorded a stage for each account: the run a new one follows. */
import { z } from 'zod';
import type { Queryable } from './pool';

const lastRunRow = z.object({ account_id: z.string(), run_id: z.string() });

/** account id → run id of its latest recorded stage transition (accounts never in a workflow are absent). */
export async function lastRecordedRuns(db: Queryable, accountIds: string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const { rows } = await db.query(
    `SELECT DISTINCT ON (account_id) account_id, run_id
       FROM stage_transitions WHERE account_id = ANY($1::text[])
      ORDER BY account_id, occurred_at DESC, id DESC`,
    [accountIds],
  );
  return new Map(rows.map((row) => lastRunRow.parse(row)).map((r) => [r.account_id, r.run_id]));
}

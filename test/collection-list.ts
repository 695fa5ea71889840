/**
 * Collection lists written by hand, for tests of what consumes a list (the fan-out):
 * the scan that writes real ones has tests of its own. And which run, if any, the
 * server holds for an account.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Pool } from '../src/db/pool';
import { accountHandle } from '../src/temporal/account-workflow';
import { connectClient } from '../src/temporal/client';
import { newCodecKeys, testPool, testTemporalAddress, uniqueId } from './support';

/**
 * For a test file: the shared test database and a client of the dev server, opened
 * before its tests and closed after them. Read them inside tests.
 */
export function listTestContext(): { readonly pool: Pool; readonly client: Client } {
  const ctx = {} as { pool: Pool; client: Client };
  beforeAll(async () => {
    ctx.pool = testPool();
    ctx.client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: newCodecKeys() });
  });
  afterAll(async () => {
    await ctx.client?.connection.close();
    await ctx.pool?.end();
  });
  return ctx;
}

/** A screening run as of `asOf` whose list holds `accountIds` in that order (rank 1 first); returns its id. */
export async function handWrittenList(pool: Pool, accountIds: string[], asOf = '2026-11-23'): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(`INSERT INTO screening_runs (idempotency_key, as_of, config_version) VALUES ($1, $2, 'test') RETURNING id`, [uniqueId('list'), asOf]);
  const id = rows[0]!.id;
  await pool.query(
    `INSERT INTO collection_list (screening_run_id, rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority)
     SELECT $1, n, account_id, 1000, 800, 150, 50, 40, '31-60', 'MEDIUM', 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(account_id, n)`,
    [id, accountIds],
  );
  return id;
}

/** The account's current run id, or undefined when it never had a workflow. */
export async function currentRunOf(client: Client, accountId: string): Promise<string | undefined> {
  try {
    return (await accountHandle(client, accountId).describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

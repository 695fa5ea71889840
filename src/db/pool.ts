/**
 * The Postgres pool. bigint (int8) columns hold money in minor units and counts;
 * they come back as JS numbers, refused if beyond the safe-integer range.
 */
import pg from 'pg';
import { logger } from '../logger';

pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} is beyond the safe integer range`);
  return n;
});
// Dates stay ISO strings (YYYY-MM-DD): a calendar date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'>;

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'arrears' });
  // An idle connection dropped by a Postgres restart is not a reason to crash:
  // the pool opens a new one on next use, and activities retry meanwhile.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle Postgres connection lost'));
  // A checked-out connection has no pool listener: Postgres going away between two statements
  // of a transaction emitted an unhandled 'error' and crashed the API (seen by npm run chaos).
  // Its query in progress, if any, fails on its own; the event needs only to be heard.
  pool.on('connect', (client) => client.on('error', (err) => logger.warn({ err: err.message }, 'Postgres connection lost while in use')));
  return pool;
}

/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * A connection lost while checked out (a transaction's client between two statements, when
 * Postgres is SIGKILLed or restarts) must not crash the process: the chaos harness saw the
 * API exit on an unhandled 'error' event from such a client (issue 19 §1).
 */
import { testDatabaseUrl, testPool, eventually } from '../../test/support';
import { createPool } from './pool';

test('a checked-out connection whose server goes away: its error is handled, the pool serves the next query', async () => {
  const pool = createPool(testDatabaseUrl(), 2);
  const admin = testPool();
  try {
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // the pool's own listener is removed at checkout: without one of ours, the event below is an uncaught exception
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // the server's goodbye arrives as an 'error' event on the checked-out client, then its next query fails
    await eventually(
      () => client.query('SELECT 1').then(() => 'still connected', (err: Error) => err.message),
      (answer) => answer !== 'still connected',
      10_000,
    );
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  } finally {
    await pool.end();
    await admin.end();
  }
});

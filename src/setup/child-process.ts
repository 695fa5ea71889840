/**
 * A process we start and own (the Temporal dev server, the worker, the API): its
 * output appended to a log file, stopped with SIGTERM (SIGKILL after a grace period),
 * and waited on until ready unless it exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** How a process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const describeExit = ({ code, signal }: ProcessExit) => (signal ? `killed by ${signal}` : `exited with code ${code}`);

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Settles when the process has ended, for whatever reason. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/** Killed by a signal (Ctrl-C reaches the whole process group) leaves exitCode null: look at both. */
export const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** The exit of a process already running, seen even if it has ended by now. */
export function exitOf(child: ChildProcess): Promise<ProcessExit> {
  if (hasExited(child)) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export function startChildProcess(
  name: string,
  command: string,
  args: string[],
  { env = process.env, logFile, graceMs = 15_000 }: { env?: NodeJS.ProcessEnv; logFile: string; graceMs?: number },
): ManagedProcess {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = exitOf(child);
  return {
    name,
    child,
    logFile,
    exited,
    async stop() {
      if (hasExited(child)) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Resolves when `ready()` is true; rejects if the process exits first or time runs out. */
export async function waitFor(proc: ManagedProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(proc.child)) throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}); see ${proc.logFile}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms; see ${proc.logFile}`);
}

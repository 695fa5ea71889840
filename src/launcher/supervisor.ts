/**
 * The launcher's supervision: an ordered list of children (Postgres, Temporal, worker,
 * API, …), started in order, each watched. A child that dies is restarted after a
 * backoff that doubles while it keeps dying soon after starting; its death and its
 * restart are reported. After `giveUpAfter` fast failures in a row the supervisor stops
 * everything and says why. `stop()` stops the children in reverse order (the API and
 * worker before the servers they use).
 */
import { describeExit, type ProcessExit } from '../setup/child-process';

/** One running instance of a child. */
export interface RunningChild {
  pid?: number;
  /** Settles when the process ends; absent when its process cannot be watched. */
  exited?: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/** An entry of the launcher's list: how to start one child, resolving once it is ready. */
export interface SupervisedChild {
  name: string;
  /** Where its output goes, named when it fails. */
  logFile?: string;
  start(): Promise<RunningChild>;
}

export type SupervisionEvent =
  | { kind: 'started'; name: string; pid?: number; watched: boolean }
  | { kind: 'died'; name: string; exit: string; upMs: number; restartInMs: number; failuresInARow: number }
  | { kind: 'restart-failed'; name: string; reason: string; restartInMs: number; failuresInARow: number }
  | { kind: 'restarted'; name: string; pid?: number; restarts: number }
  | { kind: 'gave-up'; name: string; reason: string }
  | { kind: 'stopping'; reason: string }
  | { kind: 'stopped'; name: string };

export interface SupervisionPolicy {
  /** First restart delay; doubled for each fast failure in a row, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A death within this long of the (re)start counts as a fast failure. */
  fastFailureMs: number;
  /** This many fast failures in a row and the supervisor gives up. */
  giveUpAfter: number;
}

export const DEFAULT_POLICY: SupervisionPolicy = { backoffMs: 1_000, maxBackoffMs: 30_000, fastFailureMs: 30_000, giveUpAfter: 5 };

/** The console line for an event: deaths and restarts are what an operator must see. */
export function describeEvent(event: SupervisionEvent): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  switch (event.kind) {
    case 'started':
      return `${event.name} started${event.pid ? ` (pid ${event.pid})` : ''}${event.watched ? '' : '; its process cannot be watched, so it is not restarted'}`;
    case 'died':
      return `${event.name} ${event.exit} after ${seconds(event.upMs)}; restarting in ${seconds(event.restartInMs)}`;
    case 'restart-failed':
      return `${event.name} did not restart (${event.reason}); trying again in ${seconds(event.restartInMs)}`;
    case 'restarted':
      return `${event.name} restarted${event.pid ? ` (pid ${event.pid})` : ''}, restart ${event.restarts}`;
    case 'gave-up':
      return `giving up on ${event.name}: ${event.reason}`;
    case 'stopping':
      return `stopping everything: ${event.reason}`;
    case 'stopped':
      return `${event.name} stopped`;
  }
}

interface Slot {
  child: SupervisedChild;
  running?: RunningChild;
  startedAt: number;
  restarts: number;
  failuresInARow: number;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Supervisor {
  private readonly slots: Slot[];
  private stopping: Promise<void> | undefined;
  private readonly cancelWaits = new AbortController();
  private giveUp!: (reason: string) => void;
  /** Resolves with the reason when a child kept failing and everything was stopped. */
  readonly gaveUp: Promise<string>;

  constructor(
    children: SupervisedChild[],
    private readonly report: (event: SupervisionEvent) => void,
    private readonly policy: SupervisionPolicy = DEFAULT_POLICY,
  ) {
    this.slots = children.map((child) => ({ child, startedAt: 0, restarts: 0, failuresInARow: 0 }));
    this.gaveUp = new Promise((resolve) => (this.giveUp = resolve));
  }

  /** Starts every child in order, each ready before the next; a failure here is the caller's to report. */
  async start(): Promise<void> {
    for (const slot of this.slots) {
      if (this.stopping) return;
      const running = await slot.child.start();
      // everything was stopped while this child started (another gave up): it must not outlive the rest
      if (this.stopping) {
        await running.stop();
        return;
      }
      slot.running = running;
      slot.startedAt = Date.now();
      this.report({ kind: 'started', name: slot.child.name, pid: slot.running.pid, watched: Boolean(slot.running.exited) });
      this.watch(slot, slot.running);
    }
  }

  /** Stops the children in reverse order, once; later calls wait for the same stop. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.report({ kind: 'stopping', reason });
      this.cancelWaits.abort();
      for (const slot of [...this.slots].reverse()) {
        if (!slot.running) continue;
        await slot.running.stop().catch(() => undefined);
        this.report({ kind: 'stopped', name: slot.child.name });
      }
    })();
    return this.stopping;
  }

  private watch(slot: Slot, running: RunningChild): void {
    void running.exited?.then((exit) => {
      if (this.stopping || slot.running !== running) return;
      const upMs = Date.now() - slot.startedAt;
      slot.failuresInARow = upMs < this.policy.fastFailureMs ? slot.failuresInARow + 1 : 1;
      if (this.tooMany(slot, `it ${describeExit(exit)}`)) return;
      const restartInMs = this.backoff(slot);
      this.report({ kind: 'died', name: slot.child.name, exit: describeExit(exit), upMs, restartInMs, failuresInARow: slot.failuresInARow });
      void this.restart(slot, restartInMs);
    });
  }

  private async restart(slot: Slot, delayMs: number): Promise<void> {
    for (;;) {
      await this.pause(delayMs);
      if (this.stopping) return;
      try {
        const running = await slot.child.start();
        if (this.stopping) {
          await running.stop();
          return;
        }
        slot.running = running;
        slot.startedAt = Date.now();
        slot.restarts += 1;
        this.report({ kind: 'restarted', name: slot.child.name, pid: running.pid, restarts: slot.restarts });
        this.watch(slot, running);
        return;
      } catch (err) {
        slot.failuresInARow += 1;
        if (this.tooMany(slot, errorText(err))) return;
        delayMs = this.backoff(slot);
        this.report({ kind: 'restart-failed', name: slot.child.name, reason: errorText(err), restartInMs: delayMs, failuresInARow: slot.failuresInARow });
      }
    }
  }

  private tooMany(slot: Slot, last: string): boolean {
    if (slot.failuresInARow < this.policy.giveUpAfter) return false;
    const where = slot.child.logFile ? `; see ${slot.child.logFile}` : '';
    const reason = `it failed ${slot.failuresInARow} times in a row, each within ${this.policy.fastFailureMs / 1000} s of starting; last: ${last}${where}`;
    this.report({ kind: 'gave-up', name: slot.child.name, reason });
    void this.stop(`${slot.child.name} keeps failing`).then(() => this.giveUp(`${slot.child.name}: ${reason}`));
    return true;
  }

  private backoff(slot: Slot): number {
    return Math.min(this.policy.backoffMs * 2 ** Math.max(0, slot.failuresInARow - 1), this.policy.maxBackoffMs);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelWaits.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}

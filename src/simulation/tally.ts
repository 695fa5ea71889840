/**
 * What the simulated actors did, counted by kind and outcome, and where the wall time went,
 * by phase of the simulated day: the figures the summary prints.
 */
export class Tally {
  private readonly counts = new Map<string, number>();
  private readonly phaseMs = new Map<string, number>();

  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  /** Runs `work`, adding its wall time to `phase`. */
  async timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const began = performance.now();
    try {
      return await work();
    } finally {
      this.phaseMs.set(phase, (this.phaseMs.get(phase) ?? 0) + performance.now() - began);
    }
  }

  entries(): [string, number][] {
    return [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  phases(): [string, number][] {
    return [...this.phaseMs.entries()].sort(([, a], [, b]) => b - a);
  }
}

/**
 * What simulated borrowers mean to do later, at a simulated instant: pay what they promised,
 * release a dispute, ask to cease contact. Kept in memory: the simulation is one process, and
 * a re-run from the same seed plans the same things again.
 */
export interface Planned {
  at: number;
  /** what it is, for the tally (e.g. "kept promise") */
  kind: string;
  act: () => Promise<void>;
}

export class Agenda {
  private planned: Planned[] = [];

  plan(at: number, kind: string, act: () => Promise<void>): void {
    this.planned.push({ at, kind, act });
  }

  /** Everything due at `now`, earliest first, taken off the agenda. */
  takeDue(now: number): Planned[] {
    const due = this.planned.filter((p) => p.at <= now).sort((a, b) => a.at - b.at);
    if (due.length > 0) this.planned = this.planned.filter((p) => p.at > now);
    return due;
  }

  get size(): number {
    return this.planned.length;
  }
}

/**
 * The cadence's clock. A treatment's day offsets count the time an account spends being
 * reminded, not the time it is on hold or waiting for a promised date: "pending timers
 * stop counting and resume with the remaining time after release" (issue 6 §4). The
 * clock reads workflow time only, so it is deterministic and survives replay; its
 * reading is carried across continue-as-new.
 */
export class CadenceClock {
  private runningSince: number | null = null;
  private started = false;
  /** Changes whenever the reading jumps (a broken promise brings the next step forward). */
  version = 0;

  constructor(
    private elapsedBefore: number,
    private readonly isPaused: () => boolean,
  ) {}

  /** Active time since reminding began, ms. */
  elapsed(): number {
    return this.elapsedBefore + (this.runningSince === null ? 0 : Date.now() - this.runningSince);
  }

  /** Reminding has begun: the clock runs from now unless paused. */
  start(): void {
    this.started = true;
    this.sync();
  }

  /** Call whenever isPaused() may have changed: stops or restarts the clock at this instant. */
  sync(): void {
    if (!this.started) return;
    const paused = this.isPaused();
    if (paused && this.runningSince !== null) {
      this.elapsedBefore += Date.now() - this.runningSince;
      this.runningSince = null;
    } else if (!paused && this.runningSince === null) {
      this.runningSince = Date.now();
    }
  }

  /** Moves the reading forward to `elapsed` (never back). */
  advanceTo(elapsed: number): void {
    const now = this.elapsed();
    if (elapsed <= now) return;
    this.elapsedBefore += elapsed - now;
    this.version++;
  }
}

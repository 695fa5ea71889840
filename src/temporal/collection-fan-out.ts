/**
 * From a screening run's collection list to account workflows: every listed account
 * gets signal-with-start (see start-or-refresh-collection.ts), rank 1 first, with a
 * bounded number of calls in flight.
 *
 * Progress is a watermark, `lastRank`: every entry up to it is done. It only moves over
 * a contiguous prefix of the list, so resuming after it never skips an entry. Entries
 * finished beyond the watermark when a run stops are sent again on resume; for them
 * that is one more `figuresRefreshed` to the run they started, which is harmless (a
 * refresh re-reads the figures), and never a second run.
 */
import { type Client, isGrpcServiceError } from '@temporalio/client';
import type { Logger } from 'pino';
import { lastRecordedRuns } from '../db/account-runs';
import type { Pool } from '../db/pool';
import type { IsoDate } from '../domain/dates';
import { readCollectionList, type CollectionListEntry } from '../screening/scan';
import type { FanOutProgress } from '../../workflows/screening-messages';
import { startOrRefreshCollection } from './account-workflow';

export interface FanOutOptions {
  screeningRunId: number;
  asOf: IsoDate;
  /** The task queue new account runs go to. */
  taskQueue: string;
  /** Calls in flight at once. */
  concurrency: number;
  /** List entries read per query. */
  pageSize?: number;
  /** Where an earlier attempt got to (its last progress). */
  resumeFrom?: FanOutProgress;
  /** Called whenever the watermark moves (the activity heartbeats it). */
  onProgress?: (progress: FanOutProgress) => void;
  /** Stops taking new entries; the calls in flight finish, then it throws the reason. */
  signal?: AbortSignal;
  log: Logger;
}

/**
 * gRPC answers that will not change on retry (INVALID_ARGUMENT 3, PERMISSION_DENIED 7,
 * FAILED_PRECONDITION 9): the entry is logged and counted, the fan-out goes on. Anything
 * else (the server down, overloaded) fails the whole call, to be retried from the watermark.
 */
const REFUSED_FOR_GOOD = new Set<number>([3, 7, 9]);

interface Work {
  entry: CollectionListEntry;
  previousRunId: string | undefined;
}

/** The list, page by page, the next page read while the current one is worked on. */
class ListReader {
  private buffer: Work[] = [];
  private next = 0;
  private afterRank: number;
  private exhausted = false;
  private reading: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly pool: Pool,
    private readonly screeningRunId: number,
    private readonly pageSize: number,
    afterRank: number,
  ) {
    this.afterRank = afterRank;
  }

  async take(): Promise<Work | undefined> {
    for (;;) {
      if (this.failure) throw this.failure;
      const left = this.buffer.length - this.next;
      if (left < this.pageSize / 2 && !this.exhausted) this.reading ??= this.readPage();
      if (left > 0) return this.buffer[this.next++];
      if (this.exhausted && !this.reading) return undefined;
      await this.reading;
    }
  }

  private async readPage(): Promise<void> {
    try {
      const page = await readCollectionList(this.pool, this.screeningRunId, { afterRank: this.afterRank, limit: this.pageSize });
      const previousRuns = await lastRecordedRuns(this.pool, page.map((e) => e.accountId));
      this.buffer = [...this.buffer.slice(this.next), ...page.map((entry) => ({ entry, previousRunId: previousRuns.get(entry.accountId) }))];
      this.next = 0;
      if (page.length < this.pageSize) this.exhausted = true;
      else this.afterRank = page[page.length - 1]!.rank;
    } catch (err) {
      // kept for the next take(): a prefetch nobody awaits must not be an unhandled rejection
      this.failure = err;
    } finally {
      this.reading = undefined;
    }
  }
}

/** The watermark over the ranks in the order they were taken. */
class Watermark {
  private readonly pending: { rank: number; outcome?: 'started' | 'signalled' | 'refused' }[] = [];
  private head = 0;

  constructor(
    readonly progress: FanOutProgress,
    private readonly onMove?: (progress: FanOutProgress) => void,
  ) {}

  taken(rank: number) {
    const slot: { rank: number; outcome?: 'started' | 'signalled' | 'refused' } = { rank };
    this.pending.push(slot);
    return (outcome: 'started' | 'signalled' | 'refused') => {
      slot.outcome = outcome;
      this.advance();
    };
  }

  private advance(): void {
    let moved = false;
    while (this.head < this.pending.length && this.pending[this.head]!.outcome) {
      const done = this.pending[this.head++]!;
      this.progress.lastRank = done.rank;
      this.progress[done.outcome!]++;
      moved = true;
    }
    if (this.head > 4096) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    if (moved) this.onMove?.({ ...this.progress });
  }
}

export async function fanOutCollectionList(pool: Pool, client: Client, opts: FanOutOptions): Promise<FanOutProgress> {
  const { screeningRunId, asOf, taskQueue, log, signal } = opts;
  const start: FanOutProgress = opts.resumeFrom ?? { lastRank: 0, started: 0, signalled: 0, refused: 0 };
  const reader = new ListReader(pool, screeningRunId, opts.pageSize ?? 1000, start.lastRank);
  const watermark = new Watermark({ ...start }, opts.onProgress);
  const refresh = { refreshId: `screening-${screeningRunId}`, asOf };
  let stopping = false;

  async function lane(): Promise<void> {
    while (!stopping) {
      if (signal?.aborted) throw signal.reason;
      const work = await reader.take();
      if (!work) return;
      const done = watermark.taken(work.entry.rank);
      const { accountId } = work.entry;
      try {
        const { started } = await startOrRefreshCollection(client, { accountId, taskQueue, refresh, previousRunId: work.previousRunId });
        done(started ? 'started' : 'signalled');
      } catch (err) {
        if (!isGrpcServiceError(err) || !REFUSED_FOR_GOOD.has(err.code)) throw err;
        log.error({ accountId, screeningRunId, grpcCode: err.code, err: err.details || err.message }, 'account workflow refused by the server: left out of this screening');
        done('refused');
      }
    }
  }

  // On the first failure the other lanes finish their call in hand and stop, so
  // nothing is still being sent when the caller (and a retry) takes over.
  const lanes = Array.from({ length: Math.max(1, opts.concurrency) }, () =>
    lane().catch((err: unknown) => {
      stopping = true;
      throw err;
    }),
  );
  const settled = await Promise.allSettled(lanes);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  log.info({ screeningRunId, ...watermark.progress }, 'collection list fanned out');
  return watermark.progress;
}

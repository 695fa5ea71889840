/**
 * The daily screening's two steps: the set-based scan of the loan book (one SQL pass,
 * see src/screening/scan.ts), and the fan-out of its collection list to account
 * workflows (src/temporal/collection-fan-out.ts).
 *
 * Both are safe to retry. The scan is keyed: the same key returns the run already
 * written. The fan-out heartbeats its watermark, and a retry (after a worker restart or
 * a heartbeat timeout) resumes after it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import type { IsoDate } from '../src/domain/dates';
import { FailureType } from '../src/domain/failures';
import { runScreening, type ScreeningRunSummary } from '../src/screening/scan';
import { fanOutCollectionList } from '../src/temporal/collection-fan-out';
import type { FanOutProgress } from '../workflows/screening-messages';
import type { ActivityDeps } from './deps';

export const DEFAULT_START_CONCURRENCY = 32;
/** Repeats the last progress while a call is slow, so a live fan-out is never taken for dead. */
const HEARTBEAT_EVERY_MS = 5_000;

const progressSchema = z.object({
  lastRank: z.number().int().min(0),
  started: z.number().int().min(0),
  signalled: z.number().int().min(0),
  refused: z.number().int().min(0),
});

/**
 * A pino logger for the library code these activities call (the scan, the fan-out),
 * writing through the activity's own logger: the SDK adds the workflow and activity
 * ids, and the worker's level and redaction apply.
 */
function activityLogger(): Logger {
  const log = Context.current().log;
  return pino(
    { level: 'debug', base: undefined, timestamp: false },
    {
      write(line: string) {
        const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg: string };
        if (level >= 50) log.error(msg, fields);
        else if (level >= 40) log.warn(msg, fields);
        else if (level >= 30) log.info(msg, fields);
        else log.debug(msg, fields);
      },
    },
  );
}

export interface StartCollectionsInput {
  screeningRunId: number;
  asOf: IsoDate;
  /** The task queue the account workflows run on. */
  taskQueue: string;
}

export function createScreeningActivities({ pool, temporalClient, screeningStartConcurrency }: ActivityDeps) {
  return {
    async runScreening({ asOf, idempotencyKey }: { asOf: IsoDate; idempotencyKey: string }): Promise<ScreeningRunSummary> {
      return runScreening(pool, { asOf, idempotencyKey, log: activityLogger() });
    },

    async startCollections(input: StartCollectionsInput): Promise<FanOutProgress> {
      const ctx = Context.current();
      if (!temporalClient) {
        throw ApplicationFailure.create({ type: FailureType.WorkerMisconfigured, message: 'this worker was built without a Temporal client: it cannot start account workflows', nonRetryable: true });
      }
      const earlier = progressSchema.safeParse(ctx.info.heartbeatDetails);
      const resumeFrom = earlier.success ? earlier.data : undefined;
      const log = activityLogger();
      if (resumeFrom) log.info({ screeningRunId: input.screeningRunId, ...resumeFrom, attempt: ctx.info.attempt }, 'fan-out resumes after the last heartbeat');

      let last: FanOutProgress | undefined = resumeFrom;
      const beat = setInterval(() => ctx.heartbeat(last), HEARTBEAT_EVERY_MS);
      try {
        return await fanOutCollectionList(pool, temporalClient, {
          ...input,
          concurrency: screeningStartConcurrency ?? DEFAULT_START_CONCURRENCY,
          resumeFrom,
          signal: ctx.cancellationSignal,
          log,
          onProgress: (progress) => {
            last = progress;
            ctx.heartbeat(progress); // the SDK throttles these to the heartbeat timeout
          },
        });
      } finally {
        clearInterval(beat);
      }
    },
  };
}

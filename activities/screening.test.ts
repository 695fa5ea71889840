/**
 * The startCollections activity as a retried attempt sees it: the SDK's activity
 * harness supplies the context (the heartbeat details of the attempt before, and a
 * place to watch new heartbeats); Postgres and the Temporal dev server are the real ones.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { FailureType } from '../src/domain/failures';
import { currentRunOf, handWrittenList, listTestContext } from '../test/collection-list';
import { uniqueId } from '../test/support';
import type { FanOutProgress } from '../workflows/screening-messages';
import { OutboxSmsProvider } from './providers/sms-provider';
import { createScreeningActivities } from './screening';

const quiet = { logger: new DefaultLogger('ERROR', () => undefined) };
const ctx = listTestContext();

test('a retried attempt resumes after the watermark of its last heartbeat, and heartbeats its own progress', async () => {
  const { pool, client } = ctx;
  const ids = Array.from({ length: 6 }, () => uniqueId('ACC'));
  const screeningRunId = await handWrittenList(pool, ids);
  const { startCollections } = createScreeningActivities({ pool, smsProvider: new OutboxSmsProvider(pool), temporalClient: client, screeningStartConcurrency: 2 });
  const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { lastRank: 3, started: 2, signalled: 1, refused: 0 } satisfies FanOutProgress }, quiet);
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));

  const result = await env.run(startCollections, { screeningRunId, asOf: '2026-11-23', taskQueue: uniqueId('no-worker') });

  expect(result).toEqual({ lastRank: 6, started: 5, signalled: 1, refused: 0 });
  expect(heartbeats.at(-1)).toEqual(result);
  const runs = await Promise.all(ids.map((id) => currentRunOf(client, id)));
  expect(runs.map(Boolean)).toEqual([false, false, false, true, true, true]);
});

test('a worker built without a Temporal client fails the attempt for good, naming why', async () => {
  const { pool } = ctx;
  const { startCollections } = createScreeningActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });

  const failure = await new MockActivityEnvironment({}, quiet).run(startCollections, { screeningRunId: 1, asOf: '2026-11-23', taskQueue: 'any' }).catch((err: unknown) => err);

  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: FailureType.WorkerMisconfigured, nonRetryable: true });
});

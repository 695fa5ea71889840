/**
 * A worker of the file's own on the Temporal dev server (the real activities, a task queue
 * and payload keys of its own) and the shared test Postgres, for a file's tests: started
 * before them, stopped after them.
 */
import type { CodecKeys } from '../src/codec/data-converter';
import type { Pool } from '../src/db/pool';
import { newCodecKeys, startTestWorker, testPool, testTemporalAddress, uniqueId, type TestWorker } from './support';

export interface WorkerTestbed {
  readonly pool: Pool;
  readonly worker: TestWorker;
  readonly taskQueue: string;
  readonly codecKeys: CodecKeys;
}

export function workerTestbed(name: string): WorkerTestbed {
  const bed = { taskQueue: uniqueId(name), codecKeys: newCodecKeys() } as { -readonly [K in keyof WorkerTestbed]: WorkerTestbed[K] };
  beforeAll(async () => {
    bed.pool = testPool();
    bed.worker = await startTestWorker({ address: testTemporalAddress(), taskQueue: bed.taskQueue, codecKeys: bed.codecKeys, pool: bed.pool });
  });
  afterAll(async () => {
    await bed.worker?.stop();
    await bed.pool?.end();
  });
  return bed;
}

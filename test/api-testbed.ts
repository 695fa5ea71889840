/**
 * API route tests: the real API on a free port, a worker on a task queue of the file's own
 * (the real activities), the shared test Postgres and the Temporal dev server; and a
 * small JSON client for the routes.
 */
import type { Pool } from '../src/db/pool';
import { newCodecKeys, startTestApi, startTestWorker, type TestApi, type TestWorker, testPool, testTemporalAddress, uniqueId } from './support';

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

export interface ApiTestbed {
  pool: Pool;
  worker: TestWorker;
  taskQueue: string;
  /** `headers`: beside content-type, e.g. who is asking (X-Staff-Id) */
  call(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
}

/** Starts everything before the file's tests (after `before`, e.g. staff the worker should see) and stops it after them. */
export function apiTestbed(name: string, before?: (pool: Pool) => Promise<void>): ApiTestbed {
  const codecKeys = newCodecKeys();
  let api: TestApi | undefined;
  const bed = {
    taskQueue: uniqueId(name),
    async call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
      const response = await fetch(`${api?.baseUrl}${path}`, {
        method,
        ...(body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
  } as ApiTestbed;
  beforeAll(async () => {
    bed.pool = testPool();
    await before?.(bed.pool);
    bed.worker = await startTestWorker({ address: testTemporalAddress(), taskQueue: bed.taskQueue, codecKeys, pool: bed.pool });
    api = await startTestApi({ pool: bed.pool, temporal: bed.worker.client, codecKeys });
  });
  afterAll(async () => {
    await api?.close();
    await bed.worker?.stop();
    await bed.pool?.end();
  });
  return bed;
}

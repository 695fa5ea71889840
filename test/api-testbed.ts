/**
 * API route tests: the real API on a free port, a worker on a task queue of the file's own
 * (the real activities), the shared test Postgres and the Temporal dev server; and a
 * small JSON client for the routes.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ROUTE_ROLES } from '../src/api/route-roles';
import type { Pool } from '../src/db/pool';
import type { Role } from '../src/identity/roles';
import { tokenOf, tokenOfRole } from './test-identities';
import { createTimeSkippingEnv, newCodecKeys, startTestApi, startTestWorker, type TestApi, type TestWorker, testPool, testTemporalAddress, uniqueId } from './support';

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

export interface ApiTestbed {
  pool: Pool;
  worker: TestWorker;
  /** With `clock: 'time-skipping'`: the environment whose clock `env.sleep` moves on. */
  env?: TestWorkflowEnvironment;
  taskQueue: string;
  /**
   * `as`: who calls: a subject (a staff id) signed in at the local provider, a role (its
   * test account; SERVICE: the demo service client), or nobody. Default: the first role
   * the route allows (route-roles.ts).
   */
  call(method: 'GET' | 'POST', path: string, body?: unknown, as?: Caller): Promise<ApiAnswer>;
  /** `http://127.0.0.1:<port>`, for a test that sends raw bytes or reads a non-JSON answer */
  baseUrl(): string;
  /** A GET whose answer is not JSON (a ZIP): its status, headers and bytes. */
  download(path: string, as?: Caller): Promise<{ status: number; headers: Headers; body: Buffer }>;
}

export type Caller = { subject: string } | { role: Role } | { token: string } | 'nobody';

/** The route-roles.ts key a concrete request falls under. */
export function routeOf(method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return Object.keys(ROUTE_ROLES).find((key) => {
    const [m, pattern] = key.split(' ') as [string, string];
    return m === method && new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(bare);
  });
}

/** The Authorization header of `as`, per the rules of ApiTestbed.call. */
export async function authorizationOf(method: string, path: string, as?: Caller): Promise<Record<string, string>> {
  if (as === 'nobody') return {};
  if (as && 'token' in as) return { authorization: `Bearer ${as.token}` };
  if (as && 'subject' in as) return { authorization: `Bearer ${await tokenOf(as.subject)}` };
  let role = as?.role;
  if (!role) {
    const allowed = ROUTE_ROLES[routeOf(method, path) ?? ''];
    if (!Array.isArray(allowed)) return {};
    role = (allowed as readonly Role[])[0];
  }
  return { authorization: `Bearer ${await tokenOfRole(role!)}` };
}

/**
 * Starts everything before the file's tests (after `before`, e.g. staff the worker should see) and stops it after them.
 * `clock: 'time-skipping'` runs the worker and the API's client on the time-skipping server instead of the dev
 * server: for a file that must get past a moment in the workflow's future (a visit's start, say).
 */
export function apiTestbed(name: string, before?: (pool: Pool) => Promise<void>, { clock = 'dev-server' }: { clock?: 'dev-server' | 'time-skipping' } = {}): ApiTestbed {
  const codecKeys = newCodecKeys();
  let api: TestApi | undefined;
  const bed = {
    taskQueue: uniqueId(name),
    baseUrl: () => api!.baseUrl,
    async call(method: 'GET' | 'POST', path: string, body?: unknown, as?: Caller): Promise<ApiAnswer> {
      const headers = await authorizationOf(method, path, as);
      const response = await fetch(`${api?.baseUrl}${path}`, {
        method,
        ...(body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
    async download(path: string, as?: Caller) {
      const response = await fetch(`${api?.baseUrl}${path}`, { headers: await authorizationOf('GET', path, as) });
      return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
    },
  } as ApiTestbed;
  beforeAll(async () => {
    bed.pool = testPool();
    await before?.(bed.pool);
    if (clock === 'time-skipping') bed.env = await createTimeSkippingEnv(codecKeys);
    bed.worker = await startTestWorker({ ...(bed.env ? { env: bed.env } : { address: testTemporalAddress() }), taskQueue: bed.taskQueue, codecKeys, pool: bed.pool });
    api = await startTestApi({ pool: bed.pool, temporal: bed.worker.client, codecKeys });
  });
  afterAll(async () => {
    await api?.close();
    await bed.worker?.stop();
    await bed.env?.teardown();
    await bed.pool?.end();
  });
  return bed;
}

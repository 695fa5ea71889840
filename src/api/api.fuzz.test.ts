/**
 * Issue 19 §2: every route of the role table (route-roles.ts), fuzzed with hostile bodies,
 * path parameters and query strings against the real API, a worker and a running account
 * workflow on the dev server and the real Postgres. Whatever comes in: never a 5xx; an error
 * is JSON `{ error }` and never repeats a value shaped like personal data; and a rejected
 * request writes nothing (the account's rows in every table with an account_id, counted
 * before and after). `FUZZ_RUNS` raises the runs per route.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { accountWorkflowId } from '../domain/ids';
import { PROJECT_ROOT } from '../paths';
import { apiTestbed, authorizationOf, type Caller } from '../../test/api-testbed';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { accountRowCounter, fuzzRuns, hostileValue, oneFieldBroken, personalStringsIn, personalValue, shortened, trickyString } from '../../test/fuzz';
import { eventually, isoDateFrom, seedAccount } from '../../test/support';
import { ACCOUNT_COLLECTION_WORKFLOW, summaryQuery } from '../../workflows/account/contract';
import { PUBLIC, ROUTE_ROLES } from './route-roles';

let supervisor: string;
const bed = apiTestbed('api-fuzz', async (pool) => {
  supervisor = await addFieldStaff(pool, 'SUPERVISOR');
});
let accountId: string;
let countRows: () => Promise<Record<string, number>>;

const today = () => isoDateFrom(Date.now(), 0);
const exampleReport = () => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples/visit-report.json'), 'utf8')) as object;

/** A valid body per POST route (the fuzz breaks one field of it), and the caller when the first listed role will not do. */
const VALID: Record<string, () => object> = {
  'POST /payments': () => ({ eventId: 'fuzz-evt-1', accountId, amount: 10_000, currency: 'CNY', valueDate: today(), method: 'BANK_TRANSFER' }),
  'POST /payments/:eventId/reversal': () => ({ reason: 'the transfer bounced' }),
  'POST /agent/tasks/:taskId/outcome': () => ({ rightPartyReached: true, reason: 'FORGOT', note: 'will pay on Friday' }),
  'POST /accounts/:accountId/promises': () => ({ amount: '500.00', currency: 'CNY', promisedFor: isoDateFrom(Date.now(), 3), channel: 'CALL' }),
  'POST /accounts/:accountId/holds': () => ({ holdId: 'fuzz-hold-1', reason: 'DISPUTE' }),
  'POST /accounts/:accountId/cease-contact': () => ({ requestId: 'fuzz-cease-1' }),
  'POST /appointments/:appointmentId/confirm': () => ({ slotId: 's1', address: { kind: 'HOME', text: '12 Test Lane, Flat 3' }, channel: 'CALL' }),
  'POST /appointments/:appointmentId/no-show': () => ({ note: 'nobody home' }),
  'POST /visits/:appointmentId/report': exampleReport,
  'POST /accounts/:accountId/stage-override': () => ({ to: 'APPOINTMENT', reason: 'reminders already exhausted' }),
  'POST /codec/decode': () => ({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] }),
  'POST /codec/encode': () => ({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] }),
};
const CALLER: Record<string, () => Caller> = {
  'POST /accounts/:accountId/stage-override': () => ({ subject: supervisor }),
};

/** A string as one path segment; a lone surrogate (no UTF-8 for it) goes as the bytes a careless client would send. */
function pathSegment(s: string): string {
  try {
    return encodeURIComponent(s) || '%20';
  } catch {
    return '%ED%A0%80';
  }
}

/** A path parameter: a real one (the fuzzed account, a far-off id) or a hostile string. */
const pathParameter = (name: string) =>
  fc.oneof(
    fc.constant(name === 'accountId' ? accountId : name === 'staffId' ? supervisor : '2000000000'),
    trickyString.map(pathSegment),
    fc.constantFrom('-1', '0', '1.5', '9007199254740993', '1e3', '0x1f', 'a'.repeat(5_000)),
  );

/** A query string: the route's own keys and unknown ones, hostile values, repeats. */
const queryString = fc
  .array(fc.tuple(fc.constantFrom('accountId', 'date', 'limit', 'format', 'from', 'to', 'status', 'groupBy', 'x', '__proto__', 'constructor'), fc.oneof(trickyString, fc.constantFrom('2026-12-06', '0', '-1', '1001'))), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v.replaceAll('\u0000', '')])).toString()}` : ''));

/** A body: a valid one with a field broken, any hostile value, or bytes that are no JSON at all. */
const bodyFor = (key: string): fc.Arbitrary<{ json?: unknown; raw?: string }> => {
  const valid = VALID[key];
  return fc.oneof(
    ...(valid ? [{ weight: 3, arbitrary: fc.constant(null).chain(() => oneFieldBroken(valid())).map((json) => ({ json })) }] : []),
    { weight: 2, arbitrary: hostileValue.map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.oneof(personalValue.map((v) => `{"name": "${v}`), personalValue, fc.constantFrom('{', '[1,', '{"a":1}{"b":2}', '\u0000', '')).map((raw) => ({ raw })) },
  );
};

beforeAll(async () => {
  accountId = await seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 250_000 }] });
  const handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  countRows = await accountRowCounter(bed.pool, accountId);
  // the run's first steps (its reminder, its audit rows) done before the first count
  await settled();
}, 60_000);

afterAll(async () => {
  await bed.worker?.client.workflow.getHandle(accountWorkflowId(accountId)).terminate('fuzz over').catch(() => undefined);
});

/** Waits until the account's rows stop changing (what an accepted request set going is written). */
async function settled(): Promise<Record<string, number>> {
  let last = JSON.stringify(await countRows());
  return eventually(
    async () => {
      await new Promise((r) => setTimeout(r, 400));
      const now = await countRows();
      const same = JSON.stringify(now) === last;
      last = JSON.stringify(now);
      return { same, now };
    },
    (s) => s.same,
    20_000,
  ).then((s) => s.now);
}

const routes = Object.entries(ROUTE_ROLES).filter(([key, roles]) => roles !== PUBLIC && !key.startsWith('OPTIONS'));

describe.each(routes)('%s', (key) => {
  const [method, pattern] = key.split(' ') as ['GET' | 'POST', string];
  const names = [...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

  test('hostile input: never a 5xx; an error is JSON that repeats no personal value; a rejection writes nothing', async () => {
    const request = fc.record({
      params: fc.tuple(...names.map(pathParameter)),
      query: method === 'GET' || key.endsWith('/import') ? queryString : fc.constant(''),
      body: method === 'POST' ? bodyFor(key) : fc.constant<{ json?: unknown; raw?: string }>({}),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ params, query, body }) => {
        let i = 0;
        const url = pattern.replace(/:[A-Za-z]+/g, () => params[i++]!) + query;
        const headers = await authorizationOf(method, url, CALLER[key]?.());
        const payload = body.raw ?? (body.json === undefined ? undefined : JSON.stringify(body.json));
        const before = await countRows();
        const response = await fetch(`${bed.baseUrl()}${url}`, { method, headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: payload });
        const text = await response.text();
        const sent = `${method} ${shortened(url)} ${shortened(payload ?? '')}`;
        expect({ sent, status: response.status < 500 ? 'below 500' : response.status, text: response.status < 500 ? '' : text }).toEqual({ sent, status: 'below 500', text: '' });
        if (response.status >= 400) {
          expect(typeof (JSON.parse(text) as { error?: unknown }).error).toBe('string');
          const echoed = personalStringsIn([body.json, body.raw, safeDecode(url)]).filter((v) => text.includes(v) || text.includes(JSON.stringify(v).slice(1, -1)));
          expect({ sent, echoed }).toEqual({ sent, echoed: [] });
          expect({ sent, rows: await countRows() }).toEqual({ sent, rows: before });
        } else {
          await settled();
        }
      }),
      { numRuns: fuzzRuns(8), endOnFailure: true },
    );
  }, 120_000);
});

const safeDecode = (url: string) => {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
};

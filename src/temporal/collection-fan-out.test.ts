/**
 * The fan-out over a collection list written by hand (the scan has its own tests), on
 * the dev server and a task queue no worker polls: what is checked is which runs the
 * server holds afterwards, and the progress the fan-out reports.
 */
import { accountWorkflowId } from '../domain/ids';
import { createLogger } from '../logger';
import { currentRunOf, handWrittenList, listTestContext } from '../../test/collection-list';
import { uniqueId } from '../../test/support';
import type { FanOutProgress } from '../../workflows/screening-messages';
import { fanOutCollectionList, type FanOutOptions } from './collection-fan-out';
import { PREVIOUS_RUN_MEMO } from './account-workflow';

const log = createLogger('silent');
const asOf = '2026-11-23';
const ctx = listTestContext();
const listOf = (accountIds: string[]) => handWrittenList(ctx.pool, accountIds, asOf);
const runOf = (accountId: string) => currentRunOf(ctx.client, accountId);
const accounts = (n: number) => Array.from({ length: n }, () => uniqueId('ACC'));

function fanOut(screeningRunId: number, options: Partial<FanOutOptions> = {}) {
  return fanOutCollectionList(ctx.pool, ctx.client, { screeningRunId, asOf, taskQueue: uniqueId('no-worker'), concurrency: 4, pageSize: 5, log, ...options });
}

test('every account on the list gets a run, page after page; the watermark only moves forward, to the last rank', async () => {
  const ids = accounts(23);
  const screeningRunId = await listOf(ids);
  const reported: FanOutProgress[] = [];

  const result = await fanOut(screeningRunId, { onProgress: (p) => reported.push(p) });

  expect(result).toEqual({ lastRank: 23, started: 23, signalled: 0, refused: 0 });
  expect((await Promise.all(ids.map(runOf))).filter(Boolean)).toHaveLength(23);
  const marks = reported.map((p) => p.lastRank);
  expect(marks).toEqual([...marks].sort((a, b) => a - b));
  expect(new Set(marks).size).toBe(marks.length);
  expect(reported.at(-1)).toEqual(result);
  // the counts in each report are those of the ranks up to its watermark
  for (const p of reported) expect(p.started).toBe(p.lastRank);
});

test('the same list again signals the runs the first pass started, and starts none', async () => {
  const ids = accounts(7);
  const screeningRunId = await listOf(ids);
  await fanOut(screeningRunId);
  const runs = await Promise.all(ids.map(runOf));

  expect(await fanOut(screeningRunId, { concurrency: 3 })).toEqual({ lastRank: 7, started: 0, signalled: 7, refused: 0 });
  expect(await Promise.all(ids.map(runOf))).toEqual(runs);
});

test('resumed from a watermark, it sends nothing at or below it and adds to the counts it was given', async () => {
  const ids = accounts(10);
  const screeningRunId = await listOf(ids);

  const result = await fanOut(screeningRunId, { resumeFrom: { lastRank: 4, started: 3, signalled: 1, refused: 0 } });

  expect(result).toEqual({ lastRank: 10, started: 9, signalled: 1, refused: 0 });
  const runs = await Promise.all(ids.map(runOf));
  expect(runs.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
  expect(runs.slice(4).every(Boolean)).toBe(true);
});

test('a new run names the run the record last saw for its account', async () => {
  const [accountId] = accounts(1) as [string];
  await ctx.pool.query(
    `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at)
     VALUES ($1, $2, $3, 'run-before', 'REMINDING', 'CURED', 'test', now() - interval '1 day'), ($4, $2, $3, 'run-long-ago', NULL, 'SCREENED', 'test', now() - interval '9 days')`,
    [uniqueId('key'), accountId, accountWorkflowId(accountId), uniqueId('key')],
  );

  await fanOut(await listOf([accountId]));

  expect(await (await ctx.client.workflow.getHandle(accountWorkflowId(accountId)).describe()).memo).toEqual({ [PREVIOUS_RUN_MEMO]: 'run-before' });
});

test('an account the server refuses for good (an id too long for a workflow id) is counted; the others go on', async () => {
  const ids = accounts(5);
  const tooLong = `ACC-${'x'.repeat(1_100)}`;
  const screeningRunId = await listOf([ids[0]!, ids[1]!, tooLong, ids[2]!, ids[3]!, ids[4]!]);

  expect(await fanOut(screeningRunId)).toEqual({ lastRank: 6, started: 5, signalled: 0, refused: 1 });
});

test('aborted, it stops taking entries, lets the calls in hand finish, and throws the reason; the watermark covers only finished ranks', async () => {
  const ids = accounts(40);
  const screeningRunId = await listOf(ids);
  const abort = new AbortController();
  const reported: FanOutProgress[] = [];

  await expect(
    fanOut(screeningRunId, {
      signal: abort.signal,
      onProgress: (p) => {
        reported.push(p);
        if (p.lastRank >= 8) abort.abort(new Error('worker shutting down'));
      },
    }),
  ).rejects.toThrow('worker shutting down');

  const last = reported.at(-1)!;
  const runs = await Promise.all(ids.map(runOf));
  expect(last.lastRank).toBeLessThan(40);
  // everything up to the watermark has its run; nothing was sent far beyond it (4 calls in hand at most)
  expect(runs.slice(0, last.lastRank).every(Boolean)).toBe(true);
  expect(runs.filter(Boolean).length).toBeLessThanOrEqual(last.lastRank + 4);
});

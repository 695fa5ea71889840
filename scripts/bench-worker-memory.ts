/**
 * `npm run bench:worker-memory -- [--steps 50,500,1000,2000] [--cache N] [--replays 20] [--queries 2000]`
 *
 * What one cached account run costs the worker, and what a run that is not cached costs to
 * bring back (issue 20 §2). All real components on loopback in one throw-away setup: an
 * embedded Postgres, the Temporal dev server, and the worker as its own process (the same
 * entry point as `npm start`), so its resident memory is its own figure.
 *
 * 1. The worker's RSS with no run, then after each step of open runs (every run REMINDING,
 *    its first cadence step digested, the worker's sticky cache settled): the slope is the
 *    memory per cached run.
 * 2. A cache miss: one typical run's history replayed in this process (the worker's own
 *    bundle and data converter), timed.
 * 3. With `--cache N` below the last step the worker keeps at most N runs: `--queries`
 *    `summary` queries to runs in random order, most of them evicted, each answered by a
 *    replay; printed as queries per second and the worker's peak RSS.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import { createPool } from '../src/db/pool';
import { PROJECT_ROOT } from '../src/paths';
import { startChildProcess, waitFor } from '../src/setup/child-process';
import { freePort } from '../src/setup/dev-server';
import { accountHandle } from '../src/temporal/account-workflow';
import { connectClient } from '../src/temporal/client';
import { startAccountCollections } from '../src/temporal/start-account-collections';
import { summaryQuery } from '../workflows/account/contract';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workers/workflow-bundle-options';
import { BENCH_NAMESPACE, createBenchRun, out, processMemory, firstStepsSettled, runBench, scrapeMetrics, seedOverdueAccounts, startBenchServers, waitForCount } from './bench-support';

const USAGE = `npm run bench:worker-memory -- [--steps N,N,...] [--cache N] [--replays R] [--queries Q]

  --steps N,...  open runs after each step (default 50,500,1000,2000); the slope is taken from the
                 first step on, past what each worker thread builds once
  --cache N      the worker's maxCachedWorkflows (WORKER_MAX_CACHED_WORKFLOWS); default one
                 above the last step, so every run stays cached
  --replays R    replays of one typical history, timed (default 20)
  --queries Q    with --cache below the last step: summary queries to runs in random
                 order, most of them evicted (default 2000)
`;

const TASK_QUEUE = 'arrears-bench-memory';
const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The RSS once the worker has been idle: the median of five reads a second apart. */
async function settledRss(pid: number | undefined): Promise<number> {
  const reads: number[] = [];
  for (let k = 0; k < 5; k++) {
    await sleep(1000);
    reads.push(processMemory(pid)?.rss ?? Number.NaN);
  }
  return reads.sort((a, b) => a - b)[2] as number;
}

/** Least squares slope of y on x. */
function slope(points: { x: number; y: number }[]): number {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      steps: { type: 'string', default: '50,500,1000,2000' },
      cache: { type: 'string' },
      replays: { type: 'string', default: '20' },
      queries: { type: 'string', default: '2000' },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const steps = flags.steps.split(',').map(Number);
  if (!steps.every((n, k) => Number.isInteger(n) && n > 0 && (k === 0 || n > (steps[k - 1] as number)))) throw new Error('--steps takes increasing whole numbers, e.g. 500,1000,2000');
  const last = steps[steps.length - 1] as number;
  const cache = flags.cache === undefined ? last + 100 : Number(flags.cache);
  const replays = Number(flags.replays);
  const queries = Number(flags.queries);
  if (!Number.isInteger(cache) || cache < 2) throw new Error('--cache takes a whole number >= 2');
  if (!Number.isInteger(replays) || replays < 1 || !Number.isInteger(queries) || queries < 0) throw new Error('--replays takes a whole number >= 1, --queries >= 0');

  const run = createBenchRun('worker-memory');
  const { log, began } = run;
  try {
    const { postgres, devServer } = await startBenchServers(run);
    const codecKeys: CodecKeys = { current: { keyId: 'bench', key: randomBytes(32).toString('base64') }, previous: [] };
    const metricsUrl = `http://127.0.0.1:${await freePort()}`;
    const worker = startChildProcess('worker', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'workers', 'worker.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: postgres.url,
        TEMPORAL_ADDRESS: devServer.address,
        TEMPORAL_NAMESPACE: BENCH_NAMESPACE,
        TEMPORAL_TASK_QUEUE: TASK_QUEUE,
        ARREARS_CODEC_KEY: codecKeys.current.key,
        ARREARS_CODEC_KEY_ID: codecKeys.current.keyId,
        LOG_LEVEL: 'warn',
        WORKER_METRICS_ADDRESS: metricsUrl.slice('http://'.length),
        WORKER_MAX_CACHED_WORKFLOWS: String(cache),
      },
      logFile: path.join(run.runDir, 'worker.log'),
    });
    run.onCleanup('worker', () => worker.stop());
    const metrics = `${metricsUrl}/metrics`;
    await waitFor(worker, async () => (await scrapeMetrics(metrics)).size > 0, 120_000);
    const cacheSize = async () => (await scrapeMetrics(metrics)).get('temporal_sticky_cache_size') ?? 0;
    out(`setup: servers and worker (pid ${worker.child.pid}, cache ${cache} runs) up in ${((Date.now() - began) / 1000).toFixed(1)} s`);

    const pool = createPool(postgres.url, 4);
    run.onCleanup('bench pool', () => pool.end());
    const client: Client = await connectClient({ address: devServer.address, namespace: BENCH_NAMESPACE, codecKeys });
    run.onCleanup('client', () => client.connection.close());
    const accountIds = await seedOverdueAccounts(pool, { count: last, overdue: 100_000, daysPastDue: 40, prefix: 'BENCH-M' });

    // 1. RSS against open runs
    const points = [{ x: 0, y: await settledRss(worker.child.pid), cached: await cacheSize() }];
    out(`\n  open runs   cached   worker RSS   since the step before`);
    out(`  ${'0'.padStart(9)}   ${String(points[0]!.cached).padStart(6)}   ${(points[0]!.y / MB).toFixed(0).padStart(7)} MB`);
    let started = 0;
    for (const step of steps) {
      const t = Date.now();
      await startAccountCollections(client, accountIds.slice(started, step), { taskQueue: TASK_QUEUE, log, concurrency: 32 });
      started = step;
      await waitForCount(async () => (await client.workflow.count(`ArrearsStage = "REMINDING" AND TaskQueue = "${TASK_QUEUE}"`)).count, step, 1_800_000, 'runs REMINDING');
      await waitForCount(firstStepsSettled(pool, 'BENCH-M'), step, 1_800_000, 'first contact steps settled');
      // the cache has taken every run it will hold once it stops growing
      let before = -1;
      for (let now = await cacheSize(); now !== before; now = await cacheSize()) {
        before = now;
        await sleep(3000);
      }
      const rss = await settledRss(worker.child.pid);
      const previous = points[points.length - 1]!;
      const cached = await cacheSize();
      points.push({ x: cached, y: rss, cached });
      const perRun = cached > previous.cached ? (rss - previous.y) / (cached - previous.cached) : Number.NaN;
      out(`  ${String(step).padStart(9)}   ${String(cached).padStart(6)}   ${(rss / MB).toFixed(0).padStart(7)} MB   ${Number.isFinite(perRun) ? `${(perRun / 1024).toFixed(0)} KB per cached run` : '(cache full)'}   (${((Date.now() - t) / 1000).toFixed(0)} s)`);
    }
    // From the first step on: the first runs also pay for what every worker thread builds once
    // (its V8 context, the bundle's code), which is not a cost per run.
    const growing = points.slice(1).filter((p, k, all) => k === 0 || p.cached > (all[k - 1]?.cached ?? 0));
    const perCachedRun = slope(growing);
    out(`\n  memory per cached run (least squares from the first step on): ${(perCachedRun / MB).toFixed(3)} MB   target <= 0.5 MB`);

    // 2. a cache miss: replaying one typical history
    const handle = accountHandle(client, accountIds[0] as string);
    const history = await handle.fetchHistory();
    const bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
    const replayOptions = { workflowBundle: bundle, dataConverter: createDataConverter(codecKeys) };
    // one replay worker for every copy, as a worker brings back evicted runs one after another
    const copies = Array.from({ length: replays + 1 }, (_, k) => ({ workflowId: `${handle.workflowId}-replay-${k}`, history }));
    let firstDone = 0;
    let n = 0;
    for await (const result of Worker.runReplayHistories(replayOptions, copies)) {
      if (result.error) throw result.error;
      if (n++ === 0) firstDone = Date.now(); // the first one also starts the replay worker
    }
    out(`  a cache miss: replaying a run of ${history.events?.length ?? 0} events takes ${((Date.now() - firstDone) / replays).toFixed(1)} ms (mean of ${replays}, one replay worker in this process)`);

    // 3. runs that are not cached
    if (cache < last && queries > 0) {
      const t3 = Date.now();
      let next = 0;
      const order = Array.from({ length: queries }, (_, k) => accountIds[(k * 7919) % last] as string);
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < order.length) await accountHandle(client, order[next++] as string).query(summaryQuery);
        }),
      );
      const seconds = (Date.now() - t3) / 1000;
      const memory = processMemory(worker.child.pid);
      out(`  evicted runs: ${queries} summary queries over ${last} runs with ${cache} cached, 16 at a time: ${(queries / seconds).toFixed(0)} per second`);
      out(`  worker RSS now ${((memory?.rss ?? Number.NaN) / MB).toFixed(0)} MB, peak ${((memory?.peak ?? Number.NaN) / MB).toFixed(0)} MB   target <= 1024 MB at 10,000 open runs`);
    }
  } finally {
    await run.cleanup();
  }
}

runBench('bench:worker-memory', main);

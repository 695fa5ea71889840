/**
 * `npm run bench:payments -- --accounts 2000 --rate 100 --seconds 20`
 *
 * Load test of the payment path, all real components on loopback in one throw-away
 * setup: an embedded Postgres (durable settings), the Temporal dev server (SQLite,
 * WAL, headless), and the worker and the API (with its outbox relay) as their own
 * processes, started from the same entry points as `npm start` (`npm run worker`,
 * `npm run api`), so each one's memory is its own figure. This process only sends
 * the load and watches visibility.
 * N overdue accounts get one accountCollection workflow each; once all are REMINDING and
 * every run has digested its first cadence step (no workflow task pending), payment
 * events are POSTed open-loop at a steady rate (10 % exact duplicates, 5 % of accounts
 * paid in two halves, later-dated half first). Measured: the latency from the
 * HTTP 201 of the payment that completes an account to CURED in Temporal visibility.
 * Everything is stopped and the run dir removed at the end.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { createPool, type Pool } from '../src/db/pool';
import { pendingSignalCount } from '../src/db/signal-outbox';
import { accountHandle, accountWorkflowId } from '../src/temporal/account-workflow';
import { PROJECT_ROOT } from '../src/paths';
import { type ManagedProcess, startChildProcess, waitFor } from '../src/setup/child-process';
import { freePort } from '../src/setup/dev-server';
import { connectClient } from '../src/temporal/client';
import { startAccountCollections } from '../src/temporal/start-account-collections';
import type { AccountCollectionResult } from '../workflows/account/contract';
import { cureTaskTimesOf } from './bench-history-breakdown';
import { BENCH_NAMESPACE, createBenchRun, devServerPid, metricsDelta, out, postgresPid, processCpuMs, processTreeCpuMs, processMemory, firstStepsSettled, runBench, scrapeMetrics, seedOverdueAccounts, startBenchIdentity, startBenchServers, waitForCount } from './bench-support';

const USAGE = `npm run bench:payments -- [--accounts N] [--rate R] [--seconds S] [--sample K] [--poll-ms P]
                           [--temporal-address HOST:PORT [--temporal-pids PID,...]]

  --accounts N   overdue accounts, one workflow each (default 2000)
  --rate R       payment events sent per second, open loop (default 100)
  --seconds S    how long to send (default 20)
  --sample K     cured workflows whose results are checked for double counting (default 200)
  --poll-ms P    how often visibility is asked for newly CURED workflows (default 100); each
                 ask costs the dev server CPU, and a coarser poll adds up to P ms to a latency
  --temporal-address HOST:PORT
                 a Temporal server already running there instead of a dev server (namespace
                 "default" with our search attributes), e.g. one on Postgres as in docker-compose
  --temporal-pids PID,...
                 its processes (each with the processes under it, e.g. its Postgres), whose CPU
                 the figures then include
`;

const TASK_QUEUE = 'arrears-bench';
const OVERDUE = 100_000; // 1,000.00 CNY in fen
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

interface BenchEvent {
  eventId: string;
  accountId: string;
  amount: number;
  valueDate: string;
  /** this event completes its account's payment */
  completes: boolean;
}

interface Send {
  event: BenchEvent;
  duplicate: boolean;
  scheduledAt: number;
  sentAt: number;
  status?: number;
  error?: string;
  answeredAt?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The original (non-duplicate) events, accounts in order; every 20th account pays in two halves, later-dated half first. */
function plannedEvents(accountIds: string[]): BenchEvent[] {
  const events: BenchEvent[] = [];
  const today = Date.now();
  for (const [i, accountId] of accountIds.entries()) {
    if (i % 20 === 19) {
      const half = OVERDUE / 2;
      events.push({ eventId: `PAY-${accountId}-h2`, accountId, amount: half, valueDate: isoDay(today - 1 * DAY), completes: false });
      events.push({ eventId: `PAY-${accountId}-h1`, accountId, amount: OVERDUE - half, valueDate: isoDay(today - 2 * DAY), completes: true });
    } else {
      events.push({ eventId: `PAY-${accountId}`, accountId, amount: OVERDUE, valueDate: isoDay(today), completes: true });
    }
  }
  return events;
}

const visibilityCount = (client: Client, query: string) => async () => (await client.workflow.count(query)).count;

/**
 * Bench accounts whose run has no workflow task scheduled or running: the run has digested
 * its first cadence step (the SMS's result, the next timer). Postgres shows the step before
 * the run's task for it has run; at 2,000 runs that wave takes tens of seconds to drain.
 */
const workflowTasksDone = (client: Client, accountIds: string[]) => async () => {
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < accountIds.length) {
        const { raw } = await accountHandle(client, accountIds[next++] as string).describe();
        if (!raw.pendingWorkflowTask) done++;
      }
    }),
  );
  return done;
};


async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      accounts: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '20' },
      sample: { type: 'string', default: '200' },
      'poll-ms': { type: 'string', default: '100' },
      'temporal-address': { type: 'string' },
      'temporal-pids': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const accounts = Number(flags.accounts);
  const rate = Number(flags.rate);
  const seconds = Number(flags.seconds);
  const pollMs = Number(flags['poll-ms']);
  const sampleSize = Number(flags.sample);
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error('--accounts takes a whole number >= 1');
  if (!(pollMs >= 10)) throw new Error('--poll-ms takes a number of milliseconds >= 10');
  if (!(rate > 0) || !(seconds > 0) || !Number.isInteger(sampleSize) || sampleSize < 0) throw new Error('--rate and --seconds take positive numbers, --sample a whole number');

  const run = createBenchRun('payments');
  const { log, began } = run;

  try {
    // 1. the servers; the worker and the API as their own processes
    const { postgres, devServer } = await startBenchServers(run, undefined, flags['temporal-address']);
    const identity = await startBenchIdentity(run, postgres.url);
    const codecKey = randomBytes(32).toString('base64');
    const apiPort = await freePort();
    const workerMetrics = `127.0.0.1:${await freePort()}`;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: BENCH_NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ARREARS_CODEC_KEY: codecKey,
      ARREARS_CODEC_KEY_ID: 'bench',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      OIDC_ISSUER: identity.issuer,
      LOG_LEVEL: 'warn',
      WORKER_METRICS_ADDRESS: workerMetrics,
    };
    const runTypeScript = (name: string, entry: string[]): ManagedProcess => {
      // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each process there when it exits.
      const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
      const proc = startChildProcess(name, process.execPath, [...profile, '--import', 'tsx', path.join(PROJECT_ROOT, ...entry)], { env: childEnv, logFile: path.join(run.runDir, `${name}.log`) });
      run.onCleanup(name, () => proc.stop());
      return proc;
    };
    const worker = runTypeScript('worker', ['workers', 'worker.ts']);
    const api = runTypeScript('api', ['src', 'api', 'main.ts']);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(api, async () => (await fetch(`${apiUrl}/health`)).ok, 60_000);
    const externalPids = (flags['temporal-pids'] ?? '').split(',').filter(Boolean).map(Number);
    const serverPid = flags['temporal-address'] ? externalPids[0] : devServerPid(devServer.address);
    out(`setup: servers up in ${((Date.now() - began) / 1000).toFixed(1)} s (postgres, temporal ${devServer.address}, worker pid ${worker.child.pid}, api ${apiUrl} pid ${api.child.pid})`);

    // 2. accounts and workflows
    const benchPool: Pool = createPool(postgres.url, 4);
    run.onCleanup('bench pool', () => benchPool.end());
    const client: Client = await connectClient({ address: devServer.address, namespace: BENCH_NAMESPACE, codecKeys: { current: { keyId: 'bench', key: codecKey }, previous: [] } });
    run.onCleanup('client', () => client.connection.close());
    let t = Date.now();
    const accountIds = await seedOverdueAccounts(benchPool, { count: accounts, overdue: OVERDUE, daysPastDue: 40, prefix: 'BENCH-A' });
    out(`setup: ${accounts} accounts seeded in ${Date.now() - t} ms`);
    t = Date.now();
    const starts = await startAccountCollections(client, accountIds, { taskQueue: TASK_QUEUE, log, concurrency: 32 });
    out(`setup: ${starts.started} workflows started in ${Date.now() - t} ms`);
    await waitForCount(visibilityCount(client, 'ArrearsStage = "REMINDING"'), accounts, 900_000, 'workflows REMINDING');
    out(`setup: all ${accounts} workflows REMINDING after ${Date.now() - t} ms`);
    // Each run's first cadence step (an SMS, or its refusal by the contact policy at night)
    // follows REMINDING: let that wave settle, so the load measures payments alone.
    await waitForCount(firstStepsSettled(benchPool, 'BENCH-A'), accounts, 900_000, 'first contact steps settled');
    out(`setup: every account's first contact step settled after ${Date.now() - t} ms`);
    // ...and let the runs digest it, so the load does not start behind a backlog of their tasks.
    await waitForCount(workflowTasksDone(client, accountIds), accounts, 900_000, 'runs with no workflow task pending');
    out(`setup: no run has a workflow task pending after ${Date.now() - t} ms`);
    const memoryAtRest = { worker: processMemory(worker.child.pid), api: processMemory(api.child.pid), server: processMemory(serverPid) };
    const postgresRoot = postgresPid(path.join(run.runDir, 'postgres'));
    const serverCpu = () => {
      if (!externalPids.length) return processCpuMs(serverPid);
      const trees = externalPids.map(processTreeCpuMs);
      return trees.every((ms) => ms !== undefined) ? trees.reduce((sum: number, ms) => sum + (ms as number), 0) : undefined;
    };
    const cpuOf = () => ({ postgres: processTreeCpuMs(postgresRoot), worker: processCpuMs(worker.child.pid), api: processCpuMs(api.child.pid), server: serverCpu(), bench: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 });

    // 3. the load, open loop
    const originals = plannedEvents(accountIds);
    const total = Math.round(rate * seconds);
    const interval = 1000 / rate;
    const sends: Send[] = [];
    const accepted: Send[] = []; // 201s, the pool duplicates are drawn from
    const eventsOfAccount = new Map<string, Set<string>>();
    const duplicatedAccounts = new Set<string>();
    const inFlight: Promise<void>[] = [];
    let nextOriginal = 0;
    let maxLagMs = 0;

    const authorization = await identity.serviceAuthorization(); // valid for the whole load
    const post = (send: Send) =>
      fetch(`${apiUrl}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ eventId: send.event.eventId, accountId: send.event.accountId, amount: send.event.amount, currency: 'CNY', valueDate: send.event.valueDate, method: 'BANK_TRANSFER' }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          send.answeredAt = Date.now();
          send.status = res.status;
          if (res.status === 201) accepted.push(send);
        },
        (err: unknown) => {
          send.answeredAt = Date.now();
          send.error = (err as Error).message;
        },
      );

    const metricsAtStart = await scrapeMetrics(`http://${workerMetrics}/metrics`);
    const cpuAtStart = cpuOf();
    const sendStart = Date.now();
    const closeTimeFloor = new Date(sendStart - 1000).toISOString();

    // 4. the watcher: CURED in visibility, first-seen time per workflow id
    const curedSeen = new Map<string, number>();
    const curedQuery = `ArrearsStage = "CURED" AND CloseTime > "${closeTimeFloor}"`;
    let watching = true;
    let visibilityQueries = 0;
    const watcher = (async () => {
      let watermark = closeTimeFloor; // newest CloseTime seen, minus a margin for late-indexed runs
      while (watching) {
        const tick = Date.now();
        try {
          const { count } = await client.workflow.count(curedQuery);
          visibilityQueries++;
          if (count > curedSeen.size) {
            const seenAt = Date.now();
            let newest = 0;
            const list = async (query: string) => {
              visibilityQueries++;
              for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
                if (!curedSeen.has(wf.workflowId)) curedSeen.set(wf.workflowId, seenAt);
                newest = Math.max(newest, wf.closeTime?.getTime() ?? 0);
              }
            };
            await list(`ArrearsStage = "CURED" AND CloseTime > "${watermark}"`);
            if (curedSeen.size < count) await list(curedQuery); // indexed late: look at everything once
            if (newest > 0) {
              const candidate = new Date(Math.max(Date.parse(closeTimeFloor), newest - 5_000)).toISOString();
              if (candidate > watermark) watermark = candidate;
            }
          }
        } catch (err) {
          process.stderr.write(`visibility poll failed: ${(err as Error).message}\n`);
        }
        await sleep(pollMs - (Date.now() - tick));
      }
    })();

    for (let i = 0; i < total; i++) {
      const scheduledAt = sendStart + i * interval;
      const wait = scheduledAt - Date.now();
      if (wait > 1) await sleep(wait);
      const sentAt = Date.now();
      maxLagMs = Math.max(maxLagMs, sentAt - scheduledAt);
      let send: Send | undefined;
      if (i % 10 === 9 && accepted.length > 0) {
        const earlier = accepted[Math.floor(Math.random() * accepted.length)] as Send;
        send = { event: earlier.event, duplicate: true, scheduledAt, sentAt };
        duplicatedAccounts.add(earlier.event.accountId);
      } else if (nextOriginal < originals.length) {
        const event = originals[nextOriginal++] as BenchEvent;
        send = { event, duplicate: false, scheduledAt, sentAt };
        const set = eventsOfAccount.get(event.accountId) ?? new Set<string>();
        set.add(event.eventId);
        eventsOfAccount.set(event.accountId, set);
      }
      if (!send) break; // every account paid
      sends.push(send);
      inFlight.push(post(send));
    }
    const sendEnd = Date.now();
    await Promise.all(inFlight);
    const answersDone = Date.now();

    // which accounts should be cured, and when their completing payment was accepted
    const completing = new Map<string, Send>();
    for (const s of sends) if (!s.duplicate && s.event.completes) completing.set(accountWorkflowId(s.event.accountId), s);
    const deadline = sendEnd + 60_000;
    while (Date.now() < deadline && [...completing.keys()].some((id) => !curedSeen.has(id))) await sleep(200);
    watching = false;
    await watcher;
    const measuredEnd = Date.now();
    const cpuAtEnd = cpuOf();
    const metricsAtEnd = await scrapeMetrics(`http://${workerMetrics}/metrics`);

    // 5. figures
    const originalsSent = sends.filter((s) => !s.duplicate);
    const duplicates = sends.filter((s) => s.duplicate);
    const created = sends.filter((s) => s.status === 201).length;
    const httpErrors = sends.filter((s) => s.error !== undefined || (s.status !== 201 && s.status !== 200));
    const sendSeconds = (sendEnd - sendStart) / 1000;
    const latencies: number[] = [];
    let curedExpected = 0;
    let curedSeenCount = 0;
    let unaccepted = 0;
    for (const [workflowId, s] of completing) {
      if (s.status !== 201 || s.answeredAt === undefined) {
        unaccepted++;
        continue;
      }
      curedExpected++;
      const seen = curedSeen.get(workflowId);
      if (seen !== undefined) {
        curedSeenCount++;
        latencies.push(seen - s.answeredAt);
      }
    }
    latencies.sort((a, b) => a - b);
    const unexpectedCured = [...curedSeen.keys()].filter((id) => !completing.has(id)).length;

    // double counting: the results of a sample of cured workflows, those that were sent duplicates first
    const curedIds = [...curedSeen.keys()];
    const dupFirst = [
      ...curedIds.filter((id) => duplicatedAccounts.has(id.slice('arrears-'.length))),
      ...curedIds.filter((id) => !duplicatedAccounts.has(id.slice('arrears-'.length))),
    ].slice(0, sampleSize);
    let countedTwice = 0;
    let resultErrors = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < dupFirst.length) {
          const workflowId = dupFirst[next++] as string;
          const accountId = workflowId.slice('arrears-'.length);
          try {
            const result = (await client.workflow.getHandle(workflowId).result()) as AccountCollectionResult;
            if (result.summary.paymentsCounted > (eventsOfAccount.get(accountId)?.size ?? 0)) countedTwice++;
          } catch {
            resultErrors++;
          }
        }
      }),
    );
    const sampledWithDuplicates = dupFirst.filter((id) => duplicatedAccounts.has(id.slice('arrears-'.length))).length;
    // and the same check over all accounts, from the system of record
    const { rows: pgRows } = await benchPool.query<{ account_id: string; n: number }>('SELECT account_id, count(*)::int AS n FROM payments GROUP BY account_id');
    const pgTwice = pgRows.filter((r) => r.n > (eventsOfAccount.get(r.account_id)?.size ?? 0)).length;
    const backlog = await pendingSignalCount(benchPool);
    // where the time went, from Postgres timestamps (transaction start times, same clock)
    const { rows: stages } = await benchPool.query<{ relay: number[] | null; worker: number[] | null; visible: number[] | null }>(
      `WITH last_signal AS (
         SELECT account_id, max(created_at) AS accepted_at, max(delivered_at) AS claimed_at
           FROM signal_outbox WHERE kind = 'PAYMENT_RECEIVED' GROUP BY account_id),
       cured AS (
         SELECT s.account_id, s.accepted_at, s.claimed_at, t.recorded_at
           FROM last_signal s JOIN stage_transitions t ON t.account_id = s.account_id AND t.to_stage = 'CURED')
       SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - accepted_at) * 1000) AS relay,
              percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - claimed_at) * 1000) AS worker,
              NULL::float8[] AS visible
         FROM cured`,
    );
    const { rows: curedRecorded } = await benchPool.query<{ workflow_id: string; ms: number }>(
      `SELECT workflow_id, (extract(epoch FROM recorded_at) * 1000)::float8 AS ms FROM stage_transitions WHERE to_stage = 'CURED'`,
    );
    const visibleLag = curedRecorded
      .filter((r) => curedSeen.has(r.workflow_id))
      .map((r) => (curedSeen.get(r.workflow_id) as number) - r.ms)
      .sort((a, b) => a - b);
    // the cure's workflow task, from the histories of cured runs spread over the load
    const byCure = [...curedSeen.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const step = Math.max(1, Math.floor(byCure.length / Math.max(1, sampleSize)));
    const taskTimes = await cureTaskTimesOf(client, byCure.filter((_, i) => i % step === 0).slice(0, sampleSize));
    const memoryAfter = { worker: processMemory(worker.child.pid), api: processMemory(api.child.pid), server: processMemory(serverPid) };
    const fmt = (n: number) => (Number.isNaN(n) ? 'n/a' : `${Math.round(n)} ms`);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

    out('');
    out(`accounts: ${accounts} (one workflow each), rate ${rate}/s for ${seconds} s`);
    out(`events sent: ${sends.length} (${originalsSent.length} originals, ${duplicates.length} duplicates) over ${sendSeconds.toFixed(2)} s`);
    out(`accounts fully paid by the sends: ${completing.size} (${originalsSent.filter((s) => !s.event.completes).length} split accounts' first halves among the originals)`);
    out(`send schedule max lag: ${maxLagMs.toFixed(0)} ms`);
    out(`accepted (201): ${created}`);
    out(`accepted/s: ${(created / sendSeconds).toFixed(1)}`);
    out(`last HTTP answer after the last send: ${answersDone - sendEnd} ms`);
    out(`duplicates sent: ${duplicates.length}, answered 200: ${duplicates.filter((s) => s.status === 200).length}`);
    out(`HTTP errors: ${httpErrors.length}${httpErrors.length ? ` (${[...new Set(httpErrors.map((s) => s.error ?? String(s.status)))].slice(0, 5).join('; ')})` : ''}`);
    const answerTimes = sends.filter((s) => s.answeredAt !== undefined).map((s) => (s.answeredAt as number) - s.sentAt).sort((a, b) => a - b);
    out(`HTTP answer p50: ${fmt(percentile(answerTimes, 50))}`);
    out(`HTTP answer p99: ${fmt(percentile(answerTimes, 99))}`);
    out(`accept->CURED p50: ${fmt(percentile(latencies, 50))}`);
    out(`accept->CURED p95: ${fmt(percentile(latencies, 95))}`);
    out(`accept->CURED p99: ${fmt(percentile(latencies, 99))}`);
    out(`accept->CURED max: ${fmt(latencies[latencies.length - 1] ?? NaN)}`);
    const pair = (xs: number[] | null | undefined) => (xs ? `p50 ${fmt(xs[0] ?? NaN)}, p99 ${fmt(xs[1] ?? NaN)}` : 'n/a');
    out(`  breakdown accept->relay claimed the outbox row: ${pair(stages[0]?.relay)}`);
    out(`  breakdown relay claim->CURED recorded in Postgres (signal + workflow + activities): ${pair(stages[0]?.worker)}`);
    out(`  breakdown CURED recorded->visible in visibility: p50 ${fmt(percentile(visibleLag, 50))}, p99 ${fmt(percentile(visibleLag, 99))}`);
    const spread = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `p50 ${fmt(percentile(sorted, 50))}, p99 ${fmt(percentile(sorted, 99))}`;
    };
    out(`  the cure's workflow task, from ${taskTimes.length} histories: signal->task scheduled ${spread(taskTimes.map((t) => t.signalToScheduled))}; queued (scheduled->started) ${spread(taskTimes.map((t) => t.queued))}; worker (started->completed) ${spread(taskTimes.map((t) => t.worker))}; signal->closed ${spread(taskTimes.map((t) => t.signalToClosed))}`);
    out(`  ... ${taskTimes.filter((t) => t.sticky).length} of them from the sticky queue; ${taskTimes.reduce((n, t) => n + t.troubled, 0)} workflow tasks timed out or failed after the signal`);
    out(`accounts cured: ${curedSeenCount} of ${curedExpected} expected${unaccepted ? ` (${unaccepted} completing payments not accepted)` : ''}${unexpectedCured ? `, ${unexpectedCured} cured unexpectedly` : ''}`);
    out(`last CURED seen: ${curedSeen.size ? Math.max(...curedSeen.values()) - sendEnd : NaN} ms after the last send (waited ${measuredEnd - sendEnd} ms)`);
    out(`duplicates counted twice: ${countedTwice} of ${dupFirst.length - resultErrors} workflow results sampled (${sampledWithDuplicates} of them were sent a duplicate${resultErrors ? `, ${resultErrors} results unreadable` : ''})`);
    out(`postgres payments rows beyond distinct events: ${pgTwice} accounts`);
    out(`outbox backlog at end: ${backlog}`);
    out(`visibility queries while measuring: ${visibilityQueries}`);
    const memoryLine = (name: keyof typeof memoryAfter) => {
      const [rest, after] = [memoryAtRest[name], memoryAfter[name]];
      return after ? `${mb(rest?.rss ?? NaN)} before the load, ${mb(after.rss)} after, ${mb(after.peak)} peak` : 'n/a';
    };
    const wall = measuredEnd - sendStart;
    const cpuShare = (name: keyof typeof cpuAtEnd) => {
      const [a, b] = [cpuAtStart[name], cpuAtEnd[name]];
      return a === undefined || b === undefined ? 'n/a' : `${((b - a) / 1000).toFixed(1)} s (${(((b - a) / wall) * 100).toFixed(0)} % of one core)`;
    };
    out(`CPU while sending and measuring (${(wall / 1000).toFixed(1)} s): ${flags['temporal-address'] ? 'Temporal server' : 'dev server'} ${cpuShare('server')}, Postgres ${cpuShare('postgres')}, worker ${cpuShare('worker')}, API ${cpuShare('api')}, load generator ${cpuShare('bench')}`);
    out(`worker RSS: ${memoryLine('worker')}`);
    out('worker metrics while sending and measuring (SDK, seconds or counts):');
    for (const line of metricsDelta(metricsAtStart, metricsAtEnd, /workflow_task|activity_execution|sticky|slots|activation|poll/)) out(`  ${line}`);
    out(`API RSS (HTTP + relay): ${memoryLine('api')}`);
    out(`dev server RSS: ${memoryLine('server')}`);
    out(`total run: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await run.cleanup();
  }
}

runBench('bench:payments', main);


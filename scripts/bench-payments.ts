/**
 * `npm run bench:payments -- --accounts 2000 --rate 100 --seconds 20`
 *
 * Load test of the payment path, all real components on loopback in one throw-away
 * setup: an embedded Postgres (durable settings), the Temporal dev server (SQLite,
 * WAL, headless), the worker and the API (with its outbox relay) in this process.
 * N overdue accounts get one accountCollection workflow each; once all are REMINDING,
 * payment events are POSTed open-loop at a steady rate (10 % exact duplicates, 5 % of
 * accounts paid in two halves, later-dated half first). Measured: the latency from the
 * HTTP 201 of the payment that completes an account to CURED in Temporal visibility.
 * Everything is stopped and the run dir removed at the end.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { buildApiServer } from '../src/api/server';
import { createEncryptionCodec, type CodecKeys } from '../src/codec/data-converter';
import { migrateUp } from '../src/db/migrate';
import { createPool, inTransaction, type Pool } from '../src/db/pool';
import { pendingSignalCount } from '../src/db/signal-outbox';
import { accountWorkflowId } from '../src/domain/ids';
import { createLogger } from '../src/logger';
import { DEFAULT_DATA_DIR } from '../src/paths';
import { SignalRelay } from '../src/payments/signal-relay';
import { freePort, startDevServer, type RunningDevServer } from '../src/setup/dev-server';
import { startPostgres, type RunningPostgres } from '../src/setup/postgres';
import { ensureTemporalCli } from '../src/setup/temporal-tools';
import { connectClient } from '../src/temporal/client';
import { installTemporalRuntime } from '../src/temporal/runtime';
import { startAccountCollections } from '../src/temporal/start-account-collections';
import type { AccountCollectionResult } from '../workflows/messages';
import { createArrearsWorker } from '../workers/create-worker';

const USAGE = `npm run bench:payments -- [--accounts N] [--rate R] [--seconds S] [--sample K]

  --accounts N   overdue accounts, one workflow each (default 2000)
  --rate R       payment events sent per second, open loop (default 100)
  --seconds S    how long to send (default 20)
  --sample K     cured workflows whose results are checked for double counting (default 200)
`;

const TASK_QUEUE = 'arrears-bench';
const NAMESPACE = 'default';
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

async function seedAccounts(pool: Pool, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `BENCH-A${String(i + 1).padStart(6, '0')}`);
  const borrowers = ids.map((id) => `B-${id}`);
  const due = isoDay(Date.now() - 40 * DAY);
  const interest = Math.round(OVERDUE * 0.15);
  const fees = Math.round(OVERDUE * 0.05);
  await inTransaction(pool, async (db) => {
    await db.query('INSERT INTO borrowers (id) SELECT * FROM unnest($1::text[])', [borrowers]);
    await db.query(
      `INSERT INTO borrower_personal_data (borrower_id, full_name, mobile_phone) SELECT b, 'Bench Borrower', '+8613800000000' FROM unnest($1::text[]) AS t(b)`,
      [borrowers],
    );
    await db.query(
      `INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on)
       SELECT id, b, 'LOAN', 'CNY', $3, '2024-01-01' FROM unnest($1::text[], $2::text[]) AS t(id, b)`,
      [ids, borrowers, OVERDUE],
    );
    await db.query(
      `INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due)
       SELECT id, 1, $2::date, $3, $4, $5 FROM unnest($1::text[]) AS t(id)`,
      [ids, due, OVERDUE - interest - fees, interest, fees],
    );
  });
  return ids;
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

async function waitForCount(client: Client, query: string, target: number, timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    count = (await client.workflow.count(query)).count;
    if (count >= target) return count;
    await sleep(500);
  }
  throw new Error(`${what}: ${count} of ${target} after ${timeoutMs} ms`);
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      accounts: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '20' },
      sample: { type: 'string', default: '200' },
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
  const sampleSize = Number(flags.sample);
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error('--accounts takes a whole number >= 1');
  if (!(rate > 0) || !(seconds > 0) || !Number.isInteger(sampleSize) || sampleSize < 0) throw new Error('--rate and --seconds take positive numbers, --sample a whole number');

  const log = createLogger('error', 'bench');
  installTemporalRuntime(log);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const began = Date.now();

  const runDir = path.join(DEFAULT_DATA_DIR, 'bench', `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  fs.chmodSync(runDir, 0o755); // the embedded Postgres may run as a `postgres` user

  let postgres: RunningPostgres | undefined;
  let devServer: RunningDevServer | undefined;
  let appPool: Pool | undefined;
  let workerPool: Pool | undefined;
  let benchPool: Pool | undefined;
  let client: Client | undefined;
  let apiClient: Client | undefined;
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let workerRunning: Promise<void> | undefined;
  let relay: SignalRelay | undefined;
  let app: FastifyInstance | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      const step = async (name: string, f: () => Promise<unknown> | unknown) => {
        try {
          await f();
        } catch (err) {
          process.stderr.write(`cleanup ${name}: ${(err as Error).message}\n`);
        }
      };
      await step('relay', () => relay?.stop());
      await step('api', () => app?.close());
      await step('worker', async () => {
        worker?.shutdown();
        await workerRunning;
      });
      await step('native connection', () => connection?.close());
      await step('clients', () => Promise.all([client?.connection.close(), apiClient?.connection.close()]));
      await step('pools', () => Promise.all([appPool?.end(), workerPool?.end(), benchPool?.end()]));
      await step('dev server', () => devServer?.stop());
      await step('postgres', () => postgres?.stop());
      await step('run dir', () => fs.rmSync(runDir, { recursive: true, force: true }));
    })());
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // 1. the servers
    const cli = await ensureTemporalCli({ log });
    const [pgPort, temporalPort] = [await freePort(), await freePort()];
    postgres = await startPostgres({ clusterDir: path.join(runDir, 'postgres'), port: pgPort, database: 'arrears_bench', log, unsafeFast: false });
    await migrateUp(postgres.url, log);
    devServer = await startDevServer({ cli, port: temporalPort, dbFile: path.join(runDir, 'temporal.sqlite'), namespace: NAMESPACE, logFile: path.join(runDir, 'temporal.log'), log });
    const codecKeys: CodecKeys = { current: { keyId: 'bench', key: randomBytes(32).toString('base64') }, previous: [] };

    workerPool = createPool(postgres.url);
    connection = await NativeConnection.connect({ address: devServer.address });
    worker = await createArrearsWorker({
      connection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      codecKeys,
      deps: { pool: workerPool, smsProvider: new OutboxSmsProvider(workerPool) },
    });
    workerRunning = worker.run();

    appPool = createPool(postgres.url);
    apiClient = await connectClient({ address: devServer.address, namespace: NAMESPACE, codecKeys });
    app = await buildApiServer({ log, codec: createEncryptionCodec(codecKeys), corsOrigins: [], pool: appPool, temporal: apiClient });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    relay = new SignalRelay({ databaseUrl: postgres.url, pool: appPool, client: apiClient, taskQueue: TASK_QUEUE, log });
    await relay.start();
    out(`setup: servers up in ${((Date.now() - began) / 1000).toFixed(1)} s (postgres :${pgPort}, temporal ${devServer.address}, api ${apiUrl})`);

    // 2. accounts and workflows
    benchPool = createPool(postgres.url, 4);
    client = await connectClient({ address: devServer.address, namespace: NAMESPACE, codecKeys });
    let t = Date.now();
    const accountIds = await seedAccounts(benchPool, accounts);
    out(`setup: ${accounts} accounts seeded in ${Date.now() - t} ms`);
    t = Date.now();
    const starts = await startAccountCollections(client, accountIds, { taskQueue: TASK_QUEUE, log, concurrency: 32 });
    out(`setup: ${starts.started} workflows started in ${Date.now() - t} ms`);
    await waitForCount(client, 'ArrearsStage = "REMINDING"', accounts, 900_000, 'workflows REMINDING');
    out(`setup: all ${accounts} workflows REMINDING after ${Date.now() - t} ms`);

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

    const post = (send: Send) =>
      fetch(`${apiUrl}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
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

    const sendStart = Date.now();
    const closeTimeFloor = new Date(sendStart - 1000).toISOString();
    let rssPeak = process.memoryUsage().rss;

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
          const { count } = await client!.workflow.count(curedQuery);
          visibilityQueries++;
          if (count > curedSeen.size) {
            const seenAt = Date.now();
            let newest = 0;
            const list = async (query: string) => {
              visibilityQueries++;
              for await (const wf of client!.workflow.list({ query, pageSize: 1000 })) {
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
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        await sleep(100 - (Date.now() - tick));
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
            const result = (await client!.workflow.getHandle(workflowId).result()) as AccountCollectionResult;
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
    const rss = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rss);
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
    out(`accounts cured: ${curedSeenCount} of ${curedExpected} expected${unaccepted ? ` (${unaccepted} completing payments not accepted)` : ''}${unexpectedCured ? `, ${unexpectedCured} cured unexpectedly` : ''}`);
    out(`last CURED seen: ${curedSeen.size ? Math.max(...curedSeen.values()) - sendEnd : NaN} ms after the last send (waited ${measuredEnd - sendEnd} ms)`);
    out(`duplicates counted twice: ${countedTwice} of ${dupFirst.length - resultErrors} workflow results sampled (${sampledWithDuplicates} of them were sent a duplicate${resultErrors ? `, ${resultErrors} results unreadable` : ''})`);
    out(`postgres payments rows beyond distinct events: ${pgTwice} accounts`);
    out(`outbox backlog at end: ${backlog}`);
    out(`visibility queries while measuring: ${visibilityQueries}`);
    out(`process RSS (worker + API + load generator share this process): ${mb(rss)} at end, ${mb(rssPeak)} peak during sending/measuring`);
    out(`total run: ${((Date.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);

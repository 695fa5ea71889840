/**
 * `npm run bench:starts -- [--accounts 10000] [--concurrency 32] [--connection native|grpc-js]`
 *
 * How fast the screening path starts account workflows, next to how fast the same
 * server starts no-op workflows, in one throw-away setup (embedded Postgres, the
 * Temporal dev server on SQLite, this process as the client).
 *
 * 1. N overdue accounts are loaded and screened (the real scan writes the list).
 * 2. No-op baseline: N `client.workflow.start` of a trivial workflow type.
 * 3. The screening path: the fan-out code of the `startCollections` activity over the
 *    list (pages from Postgres, the last run per account, signal-with-start of
 *    accountCollection with `figuresRefreshed`).
 * 4. The no-op baseline again, so drift over the run (SQLite growing) shows.
 * All three use the same client, the same concurrency, and a task queue no worker
 * polls: what is measured is starting, not running, the workflows.
 */
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { createDataConverter, type CodecKeys } from '../src/codec/data-converter';
import { createPool } from '../src/db/pool';
import { isoDateOf } from '../src/domain/dates';
import { runScreening } from '../src/screening/scan';
import { connectClient } from '../src/temporal/client';
import { fanOutCollectionList } from '../src/temporal/collection-fan-out';
import type { FanOutProgress } from '../workflows/screening-messages';
import { BENCH_NAMESPACE, createBenchRun, devServerPid, out, processCpuMs, runBench, seedOverdueAccounts, startBenchServers } from './bench-support';

const USAGE = `npm run bench:starts -- [--accounts N] [--concurrency C] [--connection native|grpc-js]

  --accounts N      overdue accounts, and no-op workflows per baseline (default 10000)
  --concurrency C   starts in flight at once, the same for every phase (default 32)
  --connection K    the client's connection: native (the Rust core's, as the worker's
                    activities use) or grpc-js (default native)
`;

const IDLE_QUEUE = 'bench-starts-idle'; // no worker polls it
const NOOP_WORKFLOW = 'benchNoop';

interface Phase {
  ms: number;
  /** CPU of this process (client, encryption, Postgres reads) per start, in ms */
  clientCpuPerStart: number;
  /** CPU of the dev server per start, in ms (when /proc tells) */
  serverCpuPerStart: number | undefined;
}

/** Times `work`, and the CPU this process and the dev server spent on it, per start. */
async function measured(starts: number, serverPid: number | undefined, work: () => Promise<unknown>): Promise<Phase> {
  const began = Date.now();
  const cpu = process.cpuUsage();
  const serverCpu = processCpuMs(serverPid);
  await work();
  const used = process.cpuUsage(cpu);
  const serverUsed = processCpuMs(serverPid);
  return {
    ms: Date.now() - began,
    clientCpuPerStart: (used.user + used.system) / 1000 / starts,
    serverCpuPerStart: serverCpu !== undefined && serverUsed !== undefined ? (serverUsed - serverCpu) / starts : undefined,
  };
}

async function startNoops(client: Client, prefix: string, count: number, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        await client.workflow.start(NOOP_WORKFLOW, { taskQueue: IDLE_QUEUE, workflowId: `${prefix}-${n}`, args: [{ accountId: `NOOP-${n}` }] });
      }
    }),
  );
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      accounts: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      connection: { type: 'string', default: 'native' },
      help: { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const accounts = Number(flags.accounts);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error('--accounts takes a whole number >= 1');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency takes a whole number >= 1');
  if (flags.connection !== 'native' && flags.connection !== 'grpc-js') throw new Error('--connection is native or grpc-js');

  const run = createBenchRun('bench-starts');
  try {
    const { postgres, devServer } = await startBenchServers(run);
    out(`setup: servers up in ${((Date.now() - run.began) / 1000).toFixed(1)} s (temporal ${devServer.address})`);
    const codecKeys: CodecKeys = { current: { keyId: 'bench', key: randomBytes(32).toString('base64') }, previous: [] };
    let client: Client;
    if (flags.connection === 'native') {
      const connection = await NativeConnection.connect({ address: devServer.address });
      run.onCleanup('native connection', () => connection.close());
      client = new Client({ connection, namespace: BENCH_NAMESPACE, dataConverter: createDataConverter(codecKeys) });
    } else {
      client = await connectClient({ address: devServer.address, namespace: BENCH_NAMESPACE, codecKeys });
      run.onCleanup('grpc-js connection', () => client.connection.close());
    }
    const pool = createPool(postgres.url, Math.max(4, Math.min(concurrency, 16)));
    run.onCleanup('pool', () => pool.end());

    let t = Date.now();
    await seedOverdueAccounts(pool, { count: accounts, overdue: 100_000, daysPastDue: 40, prefix: 'BENCH-S' });
    out(`setup: ${accounts} overdue accounts loaded in ${Date.now() - t} ms`);
    t = Date.now();
    const asOf = isoDateOf(Date.now());
    const screening = await runScreening(pool, { asOf, idempotencyKey: `bench-starts-${process.pid}`, log: run.log });
    out(`setup: screened as of ${asOf} in ${Date.now() - t} ms: ${screening.overdueAccounts} of ${screening.accountsScanned} accounts on the collection list`);
    if (screening.overdueAccounts !== accounts) throw new Error(`expected ${accounts} accounts on the list, found ${screening.overdueAccounts}`);

    const rate = (n: number, ms: number) => (n / ms) * 1000;
    const serverPid = devServerPid(devServer.address);
    const line = (what: string, p: Phase) =>
      `${what}: ${accounts} in ${p.ms} ms = ${rate(accounts, p.ms).toFixed(0)}/s (CPU per start: client ${p.clientCpuPerStart.toFixed(2)} ms, dev server ${p.serverCpuPerStart?.toFixed(2) ?? 'n/a'} ms)`;
    const before = await measured(accounts, serverPid, () => startNoops(client, 'bench-noop-before', accounts, concurrency));
    out(line('no-op starts (before)', before));

    let fanned: FanOutProgress | undefined;
    const screeningPath = await measured(accounts, serverPid, async () => {
      fanned = await fanOutCollectionList(pool, client, { screeningRunId: screening.screeningRunId, asOf, taskQueue: IDLE_QUEUE, concurrency, log: run.log });
    });
    if (fanned?.started !== accounts) throw new Error(`expected ${accounts} new runs, got ${JSON.stringify(fanned)}`);
    out(line('screening path, accountCollection runs started', screeningPath));

    const after = await measured(accounts, serverPid, () => startNoops(client, 'bench-noop-after', accounts, concurrency));
    out(line('no-op starts (after)', after));

    const noopRate = rate(2 * accounts, before.ms + after.ms);
    const screeningRate = rate(accounts, screeningPath.ms);
    out('');
    out(`accounts: ${accounts}, concurrency ${concurrency}, connection ${flags.connection}`);
    out(`no-op start rate (mean of before and after): ${noopRate.toFixed(0)}/s`);
    out(`screening path start rate: ${screeningRate.toFixed(0)}/s`);
    out(`screening path / no-op: ${((screeningRate / noopRate) * 100).toFixed(0)} % (target >= 80 %)`);
    out(`total run: ${((Date.now() - run.began) / 1000).toFixed(1)} s`);
  } finally {
    await run.cleanup();
  }
}

runBench('bench:starts', main);

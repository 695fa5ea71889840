/**
 * What a simulation runs on: the time-skipping test server (the binary src/setup resolves,
 * handed over as an existing path), one `arrears` worker with the real activities (the
 * outbox SMS and e-mail providers the tests use: the only stand-ins), the payment signal
 * relay the API runs, and a plain client over the same connection. The database is the
 * caller's, already migrated, and the simulation's alone.
 *
 * The client is a plain one, not the test environment's: that one lets time skip while it
 * waits for a workflow's result, and the simulation's clock must move only when the driver
 * says (TimeSkippingClock.advance).
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { createArrearsWorker } from '../../workers/create-worker';
import { createDataConverter, type CodecKeys } from '../codec/data-converter';
import { createPool, type Pool } from '../db/pool';
import { SignalRelay } from '../payments/signal-relay';
import { ephemeralExecutable, type ResolvedTool } from '../setup/temporal-tools';
import { registerSearchAttributes } from '../temporal/register-search-attributes';
import type { ExperimentsConfig } from '../treatments/experiments';
import type { TreatmentsConfig } from '../treatments/schema';

export const SIMULATION_TASK_QUEUE = 'arrears-simulation';
/** Idle for this many checks this far apart counts as settled (a task polled a moment later would show). */
const SETTLE_QUIET_CHECKS = 2;
const SETTLE_CHECK_MS = 5;
/** Past this the driver goes on anyway (a run that loops on a failing task must not hold up the year). */
const SETTLE_TIMEOUT_MS = 60_000;
/** Workflow tasks in hand at once; below the pool's connections, which their local activities use. */
const WORKFLOW_TASK_SLOTS = 16;

export interface SimulationStack {
  pool: Pool;
  client: Client;
  taskQueue: string;
  /** The server's clock, ms since the epoch: it runs ahead of the wall clock as time skips. */
  now(): Promise<number>;
  /** Lets the server skip `ms` of time, firing timers on the way; returns once it has. */
  advance(ms: number): Promise<void>;
  /** Delivers every payment signal the outbox holds, before the clock moves on. */
  deliverSignals(): Promise<void>;
  /**
   * Until the worker has had nothing in hand for a moment (no workflow task, no activity).
   * The actors send their messages only then: the test server refuses a workflow task that
   * cancels an activity it has just seen complete (ACTIVITY_UNKNOWN), and that task then stays
   * started for good, which stops time skipping. A cure (a payment) cancels the run's work in
   * flight, so it must not meet an activity in flight.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface SimulationStackOptions {
  databaseUrl: string;
  testServer: ResolvedTool;
  log: Logger;
  treatments?: TreatmentsConfig;
  experiments?: ExperimentsConfig;
  /** a workflow bundle built already (tests share one); otherwise bundled at start */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function startSimulationStack(opts: SimulationStackOptions): Promise<SimulationStack> {
  // Keys of this run only: the histories die with the test server.
  const codecKeys: CodecKeys = { current: { keyId: 'simulation', key: randomBytes(32).toString('base64') }, previous: [] };
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: ephemeralExecutable(opts.testServer) } });
  await registerSearchAttributes(env.connection, 'default');
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter: createDataConverter(codecKeys) });
  // Workflow tasks, local activities and the pool's connections are the worker's whole
  // job here: one process serves every account, as the real worker would.
  const pool = createPool(opts.databaseUrl, 20);
  let worker: Worker;
  try {
    worker = await createArrearsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: SIMULATION_TASK_QUEUE,
      codecKeys,
      deps: { pool, smsProvider: new OutboxSmsProvider(pool), temporalClient: client, treatments: opts.treatments, experiments: opts.experiments },
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : {}),
      // Few tasks at once, each done well inside its 10 s timeout: with 200 slots (the API
      // worker's) a day-0 fan-out of 1,166 starts held 200 tasks waiting on 20 connections
      // and a starved CPU, every one timed out and was retried, and nothing moved for minutes.
      workflowThreads: 2,
      workflowTaskSlots: WORKFLOW_TASK_SLOTS,
    });
  } catch (err) {
    await env.teardown();
    await pool.end();
    throw err;
  }
  const running = worker.run();
  // Not started: its signals go out only when the driver says (deliverSignals), never while
  // the worker has an activity in flight.
  const relay = new SignalRelay({ databaseUrl: opts.databaseUrl, pool, client, taskQueue: SIMULATION_TASK_QUEUE, log: opts.log });
  const idle = () => {
    const status = worker.getStatus();
    return status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0;
  };
  return {
    pool,
    client,
    taskQueue: SIMULATION_TASK_QUEUE,
    now: () => env.currentTimeMs(),
    advance: (ms) => env.sleep(ms),
    async deliverSignals() {
      while ((await relay.drainOnce()) > 0);
    },
    async settle() {
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      for (let quiet = 0; quiet < SETTLE_QUIET_CHECKS && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_CHECK_MS));
        quiet = idle() ? quiet + 1 : 0;
      }
    },
    async stop() {
      worker.shutdown();
      await running.catch((err: unknown) => opts.log.warn({ err: String(err) }, 'simulation worker stopped with an error'));
      await env.teardown();
      await pool.end();
    },
  };
}

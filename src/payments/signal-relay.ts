/**
 * Delivers the signal outbox to the account workflows and keeps trying until
 * Temporal takes each one. Woken at once by LISTEN/NOTIFY, and polls as a fallback
 * (a dropped listener, a retry coming due). Rows are claimed with SKIP LOCKED, so
 * several API processes can relay side by side; an account's signals go out in order.
 *
 * Within one relay, a few lanes drain side by side, each a small batch per
 * transaction: a slow signal holds up only its own batch, not everything behind it
 * (head-of-line blocking was most of the accept→cure latency at 100 payments/s).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import pg from 'pg';
import type { Logger } from 'pino';
import { loadAccountFigures } from '../db/account-figures';
import { paymentEventOf } from '../db/payments';
import { inTransaction, type Pool } from '../db/pool';
import { recordWriteOffRecovery } from '../db/write-offs';
import { claimDueSignals, type DeliveryOutcome, markSignalFailed, markSignalsDelivered, type OutboxRow } from '../db/signal-outbox';
import { calendarDateIn, DEFAULT_BUSINESS_TIME_ZONE } from '../domain/time-zones';
import { paymentReceivedSignal, paymentReversedSignal } from '../../workflows/account/contract';
import { accountHandle, latestRunId, startAccountCollection } from '../temporal/account-workflow';

export interface SignalRelayOptions {
  databaseUrl: string;
  pool: Pool;
  client: Client;
  taskQueue: string;
  log: Logger;
  /** The bank's zone (SCREENING_TIME_ZONE): the business day a reversal's figures are read for. */
  businessTimeZone?: string;
  pollIntervalMs?: number;
  /** rows claimed per transaction by one lane */
  batchSize?: number;
  /** batches in flight at once */
  lanes?: number;
}

export class SignalRelay {
  private running = false;
  private loops: Promise<void>[] = [];
  private listener?: pg.Client;
  private sleepers = new Set<() => void>();

  constructor(private readonly opts: SignalRelayOptions) {}

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.loops = Array.from({ length: this.opts.lanes ?? 4 }, () => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeAll();
    await Promise.all(this.loops);
    await this.listener?.end().catch(() => undefined);
  }

  /** One pass over what is due; returns how many rows it handled. */
  async drainOnce(): Promise<number> {
    return inTransaction(this.opts.pool, async (db) => {
      const due = await claimDueSignals(db, this.opts.batchSize ?? 25);
      // At most one row per account is due, so the signals can go out side by side;
      // the bookkeeping then runs one statement at a time on this transaction's connection.
      const results = await Promise.all(
        due.map((row) =>
          this.deliver(row).then(
            (outcome) => ({ row, outcome }),
            (error: Error) => ({ row, error }),
          ),
        ),
      );
      const delivered: { id: number; outcome: DeliveryOutcome }[] = [];
      for (const result of results) {
        if ('outcome' in result) {
          delivered.push({ id: result.row.id, outcome: result.outcome });
        } else {
          const { row, error } = result;
          this.opts.log.warn({ accountId: row.account_id, eventId: row.event_id, kind: row.kind, attempts: row.attempts + 1, err: error.message }, 'signal not delivered; will retry');
          await markSignalFailed(db, row.id, error.message);
        }
      }
      await markSignalsDelivered(db, delivered);
      return due.length;
    });
  }

  private async deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    const { payment } = row;
    if (!payment) throw new Error(`payment ${row.event_id} is missing`);
    const handle = accountHandle(this.opts.client, row.account_id);
    try {
      if (row.kind === 'PAYMENT_RECEIVED') await handle.signal(paymentReceivedSignal, paymentEventOf(payment));
      else await handle.signal(paymentReversedSignal, { eventId: row.event_id, accountId: row.account_id });
      return 'SIGNALLED';
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // No open run. A payment needs nothing more: Postgres already counts it; on a written-off
    // account it is a recovery, recorded and reported, and it re-opens nothing. A reversal
    // that leaves the account overdue re-opens the arrears: a new run, same workflow id.
    if (row.kind === 'PAYMENT_RECEIVED' && (await recordWriteOffRecovery(this.opts.pool, { accountId: row.account_id, paymentEventId: row.event_id, at: new Date() }))) {
      this.opts.log.info({ accountId: row.account_id, eventId: row.event_id }, 'payment on a written-off account: recorded as a recovery');
    }
    if (row.kind === 'PAYMENT_REVERSED') {
      const figures = await loadAccountFigures(this.opts.pool, row.account_id, calendarDateIn(Date.now(), this.opts.businessTimeZone ?? DEFAULT_BUSINESS_TIME_ZONE));
      if (figures && figures.amountOverdue > 0) {
        const previousRunId = await latestRunId(this.opts.client, row.account_id);
        await startAccountCollection(this.opts.client, { accountId: row.account_id, taskQueue: this.opts.taskQueue, ...(previousRunId ? { previousRunId } : {}) }, 'USE_EXISTING');
        this.opts.log.info({ accountId: row.account_id, eventId: row.event_id }, 'reversal re-opened the arrears: new run started');
        return 'STARTED';
      }
    }
    return 'NO_OPEN_WORKFLOW';
  }

  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.opts.databaseUrl });
    listener.on('notification', () => this.wakeAll());
    listener.on('error', (err) => {
      // polling carries on; the next pass tries to listen again
      this.opts.log.warn({ err: err.message }, 'outbox listener lost');
      this.listener = undefined;
    });
    try {
      await listener.connect();
      await listener.query('LISTEN signal_outbox');
      this.listener = listener;
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'cannot listen for the outbox; polling only');
      await listener.end().catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const handled = await this.drainOnce().catch((err: unknown) => {
        this.opts.log.warn({ err: (err as Error).message }, 'outbox pass failed');
        return 0;
      });
      if (handled > 0) continue; // more may be due
      if (!this.listener) await this.listen();
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.opts.pollIntervalMs ?? 1_000);
        this.sleepers.add(wake);
      });
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}

/**
 * Payment events in an account workflow (SPEC §2, §7), the same in every generation of
 * accountCollection: the paymentReceived, paymentReversed and figuresRefreshed signals,
 * each event counted once, whatever path or order it came by.
 *
 * Postgres holds every payment and reversal before the workflow hears of it, and the
 * figures are always read back from there, so arrival order cannot change them. A
 * malformed payload is logged (its issue paths, never its values) and ignored; a step that
 * fails is logged and never fails the workflow.
 *
 * Shared by the frozen generations 1-2 and by generation 3: the replay tests hold this
 * code to the histories those generations recorded.
 */
import { log } from '@temporalio/workflow';
import type { createAuditActivities } from '../../../activities/audit';
import type { createPaymentActivities } from '../../../activities/payments';
import type { StageTransition } from '../../../src/db/audit';
import type { AccountFigures } from '../../../src/domain/account';
import { figuresRefreshSchema } from '../../../src/domain/figures-refresh';
import { paymentCounts, paymentEventSchema, type PaymentEvent } from '../../../src/domain/payment-event';
import { paymentReversalSchema } from '../../../src/domain/payment-reversal';
import { figuresRefreshedSignal, paymentReceivedSignal, paymentReversedSignal } from '../contract';
import { setParsedSignalHandler } from '../run/signal-payloads';

/** Which events a run has seen, counted and seen reversed (carried across continue-as-new). */
export interface PaymentLedger {
  seenEventIds: Set<string>;
  countedEventIds: Set<string>;
  reversedEventIds: Set<string>;
  paymentsCounted: number;
  paymentsReversed: number;
}

export interface PaymentEventSteps {
  accountId: string;
  workflowId: string;
  /** updated in place: the run's own state */
  ledger: PaymentLedger;
  db: Pick<ReturnType<typeof createPaymentActivities>, 'applyPaymentEvent'> & Pick<ReturnType<typeof createAuditActivities>, 'recordAuditEvent'>;
  /** the run's one lane for reads of the figures (see figuresLane) */
  serially: <T>(task: () => Promise<T>) => Promise<T>;
  takeFigures(figures: AccountFigures): void;
  refreshFigures(): Promise<void>;
  figures(): AccountFigures | undefined;
  /** After a payment is counted (generation 3 re-reads its statement). */
  afterCounted?: () => Promise<void>;
  /**
   * The move to CURED, for the payment step to record if the payment cures the account
   * (generation 3 with the cure-in-one-step patch); undefined: the run records its cure itself.
   */
  cureTransition?: (event: PaymentEvent) => StageTransition | undefined;
  /** The payment step recorded `transition` (at `seq` in its chain): the run is CURED (called before takeFigures publishes). */
  cureRecorded?: (transition: StageTransition, seq?: number) => void;
  /** A payment step that was handed a cure transition has ended, whether it recorded it or not. */
  cureStepEnded?: () => void;
}

/**
 * Every read of the figures goes through one lane, so an older read can never overwrite
 * a newer one (a payment racing the initial load, for instance).
 */
export function figuresLane(): <T>(task: () => Promise<T>) => Promise<T> {
  let lane: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = lane.then(task, task);
    lane = result.catch(() => undefined);
    return result;
  };
}

/** Registers the payment signals' handlers; call before the workflow's first await. */
export function handlePaymentEvents(steps: PaymentEventSteps): void {
  const { accountId, workflowId, ledger, db, serially } = steps;
  const now = () => ({ at: Date.now() });

  async function applyPayment(event: PaymentEvent): Promise<void> {
    let cure: StageTransition | undefined;
    let applied;
    try {
      applied = await serially(() => {
        cure = steps.cureTransition?.(event); // from the stage the run is in when the step starts
        return db.applyPaymentEvent({ event, ...now(), ...(cure ? { cureTransition: cure } : {}) });
      });
    } finally {
      if (cure) steps.cureStepEnded?.();
    }
    const { outcome, figures, cureRecorded, cureSeq } = applied;
    if (!paymentCounts(outcome)) {
      log.warn('payment event not counted', { accountId, eventId: event.eventId, outcome });
      await db.recordAuditEvent({
        idempotencyKey: `payment-rejected/${event.eventId}`,
        accountId,
        workflowId,
        kind: 'PAYMENT_EVENT_REJECTED',
        detail: { eventId: event.eventId, outcome },
        occurredAt: new Date().toISOString(),
      });
      return;
    }
    if (cure && cureRecorded) steps.cureRecorded?.(cure, cureSeq);
    steps.takeFigures(figures);
    if (ledger.reversedEventIds.has(event.eventId)) {
      // Its reversal came first: the figures (read from Postgres) already leave it out.
      log.info('payment arrived after its reversal: not counted', { accountId, eventId: event.eventId });
      return;
    }
    ledger.countedEventIds.add(event.eventId);
    ledger.paymentsCounted++;
    log.info('payment counted', { accountId, eventId: event.eventId, amountOverdue: figures.amountOverdue });
    await steps.afterCounted?.();
  }

  async function takeReversal(eventId: string): Promise<void> {
    ledger.reversedEventIds.add(eventId);
    if (ledger.countedEventIds.delete(eventId)) {
      ledger.paymentsCounted--;
      ledger.paymentsReversed++;
    }
    await steps.refreshFigures(); // Postgres marked it reversed before we were told
    log.info('payment reversal taken', { accountId, eventId, amountOverdue: steps.figures()?.amountOverdue });
  }

  setParsedSignalHandler(paymentReceivedSignal, paymentEventSchema, accountId, async (event) => {
    if (event.accountId !== accountId) {
      log.warn('paymentReceived signal ignored: for another account', { accountId, eventId: event.eventId });
      return;
    }
    if (ledger.seenEventIds.has(event.eventId)) {
      log.info('duplicate payment event ignored', { accountId, eventId: event.eventId });
      return;
    }
    ledger.seenEventIds.add(event.eventId);
    try {
      await applyPayment(event);
    } catch (err) {
      // A payment we could not apply must not fail the account's workflow; Postgres keeps what arrived.
      log.error('payment event could not be applied', { accountId, eventId: event.eventId, error: String(err) });
    }
  });

  setParsedSignalHandler(paymentReversedSignal, paymentReversalSchema, accountId, async (reversal) => {
    const { eventId } = reversal;
    if (reversal.accountId !== accountId) {
      log.warn('paymentReversed signal ignored: for another account', { accountId, eventId });
      return;
    }
    if (ledger.reversedEventIds.has(eventId)) {
      log.info('duplicate payment reversal ignored', { accountId, eventId });
      return;
    }
    try {
      await takeReversal(eventId);
    } catch (err) {
      log.error('payment reversal could not be taken', { accountId, eventId, error: String(err) });
    }
  });

  setParsedSignalHandler(figuresRefreshedSignal, figuresRefreshSchema, accountId, async (refresh) => {
    try {
      await steps.refreshFigures();
      log.info('figures refreshed', { accountId, refreshId: refresh.refreshId, senderAsOf: refresh.asOf, amountOverdue: steps.figures()?.amountOverdue });
    } catch (err) {
      log.error('figures could not be refreshed', { accountId, refreshId: refresh.refreshId, error: String(err) });
    }
  });
}

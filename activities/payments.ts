/**
 * A payment event reaching the workflow (by signal, or relayed from the API): it is
 * recorded in Postgres once per event id, then the account's figures are read back
 * from the one implementation of the oldest-due-first rule.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadAccountFigures } from '../src/db/account-figures';
import { recordStageTransition, type StageTransition } from '../src/db/audit';
import { accountCurrency, recordPayment, type RecordPaymentOutcome } from '../src/db/payments';
import type { AccountFigures } from '../src/domain/account';
import { FailureType } from '../src/domain/failures';
import { paymentCounts, type PaymentEvent } from '../src/domain/payment-event';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export type ApplyPaymentOutcome = RecordPaymentOutcome | 'CURRENCY_MISMATCH';

export interface ApplyPaymentResult {
  outcome: ApplyPaymentOutcome;
  figures: AccountFigures;
  /** Asked with `cureTransition`: whether this payment cured the account and the transition is recorded. */
  cureRecorded?: boolean;
  /** The cure's place in its chain as Postgres holds it (see recordStageTransition). */
  cureSeq?: number;
}

export interface ApplyPaymentInput extends BusinessMoment {
  event: PaymentEvent;
  /**
   * The run's move to CURED, recorded here if the payment clears the overdue amount: a
   * cure then takes one local activity instead of two (bench:payments, issue 5).
   */
  cureTransition?: StageTransition;
}

export function createPaymentActivities({ pool, businessTimeZone }: ActivityDeps) {
  return {
    async applyPaymentEvent({ event, cureTransition, ...moment }: ApplyPaymentInput): Promise<ApplyPaymentResult> {
      const currency = await accountCurrency(pool, event.accountId);
      if (!currency) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${event.accountId} is not in the loan book`, nonRetryable: true });
      }
      const outcome: ApplyPaymentOutcome = currency === event.currency ? await recordPayment(pool, event, 'SIGNAL') : 'CURRENCY_MISMATCH';
      const figures = (await loadAccountFigures(pool, event.accountId, businessDayOf(moment, businessTimeZone))) as AccountFigures;
      log.info('payment event applied', { accountId: event.accountId, eventId: event.eventId, outcome, amountOverdue: figures.amountOverdue });
      if (!cureTransition) return { outcome, figures };
      const cureRecorded = paymentCounts(outcome) && figures.amountOverdue === 0;
      if (!cureRecorded) return { outcome, figures, cureRecorded };
      const { seq } = await recordStageTransition(pool, cureTransition);
      return { outcome, figures, cureRecorded, ...(seq === null ? {} : { cureSeq: seq }) };
    },
  };
}

/**
 * A payment event reaching the workflow (by signal, or relayed from the API): it is
 * recorded in Postgres once per event id, then the account's figures are read back
 * from the one implementation of the oldest-due-first rule.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadAccountFigures } from '../src/db/account-figures';
import { accountCurrency, recordPayment, type RecordPaymentOutcome } from '../src/db/payments';
import type { AccountFigures } from '../src/domain/account';
import { FailureType } from '../src/domain/failures';
import type { PaymentEvent } from '../src/domain/payment-event';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';

export type ApplyPaymentOutcome = RecordPaymentOutcome | 'CURRENCY_MISMATCH';

export interface ApplyPaymentResult {
  outcome: ApplyPaymentOutcome;
  figures: AccountFigures;
}

export function createPaymentActivities({ pool, businessTimeZone }: ActivityDeps) {
  return {
    async applyPaymentEvent({ event, ...moment }: { event: PaymentEvent } & BusinessMoment): Promise<ApplyPaymentResult> {
      const currency = await accountCurrency(pool, event.accountId);
      if (!currency) {
        throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${event.accountId} is not in the loan book`, nonRetryable: true });
      }
      const outcome: ApplyPaymentOutcome = currency === event.currency ? await recordPayment(pool, event, 'SIGNAL') : 'CURRENCY_MISMATCH';
      const figures = (await loadAccountFigures(pool, event.accountId, businessDayOf(moment, businessTimeZone))) as AccountFigures;
      log.info('payment event applied', { accountId: event.accountId, eventId: event.eventId, outcome, amountOverdue: figures.amountOverdue });
      return { outcome, figures };
    },
  };
}

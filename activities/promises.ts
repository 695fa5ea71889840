/**
 * Issue 6 §3: promises to pay. `recordPromise` stores the promise once per idempotency key
 * (a retried update finds the first) and says when to judge it; `settlePromise` judges it
 * once, from the payments in Postgres, and stores the verdict for the reports.
 *
 * The amount arrives as decimal major units and becomes minor units exactly, as the loan
 * book's amounts do: one finer than the currency's minor unit is refused, never rounded.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { addDays, startOfLocalDay } from '../src/contact-policy/local-time';
import { loadAccountFigures } from '../src/db/account-figures';
import { accountCurrency } from '../src/db/payments';
import { inTransaction } from '../src/db/pool';
import { findPromiseByKey, insertPromise, lockPromise, paidSincePromise, settlePromiseRow, type PromiseRow } from '../src/db/promises';
import type { IsoDate } from '../src/domain/dates';
import type { PromiseRecorded, PromiseSettled, PromiseStatus, RecordPromiseInput } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../src/domain/time-zones';
import { majorToMinorUnits } from '../src/loan-book/major-units';
import { businessDayOf } from './business-day';
import type { ActivityDeps } from './deps';

export interface SettlePromiseInput {
  promiseId: number;
  accountId: string;
  at: number;
}

/**
 * When a promise is judged: the start (00:00) of the bank's business day after the promised
 * date plus the grace period, so a payment made any time on the last day of grace counts.
 */
export function promiseCheckAt(promisedFor: IsoDate, graceDays: number, businessTimeZone: string): Date {
  return new Date(startOfLocalDay(addDays(promisedFor, graceDays + 1), businessTimeZone));
}

const notAccepted = (message: string) => ApplicationFailure.create({ type: FailureType.PromiseNotAccepted, message, nonRetryable: true });

const recorded = (row: PromiseRow): PromiseRecorded => ({ promiseId: row.id, amount: row.amount, checkAt: row.check_at.toISOString() });

export function createPromiseActivities({ pool, businessTimeZone = DEFAULT_BUSINESS_TIME_ZONE }: ActivityDeps) {
  return {
    async recordPromise({ idempotencyKey, accountId, workflowId, promise, graceDays, at }: RecordPromiseInput): Promise<PromiseRecorded> {
      const earlier = await findPromiseByKey(pool, idempotencyKey);
      if (earlier) return recorded(earlier);
      const currency = await accountCurrency(pool, accountId);
      if (!currency) throw ApplicationFailure.create({ type: FailureType.AccountNotFound, message: `account ${accountId} is not in the loan book`, nonRetryable: true });
      if (promise.currency !== currency) throw notAccepted(`the account is held in ${currency}, the promise is in ${promise.currency}`);
      const amount = majorToMinorUnits(promise.amount, currency);
      if (!amount.ok) throw notAccepted(`amount: ${amount.message}`);
      if (amount.minor <= 0) throw notAccepted('amount: a promise to pay more than nothing');

      const row = await insertPromise(pool, {
        idempotencyKey,
        accountId,
        workflowId,
        amount: amount.minor,
        currency,
        promisedFor: promise.promisedFor,
        channel: promise.channel,
        recordedBy: promise.recordedBy ?? null,
        recordedAt: new Date(at),
        checkAt: promiseCheckAt(promise.promisedFor, graceDays, businessTimeZone),
      });
      log.info('promise to pay recorded', { accountId, workflowId, promiseId: row.id, promisedFor: row.promised_for, checkAt: row.check_at.toISOString() });
      return recorded(row);
    },

    /**
     * KEPT when the payments since the promise reach its amount, or when nothing is overdue
     * any more (a borrower who paid off the arrears kept their word, whatever they promised).
     */
    async settlePromise({ promiseId, accountId, at }: SettlePromiseInput): Promise<PromiseSettled> {
      const settled = await inTransaction(pool, async (tx) => {
        const promise = await lockPromise(tx, promiseId);
        if (!promise || promise.account_id !== accountId) {
          throw ApplicationFailure.create({ type: FailureType.UnknownPromise, message: `promise ${promiseId} is not a promise of account ${accountId}`, nonRetryable: true });
        }
        if (promise.status !== 'PENDING') return { promiseId, status: promise.status, amountPaid: promise.amount_paid ?? 0, already: true };
        const amountPaid = await paidSincePromise(tx, promiseId);
        const figures = await loadAccountFigures(tx, accountId, businessDayOf({ at }, businessTimeZone));
        const status: PromiseStatus = amountPaid >= promise.amount || figures?.amountOverdue === 0 ? 'KEPT' : 'BROKEN';
        await settlePromiseRow(tx, promiseId, status, amountPaid, new Date(at));
        return { promiseId, status, amountPaid, already: false };
      });
      const { already, ...result } = settled;
      log.info(already ? 'promise already judged; kept the first verdict' : 'promise judged', { accountId, ...result });
      return result;
    },
  };
}

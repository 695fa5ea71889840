/**
 * The part of an account run's state every generation of accountCollection keeps the same
 * way: the stage, the figures, the place in the cadence, the payment ledger. Taken from the
 * carried state at the start of a run, handed on at continue-as-new, and summarised for the
 * `summary` query. Pure: no commands, so generations 2 and 3 share it without touching replay.
 */
import type { AccountFigures } from '../../../src/domain/account';
import { formatMoney } from '../../../src/domain/money';
import type { Stage } from '../../../src/domain/stages';
import type { AccountSummary, CarriedState, NextStep } from '../contract';

/** Ids remembered across continue-as-new, for de-duplication (Postgres keeps them all). */
export const IDS_CARRIED = 1_000;

/** The newest ids of a set, as many as a run hands on. */
export const recentIds = <T>(ids: Set<T>): T[] => [...ids].slice(-IDS_CARRIED);

export function accountRunState(carried: CarriedState | undefined) {
  return {
    stage: carried?.stage ?? ('SCREENED' as Stage),
    figures: carried?.figures as AccountFigures | undefined,
    remindingStartedAt: carried?.remindingStartedAt ?? null,
    cadenceIndex: carried?.cadenceIndex ?? 0,
    transitionCount: carried?.transitionCount ?? 0,
    seenEventIds: new Set(carried?.seenEventIds ?? []),
    countedEventIds: new Set(carried?.countedEventIds ?? carried?.seenEventIds ?? []),
    reversedEventIds: new Set(carried?.reversedEventIds ?? []),
    paymentsCounted: carried?.paymentsCounted ?? 0,
    paymentsReversed: carried?.paymentsReversed ?? 0,
    reopenings: carried?.reopenings ?? 0,
    nextStep: null as NextStep | null,
  };
}

export type AccountRunState = ReturnType<typeof accountRunState>;

/** What the next run needs of it. */
export function carriedRunState(state: AccountRunState): Omit<CarriedState, 'early'> {
  return {
    stage: state.stage,
    figures: state.figures,
    remindingStartedAt: state.remindingStartedAt,
    cadenceIndex: state.cadenceIndex,
    transitionCount: state.transitionCount,
    seenEventIds: recentIds(state.seenEventIds),
    paymentsCounted: state.paymentsCounted,
    countedEventIds: recentIds(state.countedEventIds),
    reversedEventIds: recentIds(state.reversedEventIds),
    paymentsReversed: state.paymentsReversed,
    reopenings: state.reopenings,
  };
}

/** The stage, the figures and the ledger as the `summary` query gives them. */
export function runSummary(accountId: string, state: AccountRunState) {
  const f = state.figures;
  return {
    accountId,
    stage: state.stage,
    currency: f?.currency ?? null,
    amountOverdue: f?.amountOverdue ?? 0,
    amountOverdueFormatted: f ? formatMoney(f.amountOverdue, f.currency) : null,
    daysPastDue: f?.daysPastDue ?? 0,
    bucket: f?.bucket ?? null,
    riskTier: f?.riskTier ?? null,
    oldestUnpaidDueDate: f?.oldestUnpaidDueDate ?? null,
    figuresAsOf: f?.asOf ?? null,
    nextStep: state.nextStep,
    paymentsCounted: state.paymentsCounted,
    paymentsReversed: state.paymentsReversed,
  } satisfies Partial<AccountSummary>;
}

/**
 * The account workflow's contract (SPEC §8): its input, signals and queries, as
 * typed constants in a workflow-safe module that clients import too.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { accountFiguresSchema } from '../src/domain/account';
import type { Bucket } from '../src/domain/buckets';
import type { FiguresRefreshed } from '../src/domain/figures-refresh';
import { accountIdSchema } from '../src/domain/ids';
import type { PaymentEvent } from '../src/domain/payment-event';
import type { PaymentReversal } from '../src/domain/payment-reversal';
import { STAGES, type Stage } from '../src/domain/stages';
import { TREATMENT_IDS } from './treatments';

export const ACCOUNT_COLLECTION_WORKFLOW = 'accountCollection';

/** State a run hands to its successor at continue-as-new; not for people to write. */
export const carriedStateSchema = z.strictObject({
  stage: z.enum(STAGES),
  figures: accountFiguresSchema.optional(),
  remindingStartedAt: z.number().int().nullable(),
  cadenceIndex: z.number().int().min(0),
  transitionCount: z.number().int().min(0),
  seenEventIds: z.array(z.string()),
  paymentsCounted: z.number().int().min(0),
  /** Of the seen payment events, those counted toward the figures (absent from older runs: all seen ones). */
  countedEventIds: z.array(z.string()).optional(),
  /** Reversals already taken, by the reversed payment's event id. */
  reversedEventIds: z.array(z.string()).optional(),
  paymentsReversed: z.number().int().min(0).optional(),
  /** How often the account fell overdue again after its cure was recorded in this chain of runs. */
  reopenings: z.number().int().min(0).optional(),
});
export type CarriedState = z.infer<typeof carriedStateSchema>;

export const accountCollectionInputSchema = z.strictObject({
  accountId: accountIdSchema,
  /** Optional overrides beside the id; everything else is loaded by activities. */
  overrides: z
    .strictObject({
      treatment: z.enum(TREATMENT_IDS).optional(),
      /** Continue-as-new once history passes this many events (default: the server's suggestion or 10,000). */
      maxHistoryEvents: z.number().int().min(100).optional(),
    })
    .optional(),
  carried: carriedStateSchema.optional(),
});
export type AccountCollectionInput = z.infer<typeof accountCollectionInputSchema>;

export interface NextStep {
  action: string;
  /** ISO instant */
  at: string;
}

export interface AccountSummary {
  accountId: string;
  stage: Stage;
  currency: string | null;
  /** minor units */
  amountOverdue: number;
  /** for people: "CNY 5118.10" */
  amountOverdueFormatted: string | null;
  daysPastDue: number;
  bucket: Bucket | null;
  riskTier: string | null;
  oldestUnpaidDueDate: string | null;
  figuresAsOf: string | null;
  treatment: string;
  nextStep: NextStep | null;
  onHold: boolean;
  holds: string[];
  /** Payment events counted toward the figures and not reversed since. */
  paymentsCounted: number;
  /** Payments counted earlier and reversed since (they no longer count). */
  paymentsReversed: number;
}

export interface AccountCollectionResult {
  accountId: string;
  outcome: Stage;
  summary: AccountSummary;
}

/**
 * A payment event (see PaymentEvent). The handler parses the payload with zod:
 * a malformed one is logged and ignored, never fails the workflow.
 */
export const paymentReceivedSignal = defineSignal<[PaymentEvent]>('paymentReceived');

/**
 * A payment was reversed: Postgres already says so (`payments.reversed_at`); the
 * workflow re-reads its figures. Each reversed event id counts once; a malformed
 * payload is logged and ignored. The reversed payment no longer counts in
 * `paymentsCounted` (it moves to `paymentsReversed`). On an open run the account
 * stays in its stage with the new figures.
 */
export const paymentReversedSignal = defineSignal<[PaymentReversal]>('paymentReversed');

/** The loan book changed for this account: re-read the figures (idempotent; bad payload ignored). */
export const figuresRefreshedSignal = defineSignal<[FiguresRefreshed]>('figuresRefreshed');

export const summaryQuery = defineQuery<AccountSummary>('summary');

/**
 * An account's collection figures as the workflow holds them. Loaded from Postgres
 * (the system of record) by an activity; no personal data. Workflow-safe.
 */
import { z } from 'zod';
import { BUCKETS } from './buckets';
import { isoDateSchema } from './dates';
import { currencySchema, minorUnitsSchema } from './money';

export const accountFiguresSchema = z.strictObject({
  accountId: z.string(),
  currency: currencySchema,
  /** The business date these figures are computed for. */
  asOf: isoDateSchema,
  /** Sum of what is unpaid on installments due before `asOf`, in minor units. */
  amountOverdue: minorUnitsSchema.min(0),
  /** Days since the oldest unpaid installment fell due (0 when nothing is overdue). */
  daysPastDue: z.number().int().min(0),
  oldestUnpaidDueDate: isoDateSchema.nullable(),
  overdueInstallments: z.number().int().min(0),
  bucket: z.enum(BUCKETS),
  /** Set by screening; UNRATED until an account has been screened. */
  riskTier: z.string(),
});

export type AccountFigures = z.infer<typeof accountFiguresSchema>;

export const UNRATED = 'UNRATED';

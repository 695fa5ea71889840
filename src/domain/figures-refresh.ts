/**
 * "Read your figures again": the `figuresRefreshed` signal, sent by screening (or a
 * person) when the loan book changed for an account already in a workflow. Refreshes
 * are idempotent by nature: the workflow re-reads the figures as of its own clock,
 * so a late or repeated refresh can never roll them back. Workflow-safe.
 */
import { z } from 'zod';
import { isoDateSchema } from './dates';

export const figuresRefreshSchema = z.object({
  /** The sender's id for this refresh, for the logs (e.g. the screening run). */
  refreshId: z.string().min(1).max(128),
  /** The business date the sender screened for; logged, not used to pick the date read. */
  asOf: isoDateSchema.optional(),
});

export type FiguresRefreshed = z.infer<typeof figuresRefreshSchema>;

/**
 * The account workflow's input (SPEC §8): `{ accountId }`, optional overrides beside it, and
 * (only from a run continuing as new) the carried state. No personal data travels in it.
 */
import { z } from 'zod';
import { accountIdSchema } from '../../../src/domain/ids';
import { carriedStateSchema } from './carried-state';
import type { AccountCollectionResult } from './summary';

export const ACCOUNT_COLLECTION_WORKFLOW = 'accountCollection';

export const accountCollectionInputSchema = z.strictObject({
  accountId: accountIdSchema,
  /** Optional overrides beside the id; everything else is loaded by activities. */
  overrides: z
    .strictObject({
      /** A treatment of config/treatments.json instead of the one the segment gets. */
      treatment: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a treatment id such as gentle').optional(),
      /** Continue-as-new once history passes this many events (default: the server's suggestion or 10,000). */
      maxHistoryEvents: z.number().int().min(100).optional(),
    })
    .optional(),
  carried: carriedStateSchema.optional(),
});
export type AccountCollectionInput = z.infer<typeof accountCollectionInputSchema>;


/** The workflow function's type, for typed starts and continue-as-new without importing the implementation. */
export type AccountCollectionWorkflow = (input: AccountCollectionInput) => Promise<AccountCollectionResult>;

/**
 * accountCollection: one durable workflow per overdue account (SPEC §2, §8).
 *
 * Three generations share this workflow type and id scheme. Runs started before early
 * collection replay through the frozen generation 1/2 code as they ran; every run
 * started since (and every run a generation 2 run continues as new into) takes
 * generation 3. The patch marker is the first thing a run records, so the choice is
 * made once per run and replay always makes the same one.
 */
import { patched } from '@temporalio/workflow';
import { accountCollectionGeneration2 } from './frozen/generation-2';
import { accountCollectionGeneration3 } from './run/kernel';
import { accountCollectionInputSchema, type AccountCollectionInput, type AccountCollectionResult } from './contract';
import { parseWorkflowInput } from '../workflow-input';

export { DATABASE_STEPS_AS_LOCAL_ACTIVITIES } from './frozen/generation-2';

/** Generation 3: statement, treatment from config, SMS/call/e-mail cadence under the contact policy, promises, holds. */
export const EARLY_COLLECTION = 'early-collection';

export async function accountCollection(rawInput: AccountCollectionInput): Promise<AccountCollectionResult> {
  const input = parseWorkflowInput('accountCollection', accountCollectionInputSchema, rawInput);
  if (!patched(EARLY_COLLECTION)) return accountCollectionGeneration2(input);
  return accountCollectionGeneration3(input);
}

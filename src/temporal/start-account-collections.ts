/**
 * Starts one accountCollection workflow per overdue account. An account whose
 * workflow is already running keeps it (the start is refused and counted as
 * existing), so running this again duplicates nothing.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Logger } from 'pino';
import { accountWorkflowId } from '../domain/ids';
import { ACCOUNT_COLLECTION_WORKFLOW, type AccountCollectionInput } from '../../workflows/messages';
import { ArrearsStage } from '../../workflows/search-attributes';

export interface StartCollectionsResult {
  started: number;
  alreadyRunning: number;
}

export async function startAccountCollections(
  client: Client,
  accountIds: string[],
  { taskQueue, log, concurrency = 16 }: { taskQueue: string; log: Logger; concurrency?: number },
): Promise<StartCollectionsResult> {
  const result: StartCollectionsResult = { started: 0, alreadyRunning: 0 };
  let next = 0;
  async function lane(): Promise<void> {
    while (next < accountIds.length) {
      const accountId = accountIds[next++] as string;
      const input: AccountCollectionInput = { accountId };
      try {
        await client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, {
          taskQueue,
          workflowId: accountWorkflowId(accountId),
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          // visible in UI filters from the first moment
          typedSearchAttributes: [{ key: ArrearsStage, value: 'SCREENED' }],
        });
        result.started++;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        result.alreadyRunning++;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, accountIds.length) }, lane));
  log.info({ ...result }, 'account collections started');
  return result;
}

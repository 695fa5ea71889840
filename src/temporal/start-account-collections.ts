/**
 * Starts one accountCollection workflow per overdue account. An account whose
 * workflow is already running keeps it (the start is refused and counted as
 * existing), so running this again duplicates nothing.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { startAccountCollection } from './account-workflow';

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
      const { started } = await startAccountCollection(client, { accountId, taskQueue }, 'USE_EXISTING');
      if (started) result.started++;
      else result.alreadyRunning++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, accountIds.length) }, lane));
  log.info({ ...result }, 'account collections started');
  return result;
}

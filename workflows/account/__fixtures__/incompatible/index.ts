/**
 * A deliberately incompatible accountCollection, for the replay test only: the real
 * one loads the account's figures first; this one records a stage transition first,
 * as a careless reordering would. Replaying a real history on it must fail.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../../../activities';
import type { AccountCollectionInput } from '../../contract';

const activities = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function accountCollection({ accountId }: AccountCollectionInput): Promise<void> {
  const info = workflowInfo();
  await activities.recordStageTransition({
    idempotencyKey: `${info.workflowId}/stage/0`,
    accountId,
    workflowId: info.workflowId,
    runId: info.runId,
    fromStage: null,
    toStage: 'SCREENED',
    reason: 'reordered',
    occurredAt: new Date().toISOString(),
  });
  await activities.loadAccountFigures({ accountId, asOf: new Date().toISOString().slice(0, 10) });
}

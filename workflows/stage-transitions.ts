/**
 * Moving an account to a stage (SPEC §2): the run's state, its search attributes and the
 * append-only record in Postgres (stage_transitions, once per key), the same in every
 * generation of accountCollection.
 */
import { log, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Stage } from '../src/domain/stages';

export interface StageState {
  stage: Stage;
  /** transitions so far in this chain of runs: numbers each one's idempotency key */
  transitionCount: number;
  remindingStartedAt: number | null;
}

export interface StageMoves {
  accountId: string;
  state: StageState;
  db: Pick<Activities, 'recordStageTransition'>;
  /** the run's idempotency key for the n-th effect of a kind */
  effectKey: (kind: string, n: number) => string;
  publishSearchAttributes: () => void;
}

export function stageMover({ accountId, state, db, effectKey, publishSearchAttributes }: StageMoves): (to: Stage, reason: string) => Promise<void> {
  const info = workflowInfo();
  return async (to, reason) => {
    const from = state.transitionCount === 0 ? null : state.stage;
    const n = state.transitionCount++;
    state.stage = to;
    if (to === 'REMINDING') state.remindingStartedAt ??= Date.now();
    publishSearchAttributes();
    log.info('stage changed', { accountId, from, to, reason });
    await db.recordStageTransition({
      idempotencyKey: effectKey('stage', n),
      accountId,
      workflowId: info.workflowId,
      runId: info.runId,
      fromStage: from,
      toStage: to,
      reason,
      occurredAt: new Date().toISOString(),
    });
  };
}

/** Writing the append-only record of what the workflow decided. */
import { recordAuditEvent, recordStageTransition, type AuditEvent, type StageTransition } from '../src/db/audit';
import { log } from '@temporalio/activity';
import type { ActivityDeps } from './deps';

export function createAuditActivities({ pool }: ActivityDeps) {
  return {
    async recordStageTransition(transition: StageTransition): Promise<void> {
      const { atPlace } = await recordStageTransition(pool, transition);
      // Another move already holds this place in the chain: this one is not recorded (and must not be).
      if (atPlace && atPlace.idempotencyKey !== transition.idempotencyKey)
        log.warn('stage transition refused: its place in the chain is taken', { accountId: transition.accountId, seq: transition.chain?.seq, toStage: transition.toStage, recordedToStage: atPlace.toStage });
    },
    async recordAuditEvent(event: AuditEvent): Promise<void> {
      await recordAuditEvent(pool, event);
    },
  };
}

/** Writing the append-only record of what the workflow decided. */
import { recordAuditEvent, recordStageTransition, type AuditEvent, type RecordedMove, type StageTransition } from '../src/db/audit';
import { log } from '@temporalio/activity';
import type { ActivityDeps } from './deps';

export function createAuditActivities({ pool }: ActivityDeps) {
  return {
    /** Answers the move's place in its chain as Postgres holds it (runs with the moves-follow-the-chain patch follow it). */
    async recordStageTransition(transition: StageTransition): Promise<RecordedMove> {
      const placed = await recordStageTransition(pool, transition);
      if (placed.seq !== null && transition.chain && placed.seq !== transition.chain.seq)
        log.warn('stage transition placed where its chain stands', { accountId: transition.accountId, toStage: transition.toStage, proposedSeq: transition.chain.seq, seq: placed.seq, recorded: placed.recorded });
      return placed;
    },
    async recordAuditEvent(event: AuditEvent): Promise<void> {
      await recordAuditEvent(pool, event);
    },
  };
}

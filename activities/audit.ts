/** Writing the append-only record of what the workflow decided. */
import { recordAuditEvent, recordStageTransition, type AuditEvent, type StageTransition } from '../src/db/audit';
import type { ActivityDeps } from './deps';

export function createAuditActivities({ pool }: ActivityDeps) {
  return {
    async recordStageTransition(transition: StageTransition): Promise<void> {
      await recordStageTransition(pool, transition);
    },
    async recordAuditEvent(event: AuditEvent): Promise<void> {
      await recordAuditEvent(pool, event);
    },
  };
}

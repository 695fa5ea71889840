/**
 * All activities, built from their dependencies (db pool, providers), so the
 * worker wires the real ones and tests replace only external providers.
 */
import { createAccountActivities } from './accounts';
import { createAuditActivities } from './audit';
import type { ActivityDeps } from './deps';
import { createPaymentActivities } from './payments';
import { createReminderActivities } from './reminders';
import { createScreeningActivities } from './screening';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createReminderActivities(deps),
    ...createPaymentActivities(deps),
    ...createAuditActivities(deps),
    ...createScreeningActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * All activities, built from their dependencies (db pool, providers), so the
 * worker wires the real ones and tests replace only external providers.
 */
import { createAccountActivities } from './accounts';
import { createAppointmentActivities } from './appointments';
import { createAuditActivities } from './audit';
import { createCallOutcomeActivities } from './call-outcomes';
import { createContactActivities } from './contact';
import type { ActivityDeps } from './deps';
import { createFamilyContactActivities } from './family-contacts';
import { createHoldActivities } from './holds';
import { createLegalActivities } from './legal';
import { createNegotiationActivities } from './negotiation';
import { createPaymentActivities } from './payments';
import { createPromiseActivities } from './promises';
import { createReminderActivities } from './reminders';
import { createScreeningActivities } from './screening';
import { createStatementActivities } from './statement';
import { createTreatmentActivities } from './treatment';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
    ...createReminderActivities(deps),
    ...createPaymentActivities(deps),
    ...createAuditActivities(deps),
    ...createScreeningActivities(deps),
    ...createStatementActivities(deps),
    ...createTreatmentActivities(deps),
    ...createContactActivities(deps),
    ...createCallOutcomeActivities(deps),
    ...createPromiseActivities(deps),
    ...createHoldActivities(deps),
    ...createAppointmentActivities(deps),
    ...createFamilyContactActivities(deps),
    ...createNegotiationActivities(deps),
    ...createLegalActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

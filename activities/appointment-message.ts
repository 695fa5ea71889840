/**
 * What a message about an appointment says of it (issue 7 §1): the slots offered
 * ({{proposedSlots}}) and the visit booked ({{visitTime}}), on the borrower's clock. A
 * contact step names the appointment; one that is not the account's is a workflow bug, not
 * something a retry can mend.
 */
import { ApplicationFailure } from '@temporalio/common';
import { loadAppointmentTimes } from '../src/db/appointment-times';
import type { Queryable } from '../src/db/pool';
import { FailureType } from '../src/domain/failures';
import { formatProposedSlots, formatVisitTime } from '../src/templates/visit-times';

export interface AppointmentMessageContext {
  proposedSlots?: string;
  visitTime?: string;
}

export async function appointmentMessageContext(db: Queryable, { appointmentId, accountId }: { appointmentId?: number; accountId: string }): Promise<AppointmentMessageContext> {
  if (appointmentId === undefined) return {};
  const times = await loadAppointmentTimes(db, appointmentId);
  if (!times || times.accountId !== accountId)
    throw ApplicationFailure.create({ type: FailureType.UnknownAppointment, message: `appointment ${appointmentId} is not account ${accountId}'s`, nonRetryable: true });
  return {
    ...(times.proposedSlots.length > 0 ? { proposedSlots: formatProposedSlots(times.proposedSlots, times.timeZone) } : {}),
    ...(times.visit ? { visitTime: formatVisitTime(times.visit, times.timeZone) } : {}),
  };
}

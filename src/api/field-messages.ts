/**
 * Field staff's messages to an account's workflow (issue 7 §3, SPEC §8): the confirmation of
 * an appointment, a no-show, the visit report, and a supervisor's stage override, each as an
 * update (validated by the workflow, answered once stored). The API's routes and the
 * `arrears` CLI both send them through here, as they do the agents' (account-messages.ts).
 *
 * Postgres is read only to find the appointment's account (404 when there is none). The
 * workflow writes everything, through its activities.
 */
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { findAppointment } from '../db/appointments';
import {
  confirmAppointmentSchema,
  overrideStageSchema,
  visitNoShowSchema,
  visitReportSchema,
  type AppointmentConfirmation,
  type StageOverride,
  type StageOverridden,
  type VisitBooked,
  type VisitNoShow,
  type VisitNoShowRecorded,
  type VisitReport,
  type VisitReportAccepted,
} from '../domain/field-collection';
import { accountCurrency } from '../db/payments';
import { accountHandle } from '../temporal/account-workflow';
import { confirmAppointmentUpdate, overrideStageUpdate, recordVisitNoShowUpdate, submitVisitReportUpdate } from '../../workflows/account/contract';
import { issuesOf, runUpdate, unknownAccount, type AccountMessageDeps, type UpdateOutcome } from './account-messages';

/** What field staff send: the appointment is in the path (or the command's argument). */
export type ConfirmationReport = Omit<AppointmentConfirmation, 'appointmentId'>;
export type NoShowReport = Omit<VisitNoShow, 'appointmentId'>;
export type VisitReportBody = Omit<VisitReport, 'appointmentId'>;

type WorkflowHandle = ReturnType<Client['workflow']['getHandle']>;

/**
 * Parses the message with the appointment id put back in, finds the appointment's workflow,
 * and sends the update there. Each update has an id of its own per appointment, so a
 * repeated request (a client retry) gets the first answer back instead of a second
 * booking, no-show or report.
 */
async function sendAboutAppointment<P extends { appointmentId: number }, R>(
  deps: AccountMessageDeps,
  appointmentId: number,
  schema: z.ZodType<P>,
  body: object,
  send: (handle: WorkflowHandle, payload: P) => Promise<R>,
): Promise<UpdateOutcome<R>> {
  const payload = { ...body, appointmentId };
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, payload) };
  const appointment = await findAppointment(deps.pool, appointmentId);
  if (!appointment) return { kind: 'NOT_FOUND', error: `no appointment ${appointmentId}` };
  const handle = deps.temporal.workflow.getHandle(appointment.workflowId);
  return runUpdate(deps, appointment.accountId, () => send(handle, parsed.data));
}

/**
 * The borrower's (or an agent's) choice of a proposed slot and the address to visit. The
 * update id names the slot too: when the slot was taken meanwhile (the update fails, naming
 * the slots still free), the borrower's second choice is a new request, not the first
 * one's failure again.
 */
export const sendAppointmentConfirmation = (deps: AccountMessageDeps, appointmentId: number, confirmation: ConfirmationReport): Promise<UpdateOutcome<VisitBooked>> =>
  sendAboutAppointment(deps, appointmentId, confirmAppointmentSchema, confirmation, (handle, payload) =>
    handle.executeUpdate(confirmAppointmentUpdate, { args: [payload], updateId: `confirm-appointment-${appointmentId}-${payload.slotId}` }),
  );

/** The collector found nobody at the visit. */
export const sendVisitNoShow = (deps: AccountMessageDeps, appointmentId: number, noShow: NoShowReport): Promise<UpdateOutcome<VisitNoShowRecorded>> =>
  sendAboutAppointment(deps, appointmentId, visitNoShowSchema, noShow, (handle, payload) =>
    handle.executeUpdate(recordVisitNoShowUpdate, { args: [payload], updateId: `no-show-${appointmentId}` }),
  );

/** The written visit report; every missing or wrong part is named before anything is sent. */
export const sendVisitReport = (deps: AccountMessageDeps, appointmentId: number, report: VisitReportBody): Promise<UpdateOutcome<VisitReportAccepted>> =>
  sendAboutAppointment(deps, appointmentId, visitReportSchema, report, (handle, payload) =>
    handle.executeUpdate(submitVisitReportUpdate, { args: [payload], updateId: `visit-report-${appointmentId}` }),
  );

/**
 * A supervisor moves the account to APPOINTMENT, VISIT or NEGOTIATION, with a reason. The workflow checks
 * that the supervisor is one; a repeated override is refused (the account is already there).
 */
export async function sendStageOverride(deps: AccountMessageDeps, accountId: string, override: StageOverride): Promise<UpdateOutcome<StageOverridden>> {
  const parsed = overrideStageSchema.safeParse(override);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, override) };
  if (!(await accountCurrency(deps.pool, accountId))) return unknownAccount(accountId);
  const handle = accountHandle(deps.temporal, accountId);
  return runUpdate(deps, accountId, () => handle.executeUpdate(overrideStageUpdate, { args: [parsed.data] }));
}

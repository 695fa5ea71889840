/**
 * The field staff interface (issue 7 §3, SPEC §8): a collector's day with the addresses to
 * visit, the proposals waiting for a borrower's confirmation, and the messages that move
 * an account's workflow through APPOINTMENT and VISIT: the confirmation, a no-show, the
 * visit report, and a supervisor's stage override, each as an update of the workflow.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { APPOINTMENT_STATUSES, listProposedAppointments } from '../db/appointments';
import type { Pool } from '../db/pool';
import { isoDateSchema } from '../domain/dates';
import { ADDRESS_KINDS, confirmAppointmentSchema, proposedSlotSchema, visitBookedSchema, OVERRIDABLE_STAGES, overrideStageSchema, visitNoShowSchema, visitReportSchema } from '../domain/field-collection';
import { accountIdSchema } from '../domain/ids';
import { staffIdSchema } from '../domain/early-collection';
import { STAGES } from '../domain/stages';
import { actingAs, callerOf } from './authenticate';
import { errorBody } from './errors';
import { sendAppointmentConfirmation, sendStageOverride, sendVisitNoShow, sendVisitReport } from './field-messages';
import { replyToUpdate, updateErrorResponses } from './message-replies';
import { viewStaffDay } from './staff-appointments';

const slotView = proposedSlotSchema;

const staffDayView = z.object({
  staffId: z.string(),
  date: z.string().describe("the calendar day, in the staff member's time zone"),
  timeZone: z.string(),
  appointments: z.array(
    z.object({
      appointmentId: z.number().int(),
      accountId: z.string(),
      workflowId: z.string(),
      kind: z.enum(['ARRANGED', 'UNANNOUNCED']),
      status: z.enum(APPOINTMENT_STATUSES),
      role: z.enum(['COLLECTOR', 'SECURITY']).describe("the staff member's part in the visit"),
      visitNumber: z.number().int(),
      startsAt: z.string(),
      endsAt: z.string(),
      collectorId: z.string(),
      securityId: z.string().nullable(),
      addressKind: z.enum(ADDRESS_KINDS).nullable(),
      address: z.string().nullable().describe('personal data: every view is recorded'),
      reportDueBy: z.string().nullable(),
    }),
  ),
});

const proposalView = z.object({
  appointmentId: z.number().int(),
  accountId: z.string(),
  workflowId: z.string(),
  proposedSlots: z.array(slotView),
  proposedAt: z.string().nullable(),
  confirmBy: z.string().nullable(),
  requiresSecurity: z.boolean(),
  reachedVia: z.enum(['CALL', 'SMS', 'EMAIL', 'FAMILY']).nullable(),
});

const visitBookedView = visitBookedSchema;

const appointmentParams = z.object({ appointmentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

// The bodies as sent: the appointment is in the path. The messages' own schemas (with their
// cross-field rules) check them again, with the id put back, before they are sent.
// Who acts (confirmedBy, reportedBy, submittedBy, supervisorId) is the caller: left out,
// the token's subject; named, it must be the subject (authenticate.ts).
const you = (field: string) => `default: you; anyone else: 403 (${field})`;
const confirmationBody = confirmAppointmentSchema.omit({ appointmentId: true }).extend({ confirmedBy: confirmAppointmentSchema.shape.confirmedBy.optional().describe(`BORROWER, or your staff id; ${you('confirmedBy')}`) });
const noShowBody = visitNoShowSchema.omit({ appointmentId: true }).extend({ reportedBy: visitNoShowSchema.shape.reportedBy.optional().describe(you('reportedBy')) });
const visitReportBody = z.strictObject(visitReportSchema.shape).omit({ appointmentId: true }).extend({ submittedBy: visitReportSchema.shape.submittedBy.optional().describe(you('submittedBy')) });
const stageOverrideBody = overrideStageSchema.extend({ supervisorId: overrideStageSchema.shape.supervisorId.optional().describe(you('supervisorId')) });

const appointmentErrors = { ...updateErrorResponses, 404: errorBody.describe('no such appointment') };

export function registerFieldRoutes(app: FastifyInstance, deps: { pool: Pool; temporal: Client }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/staff/:staffId/appointments',
    {
      schema: {
        summary: "A collector's (or security colleague's) visits of one day, with the addresses to visit",
        description:
          'Addresses are personal data: the caller must be the staff member themselves or a supervisor, and every view is logged and recorded in audit_events and the access log. ' +
          "date is a calendar day in the staff member's time zone (default: today there).",
        params: z.object({ staffId: staffIdSchema }),
        querystring: z.strictObject({ date: isoDateSchema.optional() }),
        response: {
          200: staffDayView,
          403: errorBody.describe('the caller is neither the staff member nor a supervisor'),
          404: errorBody.describe('no such staff member'),
        },
      },
    },
    async (request, reply) => {
      const { staffId } = request.params;
      const day = await viewStaffDay(deps.pool, request.log, { viewer: callerOf(request), staffId, via: 'API', ...(request.query.date ? { date: request.query.date } : {}) });
      if (day.kind === 'OK') {
        const { kind: _, ...view } = day;
        return reply.code(200).send(view);
      }
      return reply.code(day.kind === 'NOT_FOUND' ? 404 : 403).send({ error: day.error });
    },
  );

  api.get(
    '/appointments',
    {
      schema: {
        summary: "Proposals waiting for the borrower's confirmation, with their slots (for agents taking a confirmation by phone)",
        querystring: z.strictObject({ accountId: accountIdSchema.optional().describe("one account's (default: every account's)") }),
        response: { 200: z.object({ proposals: z.array(proposalView) }) },
      },
    },
    async (request) => ({ proposals: await listProposedAppointments(deps.pool, request.query.accountId ? { accountId: request.query.accountId } : {}) }),
  );

  api.post(
    '/appointments/:appointmentId/confirm',
    {
      schema: {
        summary: "Confirm an appointment: a proposed slot and the address to visit, as the confirmAppointment update of the account's workflow",
        description:
          'The collector (and, for a high-risk account, a security colleague) is booked in Postgres, where a double booking is refused. ' +
          '409 when the workflow refuses it (not a proposed slot, the window has passed, already confirmed) or the slot was taken meanwhile (the answer names the slots still free). ' +
          'The same request again answers as the first did.',
        params: appointmentParams,
        body: confirmationBody,
        response: { 200: visitBookedView, ...appointmentErrors },
      },
    },
    async (request, reply) => {
      const named = request.body.confirmedBy;
      const confirmedBy = named === 'BORROWER' ? named : actingAs(request, reply, named, 'confirmedBy');
      if (!confirmedBy) return reply;
      return replyToUpdate(request, reply, await sendAppointmentConfirmation(deps, request.params.appointmentId, { ...request.body, confirmedBy }), 'appointment confirmation', {
        ...request.params,
        slotId: request.body.slotId,
      });
    },
  );

  api.post(
    '/appointments/:appointmentId/no-show',
    {
      schema: {
        summary: "Nobody at the visit: the recordVisitNoShow update; the workflow reschedules (a bounded number of times) or escalates",
        params: appointmentParams,
        body: noShowBody,
        response: { 200: z.object({ appointmentId: z.number().int(), failedVisits: z.number().int(), willReschedule: z.boolean() }), ...appointmentErrors },
      },
    },
    async (request, reply) => {
      const reportedBy = actingAs(request, reply, request.body.reportedBy, 'reportedBy');
      if (!reportedBy) return reply;
      return replyToUpdate(request, reply, await sendVisitNoShow(deps, request.params.appointmentId, { ...request.body, reportedBy }), 'visit no-show', request.params);
    },
  );

  api.post(
    '/visits/:appointmentId/report',
    {
      schema: {
        summary: "The written visit report (the appointment's id), as the submitVisitReport update",
        description:
          '400 names every missing or wrong part (path: why), never echoing a value; the workflow keeps waiting. Stored in Postgres (personal data apart) before the answer; ' +
          'the account moves on by the recommended action. The same request again answers as the first did. See examples/visit-report.json.',
        params: appointmentParams,
        body: visitReportBody,
        response: { 200: z.object({ reportId: z.number().int(), appointmentId: z.number().int(), nextStage: z.enum(STAGES) }), ...appointmentErrors },
      },
    },
    async (request, reply) => {
      const submittedBy = actingAs(request, reply, request.body.submittedBy, 'submittedBy');
      if (!submittedBy) return reply;
      return replyToUpdate(request, reply, await sendVisitReport(deps, request.params.appointmentId, { ...request.body, submittedBy }), 'visit report', request.params);
    },
  );

  api.post(
    '/accounts/:accountId/stage-override',
    {
      schema: {
        summary: `A supervisor moves the account to ${OVERRIDABLE_STAGES.join(' or ')}, with a reason (the overrideStage update; audited)`,
        description: '409 when the workflow refuses it: not an active supervisor, the account is already there or cannot go there now.',
        params: z.object({ accountId: accountIdSchema }),
        body: stageOverrideBody,
        response: { 200: z.object({ from: z.enum(STAGES), to: z.enum(STAGES) }), ...updateErrorResponses },
      },
    },
    async (request, reply) => {
      const supervisorId = actingAs(request, reply, request.body.supervisorId, 'supervisorId');
      if (!supervisorId) return reply;
      return replyToUpdate(request, reply, await sendStageOverride(deps, request.params.accountId, { ...request.body, supervisorId }), 'stage override', {
        ...request.params,
        to: request.body.to,
        supervisorId,
      });
    },
  );
}

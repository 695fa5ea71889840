/**
 * Field staff's messages to an account's workflow, as the API's routes send them
 * (src/api/field-messages.ts):
 * `arrears confirm-appointment <appointmentId> --slot s1 --address-kind HOME [--address TEXT] --by BORROWER|ID --channel CALL`,
 * `arrears no-show <appointmentId> --by ID [--note TEXT]` and
 * `arrears visit-report <appointmentId> --file report.json`. The report file is checked
 * here first, with the workflow's own schema, and every problem in it is named.
 */
import type { Command } from 'commander';
import { sendAppointmentConfirmation, sendVisitNoShow, sendVisitReport } from '../../api/field-messages';
import { ADDRESS_KINDS, CONFIRMATION_CHANNELS, visitNoShowSchema, type VisitBooked } from '../../domain/field-collection';
import { actingId, answerOf, optionsOf, withAccountMessages, writeLine } from '../account-messages';
import { appointmentIdOf, confirmationOf, visitReportFromFile, type ConfirmOptions } from '../field-arguments';
import { minuteUtc } from '../table';

const visitTimes = (v: VisitBooked) => `${minuteUtc(v.startsAt)} to ${minuteUtc(v.endsAt).slice(11)}`;

export function registerVisitCommands(program: Command): void {
  program
    .command('confirm-appointment')
    .description("Confirm a proposed appointment for the borrower: a slot and the address to visit (arrears proposals lists them)")
    .argument('<appointmentId>', 'the appointment')
    .requiredOption('--slot <slotId>', 'the slot the borrower chose: s1, s2, …')
    .requiredOption('--address-kind <kind>', `where to visit: ${ADDRESS_KINDS.join(', ')}`)
    .option('--address <text>', 'the address the borrower gave now (default: the one on file); stored apart, never logged')
    .option('--by <who>', 'BORROWER (self-service) or your staff id (default: who you are signed in as)')
    .requiredOption('--channel <channel>', `how the confirmation came: ${CONFIRMATION_CHANNELS.join(', ')}`)
    .action(async (rawId: string, raw: ConfirmOptions) => {
      const appointmentId = appointmentIdOf(rawId);
      const { appointmentId: _, ...confirmation } = confirmationOf(appointmentId, raw);
      const visit = answerOf(
        await withAccountMessages('POST /appointments/:appointmentId/confirm', (deps, caller) => {
          const confirmedBy = confirmation.confirmedBy === 'BORROWER' ? 'BORROWER' : actingId(caller, confirmation.confirmedBy, '--by');
          return sendAppointmentConfirmation(deps, appointmentId, { ...confirmation, confirmedBy });
        }),
      );
      const team = visit.securityId ? `${visit.collectorId} with ${visit.securityId}` : visit.collectorId;
      writeLine(`Appointment ${visit.appointmentId} confirmed: ${visitTimes(visit)}, ${team}, at the ${visit.addressKind} address; the report is due by ${minuteUtc(visit.reportDueBy)}.`);
    });

  program
    .command('no-show')
    .description('Nobody at the visit: the workflow books another (a bounded number of times) or escalates')
    .argument('<appointmentId>', 'the appointment')
    .option('--by <staffId>', 'the collector (or security colleague) at the door: you (default: who you are signed in as)')
    .option('--note <text>', 'a note (stored, never logged)')
    .action(async (rawId: string, raw: { by?: string; note?: string }) => {
      const appointmentId = appointmentIdOf(rawId);
      const { appointmentId: _, ...noShow } = optionsOf(visitNoShowSchema.partial({ reportedBy: true }), { appointmentId, reportedBy: raw.by, ...(raw.note === undefined ? {} : { note: raw.note }) }, { reportedBy: '--by', note: '--note' });
      const recorded = answerOf(
        await withAccountMessages('POST /appointments/:appointmentId/no-show', (deps, caller) => sendVisitNoShow(deps, appointmentId, { ...noShow, reportedBy: actingId(caller, noShow.reportedBy, '--by') })),
      );
      const next = recorded.willReschedule ? 'another visit will be booked' : 'no more visits: the account escalates';
      writeLine(`No-show recorded for appointment ${recorded.appointmentId} (${recorded.failedVisits} failed visit${recorded.failedVisits === 1 ? '' : 's'}); ${next}.`);
    });

  program
    .command('visit-report')
    .description('Submit the written visit report from a JSON file (see examples/visit-report.json); every problem in it is named first')
    .argument('<appointmentId>', 'the appointment visited')
    .requiredOption('--file <path>', 'the report as JSON, without appointmentId')
    .action(async (rawId: string, raw: { file: string }) => {
      const appointmentId = appointmentIdOf(rawId);
      const { appointmentId: _, ...report } = visitReportFromFile(raw.file, appointmentId);
      const accepted = answerOf(
        await withAccountMessages('POST /visits/:appointmentId/report', (deps, caller) => sendVisitReport(deps, appointmentId, { ...report, submittedBy: actingId(caller, report.submittedBy, 'submittedBy in the file') })),
      );
      writeLine(`Visit report ${accepted.reportId} stored for appointment ${accepted.appointmentId}; the account moves to ${accepted.nextStage}.`);
    });
}

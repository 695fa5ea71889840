/**
 * `arrears appointments --staff ID [--date YYYY-MM-DD]` (signed in: arrears login): a collector's (or security
 * colleague's) visits of one day with the addresses to visit, as GET
 * /staff/:staffId/appointments gives them: only to the staff member or a supervisor, and
 * every view of an address is recorded.
 * `arrears proposals [--account ID]`: the proposals waiting for a borrower's confirmation,
 * with their slots (confirm one with arrears confirm-appointment).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { listProposedAppointments, type ProposedAppointment, type StaffDayAppointment } from '../../db/appointments';
import { isoDateSchema } from '../../domain/dates';
import { staffIdSchema } from '../../domain/early-collection';
import { accountIdSchema } from '../../domain/ids';
import { viewStaffDay } from '../../api/staff-appointments';
import { optionsOf, writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { signedInCaller } from '../sign-in';
import { ROUTE_ROLES, type RoleList } from '../../api/route-roles';

const ROUTE_ROLES_OF_STAFF_DAY = ROUTE_ROLES['GET /staff/:staffId/appointments'] as RoleList;
import { formatTable, minuteUtc } from '../table';

export const appointmentsOptionsSchema = z.strictObject({
  staff: staffIdSchema,
  date: isoDateSchema.optional(),
});
const APPOINTMENTS_FLAGS = { staff: '--staff', date: '--date' };

const proposalsOptionsSchema = z.strictObject({ account: accountIdSchema.optional() });

/** "09:30" in the staff member's zone: the time they go by. */
function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function printStaffDay(day: { staffId: string; date: string; timeZone: string; appointments: StaffDayAppointment[] }, write: (line: string) => void): void {
  write(`Visits of ${day.staffId} on ${day.date} (${day.timeZone}):`);
  if (day.appointments.length === 0) {
    write('  none.');
    return;
  }
  const table = formatTable(
    ['appointment', 'time', 'account', 'role', 'status', 'kind', 'visit', 'report due by', 'address'],
    day.appointments.map((a) => [
      String(a.appointmentId),
      `${localTime(a.startsAt, day.timeZone)}-${localTime(a.endsAt, day.timeZone)}`,
      a.accountId,
      a.role,
      a.status,
      a.kind,
      String(a.visitNumber),
      minuteUtc(a.reportDueBy),
      a.address === null ? (a.addressKind ?? '-') : `${a.addressKind ?? ''}: ${a.address}`,
    ]),
  );
  for (const line of [table.header, ...table.rows]) write(line);
}

export function printProposals(proposals: ProposedAppointment[], write: (line: string) => void): void {
  if (proposals.length === 0) {
    write('No proposals waiting for a confirmation.');
    return;
  }
  const table = formatTable(
    ['appointment', 'account', 'confirm by', 'reached via', 'slots'],
    proposals.map((p) => [String(p.appointmentId), p.accountId, minuteUtc(p.confirmBy), p.reachedVia ?? '-', p.proposedSlots.map((s) => `${s.slotId} ${minuteUtc(s.startsAt)}`).join(', ')]),
  );
  for (const line of [table.header, ...table.rows]) write(line);
}

export function registerAppointmentsCommands(program: Command): void {
  program
    .command('appointments')
    .description("A collector's visits of one day, with the addresses to visit (every view is recorded)")
    .requiredOption('--staff <id>', 'the collector or security colleague, such as collector-01')
    .option('--date <date>', "the day, YYYY-MM-DD, in the staff member's time zone (default: today there)")
    .action(async (raw: unknown) => {
      const { staff, date } = optionsOf(appointmentsOptionsSchema, raw, APPOINTMENTS_FLAGS);
      const day = await withCliContext(async ({ cfg, pool, log }) => {
        const viewer = await signedInCaller(cfg, ROUTE_ROLES_OF_STAFF_DAY);
        return viewStaffDay(pool, log, { viewer, staffId: staff, via: 'CLI', ...(date ? { date } : {}) });
      });
      if (day.kind !== 'OK') throw new Error(`refused: ${day.error}`);
      printStaffDay(day, writeLine);
    });

  program
    .command('proposals')
    .description("Appointments waiting for the borrower's confirmation, with their slots (confirm one with arrears confirm-appointment)")
    .option('--account <id>', "one account's (default: every account's)")
    .action(async (raw: unknown) => {
      const { account } = optionsOf(proposalsOptionsSchema, raw, { account: '--account' });
      printProposals(await withCliContext(({ pool }) => listProposedAppointments(pool, account ? { accountId: account } : {})), writeLine);
    });
}

/**
 * Appointments, the staff calendar and visit reports against the real Postgres (issue 7
 * §1-2). The shared test database holds other files' collectors too, so each test works in
 * a week of its own in 2037 and seeds staff who cover the borrower's hours: the slot times
 * are hand-computed from the borrower's preferred and contact hours; who is booked is read
 * back from the calendar.
 */
import type { PoolClient } from 'pg';
import { findAppointment, listProposedAppointments, listStaffAppointments } from '../src/db/appointments';
import { tryBookStaff } from '../src/db/staff-bookings';
import type { AppointmentProposed, BookVisitInput, VisitBooked, VisitReport } from '../src/domain/field-collection';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import { calendarDateIn } from '../src/domain/time-zones';
import { seedVisitAccount, type VisitAccountSeed } from '../src/field-collection/test-fixtures';
import { addFieldStaff, validVisitReport } from '../test/field-collection-seeds';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { uniqueId } from '../test/support';

const bed = activityTestbed();
const HOUR = 3_600_000;
const utc = (s: string) => Date.parse(s);

const SHANGHAI_EVENINGS: VisitAccountSeed = { timeZone: 'Asia/Shanghai', phoneHours: ['18:00', '20:00'] };

let collectors: string[];
let security: string;
beforeAll(async () => {
  // Shanghai collectors and a security colleague (09:00-20:00 there), so every Shanghai evening in these tests has someone free.
  const shanghaiDays = { timeZone: 'Asia/Shanghai', workFrom: '09:00', workUntil: '20:00' };
  collectors = [await addFieldStaff(bed.pool, 'COLLECTOR', shanghaiDays), await addFieldStaff(bed.pool, 'COLLECTOR', shanghaiDays)];
  security = await addFieldStaff(bed.pool, 'SECURITY', shanghaiDays);
});

/**
 * The day `instant` falls on in the staff member's own zone, as their calendar lists it:
 * the shared database holds other files' staff, in other zones (one in UTC+14), and
 * any free one may be booked.
 */
async function staffDateOf(staffId: string, instant: string | number): Promise<string> {
  const { rows } = await bed.pool.query<{ time_zone: string }>('SELECT time_zone FROM staff WHERE id = $1', [staffId]);
  return calendarDateIn(typeof instant === 'number' ? instant : Date.parse(instant), rows[0]?.time_zone ?? 'UTC');
}

async function propose(accountId: string, at: number, requiresSecurity = false): Promise<Extract<AppointmentProposed, { outcome: 'PROPOSED' }>> {
  const result = await runActivity(bed.activities.proposeAppointment, { idempotencyKey: uniqueId('appt'), accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity, at });
  if (result.outcome !== 'PROPOSED') throw new Error(`no proposal: ${JSON.stringify(result)}`);
  return result;
}

const confirm = (accountId: string, appointmentId: number, slotId: string, at: number, address: { kind: 'HOME' | 'WORKPLACE'; text?: string } = { kind: 'HOME' }) =>
  runActivity(bed.activities.confirmAppointment, {
    accountId,
    workflowId: accountWorkflowId(accountId),
    confirmation: { appointmentId, slotId, address, confirmedBy: 'BORROWER', channel: 'SMS' },
    reportDeadlineHours: 48,
    at,
  });

const visitInput = (accountId: string, at: number, over: Partial<BookVisitInput> = {}): BookVisitInput => ({
  idempotencyKey: uniqueId('visit'),
  accountId,
  workflowId: accountWorkflowId(accountId),
  visitNumber: 1,
  requiresSecurity: false,
  reportDeadlineHours: 48,
  at,
  ...over,
});

async function bookVisit(input: BookVisitInput): Promise<VisitBooked> {
  const result = await runActivity(bed.activities.bookVisit, input);
  if (result.outcome !== 'BOOKED') throw new Error(`not booked: ${JSON.stringify(result)}`);
  return result;
}

const bookingsOf = async (appointmentId: number) =>
  (
    await bed.pool.query(
      `SELECT staff_id, role_on_visit, status, lower(during) AS starts_at, upper(during) AS ends_at FROM staff_bookings WHERE appointment_id = $1 ORDER BY role_on_visit, id`,
      [appointmentId],
    )
  ).rows.map((r) => ({ staffId: r.staff_id, role: r.role_on_visit, status: r.status, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString() }));

const appointmentRow = async (appointmentId: number) => (await bed.pool.query('SELECT * FROM appointments WHERE id = $1', [appointmentId])).rows[0];

describe('loadFieldPolicy', () => {
  test("the treatment decides what follows no confirmation; the account's risk tier decides the security colleague", async () => {
    const high = (await seedVisitAccount(bed.pool, { timeZone: 'Asia/Shanghai', riskTier: 'HIGH' })).accountId;
    const low = (await seedVisitAccount(bed.pool, { timeZone: 'Asia/Shanghai', riskTier: 'LOW' })).accountId;
    const strong = await runActivity(bed.activities.loadFieldPolicy, { accountId: high, treatmentId: 'strong', at: Date.now() });
    expect(strong).toEqual({
      configVersion: '2026.1',
      contactOrder: ['CALL', 'SMS', 'EMAIL'],
      appointmentTemplates: { CALL: 'call-appointment', SMS: 'sms-appointment', EMAIL: 'email-appointment' },
      familyCallbackTemplate: 'sms-family-callback',
      visitNoticeTemplate: 'sms-visit-notice',
      callWindowHours: 24,
      confirmWindowHours: 72,
      onNoConfirmation: 'LEGAL',
      maxReschedules: 2,
      reportDeadlineHours: 48,
      onVisitsExhausted: 'LEGAL',
      afterReport: { PLAN: 'NEGOTIATION', SETTLEMENT: 'NEGOTIATION', LEGAL: 'LEGAL', WRITE_OFF: 'LEGAL', NONE: 'REMINDING' },
      requiresSecurity: true,
    });
    const gentle = await runActivity(bed.activities.loadFieldPolicy, { accountId: low, treatmentId: 'gentle', at: Date.now() });
    expect([gentle.onNoConfirmation, gentle.requiresSecurity]).toEqual(['VISIT', false]);
    await expect(runActivity(bed.activities.loadFieldPolicy, { accountId: uniqueId('NOPE'), treatmentId: 'gentle', at: Date.now() })).rejects.toMatchObject({
      type: FailureType.AccountNotFound,
      nonRetryable: true,
    });
  });
});

describe('proposeAppointment', () => {
  // Monday 5 January 2037, 09:00 in Shanghai; 24 hours' lead → from Tuesday 09:00.
  const AT = utc('2037-01-05T01:00:00Z');

  test("three evenings in the borrower's preferred phone hours (18:00-20:00 Shanghai), once per key, nothing booked", async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, emailHours: ['09:00', '10:00'] });
    const input = { idempotencyKey: uniqueId('appt'), accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity: false, at: AT };
    const first = await runActivity(bed.activities.proposeAppointment, input);
    // 18:00-19:30 CST is 10:00-11:30 UTC; the e-mail's morning hours do not count: the preferred phone's do.
    expect(first).toEqual({
      outcome: 'PROPOSED',
      appointmentId: expect.any(Number),
      slots: [
        { slotId: 's1', startsAt: '2037-01-06T10:00:00.000Z', endsAt: '2037-01-06T11:30:00.000Z' },
        { slotId: 's2', startsAt: '2037-01-07T10:00:00.000Z', endsAt: '2037-01-07T11:30:00.000Z' },
        { slotId: 's3', startsAt: '2037-01-08T10:00:00.000Z', endsAt: '2037-01-08T11:30:00.000Z' },
      ],
      confirmBy: '2037-01-08T01:00:00.000Z',
    });
    expect(await runActivity(bed.activities.proposeAppointment, { ...input, at: AT + HOUR })).toEqual(first);
    if (first.outcome !== 'PROPOSED') throw new Error('not proposed');

    const row = await appointmentRow(first.appointmentId);
    expect([row.kind, row.status, row.proposed_at.toISOString(), row.requires_security]).toEqual(['ARRANGED', 'PROPOSED', '2037-01-05T01:00:00.000Z', false]);
    expect(row.proposed_slots.every((s: { preferredCollectorId: string | null }) => typeof s.preferredCollectorId === 'string')).toBe(true);
    expect(await bookingsOf(first.appointmentId)).toEqual([]);
    expect((await bed.pool.query('SELECT count(*)::int AS n FROM appointments WHERE account_id = $1', [accountId])).rows[0].n).toBe(1);

    expect(await findAppointment(bed.pool, first.appointmentId)).toEqual({
      appointmentId: first.appointmentId,
      accountId,
      workflowId: accountWorkflowId(accountId),
      status: 'PROPOSED',
      kind: 'ARRANGED',
      startsAt: null,
      endsAt: null,
      collectorId: null,
      securityId: null,
      proposedSlots: first.slots,
      confirmBy: '2037-01-08T01:00:00.000Z',
    });
    expect(await findAppointment(bed.pool, 2_147_000_000)).toBeNull();
    expect((await listProposedAppointments(bed.pool, { accountId })).map((p) => [p.appointmentId, p.proposedSlots.length, p.confirmBy])).toEqual([
      [first.appointmentId, 3, '2037-01-08T01:00:00.000Z'],
    ]);
  });

  test('a Los Angeles borrower with no hours on file: from 08:00 Pacific, the start of US contact hours', async () => {
    await addFieldStaff(bed.pool, 'COLLECTOR', { timeZone: 'America/Los_Angeles', workFrom: '08:00', workUntil: '16:00' });
    const { accountId } = await seedVisitAccount(bed.pool, { timeZone: 'America/Los_Angeles', jurisdiction: 'US' });
    // Sunday 11 January 2037, 08:00 PST (UTC-8) → from Monday 08:00 PST = 16:00 UTC.
    const proposal = await propose(accountId, utc('2037-01-11T16:00:00Z'));
    expect(proposal.slots.map((s) => s.startsAt)).toEqual(['2037-01-12T16:00:00.000Z', '2037-01-13T16:00:00.000Z', '2037-01-14T16:00:00.000Z']);
  });

  test('preferred hours outside the contact hours: NO_FREE_SLOT, look again in a day, nothing written', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { timeZone: 'Asia/Shanghai', phoneHours: ['22:30', '23:30'] });
    const result = await runActivity(bed.activities.proposeAppointment, { idempotencyKey: uniqueId('appt'), accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity: false, at: AT });
    expect(result).toEqual({ outcome: 'NO_FREE_SLOT', lookAgainAt: '2037-01-06T01:00:00.000Z' });
    expect((await bed.pool.query('SELECT count(*)::int AS n FROM appointments WHERE account_id = $1', [accountId])).rows[0].n).toBe(0);
    await expect(
      runActivity(bed.activities.proposeAppointment, { idempotencyKey: uniqueId('appt'), accountId: uniqueId('NOPE'), workflowId: 'w', confirmWindowHours: 72, requiresSecurity: false, at: AT }),
    ).rejects.toMatchObject({ type: FailureType.AccountNotFound, nonRetryable: true });
  });

  test('markAppointmentReached keeps the first channel that reached the borrower', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const { appointmentId } = await propose(accountId, AT);
    await runActivity(bed.activities.markAppointmentReached, { appointmentId, via: 'SMS', at: AT });
    await runActivity(bed.activities.markAppointmentReached, { appointmentId, via: 'EMAIL', at: AT + HOUR });
    expect((await appointmentRow(appointmentId)).reached_via).toBe('SMS');
    await expect(runActivity(bed.activities.markAppointmentReached, { appointmentId: 2_147_000_000, via: 'SMS', at: AT })).rejects.toMatchObject({ type: FailureType.UnknownAppointment });
  });
});

describe('confirmAppointment', () => {
  // Monday 2 February 2037, 09:00 in Shanghai: slots on Tuesday 3, Wednesday 4 and Thursday 5 at 18:00 CST.
  const AT = utc('2037-02-02T01:00:00Z');

  test('books the preferred collector for the chosen slot, keeps the address on file apart, and is idempotent', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, homeAddress: '12 Lane 3, Xuhui, Shanghai' });
    const proposal = await propose(accountId, AT);
    const preferred = (await appointmentRow(proposal.appointmentId)).proposed_slots[1].preferredCollectorId;

    const visit = await confirm(accountId, proposal.appointmentId, 's2', AT + HOUR);
    expect(visit).toEqual({
      outcome: 'BOOKED',
      appointmentId: proposal.appointmentId,
      kind: 'ARRANGED',
      startsAt: '2037-02-04T10:00:00.000Z',
      endsAt: '2037-02-04T11:30:00.000Z',
      collectorId: preferred,
      securityId: null,
      addressKind: 'HOME',
      reportDueBy: '2037-02-06T11:30:00.000Z', // the slot's end + 48 hours
    });
    expect(await bookingsOf(proposal.appointmentId)).toEqual([{ staffId: preferred, role: 'COLLECTOR', status: 'BOOKED', startsAt: visit.startsAt, endsAt: visit.endsAt }]);
    const row = await appointmentRow(proposal.appointmentId);
    expect([row.status, row.confirmed_by, row.confirmed_at.toISOString()]).toEqual(['CONFIRMED', 'BORROWER', '2037-02-02T02:00:00.000Z']);
    expect((await bed.pool.query('SELECT address FROM appointment_addresses WHERE appointment_id = $1', [proposal.appointmentId])).rows).toEqual([{ address: '12 Lane 3, Xuhui, Shanghai' }]);

    // the same confirmation again: the same booking, nobody booked twice
    expect(await confirm(accountId, proposal.appointmentId, 's2', AT + 2 * HOUR)).toEqual(visit);
    expect(await bookingsOf(proposal.appointmentId)).toHaveLength(1);
    // another slot, once confirmed: refused
    await expect(confirm(accountId, proposal.appointmentId, 's1', AT + 2 * HOUR)).rejects.toMatchObject({ type: FailureType.AppointmentNotOpen, nonRetryable: true });

    // the collector's day in their own zone, with the address to go to
    const day = await listStaffAppointments(bed.pool, preferred, await staffDateOf(preferred, visit.startsAt));
    expect(day.filter((a) => a.appointmentId === proposal.appointmentId)).toEqual([
      {
        appointmentId: proposal.appointmentId,
        accountId,
        workflowId: accountWorkflowId(accountId),
        kind: 'ARRANGED',
        status: 'CONFIRMED',
        role: 'COLLECTOR',
        visitNumber: 1,
        startsAt: visit.startsAt,
        endsAt: visit.endsAt,
        collectorId: preferred,
        securityId: null,
        addressKind: 'HOME',
        address: '12 Lane 3, Xuhui, Shanghai',
        reportDueBy: visit.reportDueBy,
      },
    ]);
    const dayAfter = await staffDateOf(preferred, Date.parse(visit.startsAt) + 24 * HOUR);
    expect((await listStaffAppointments(bed.pool, preferred, dayAfter)).some((a) => a.appointmentId === proposal.appointmentId)).toBe(false);
    expect(await listProposedAppointments(bed.pool, { accountId })).toEqual([]);
  });

  test('two borrowers confirm the same slot with the same preferred collector: the second gets another collector', async () => {
    const a = (await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS)).accountId;
    const b = (await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS)).accountId;
    // Monday 9 February: a week of its own, so that the earlier tests' bookings do not count
    const at = utc('2037-02-09T01:00:00Z');
    const [pa, pb] = [await propose(a, at), await propose(b, at)];
    const preferred = (await appointmentRow(pa.appointmentId)).proposed_slots[0].preferredCollectorId;
    expect((await appointmentRow(pb.appointmentId)).proposed_slots[0].preferredCollectorId).toBe(preferred);

    const first = await confirm(a, pa.appointmentId, 's1', at);
    const second = await confirm(b, pb.appointmentId, 's1', at);
    expect(first.collectorId).toBe(preferred);
    expect(second.collectorId).not.toBe(preferred);
    expect([first.startsAt, second.startsAt]).toEqual(['2037-02-10T10:00:00.000Z', '2037-02-10T10:00:00.000Z']);
  });

  test('a high-risk visit books a security colleague for the same slot', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, riskTier: 'HIGH' });
    const at = utc('2037-02-16T01:00:00Z'); // Monday 16 February: s3 is Thursday 19th, 18:00 CST
    const proposal = await propose(accountId, at, true);
    const visit = await confirm(accountId, proposal.appointmentId, 's3', at);
    expect(visit.securityId).toEqual(expect.any(String));
    expect((await bookingsOf(proposal.appointmentId)).map((b) => [b.role, b.staffId, b.startsAt])).toEqual([
      ['COLLECTOR', visit.collectorId, '2037-02-19T10:00:00.000Z'],
      ['SECURITY', visit.securityId, '2037-02-19T10:00:00.000Z'],
    ]);
    expect((await listStaffAppointments(bed.pool, visit.securityId as string, await staffDateOf(visit.securityId as string, visit.startsAt))).find((x) => x.appointmentId === proposal.appointmentId)?.role).toBe('SECURITY');
    expect(security).toEqual(expect.any(String));
  });

  test('a slot that has begun is refused, naming the proposed slots still bookable; nothing changes', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const proposal = await propose(accountId, utc('2037-02-23T01:00:00Z')); // Monday 23 February
    const late = utc('2037-02-24T10:01:00Z');
    await expect(confirm(accountId, proposal.appointmentId, 's1', late)).rejects.toMatchObject({
      type: FailureType.SlotTaken,
      nonRetryable: true,
      message: `slot s1 (2037-02-24T10:00:00.000Z) of appointment ${proposal.appointmentId} has already begun; still bookable: s2 (2037-02-25T10:00:00.000Z), s3 (2037-02-26T10:00:00.000Z)`,
    });
    expect((await appointmentRow(proposal.appointmentId)).status).toBe('PROPOSED');
    expect(await bookingsOf(proposal.appointmentId)).toEqual([]);
  });

  test('the workplace: the address given now, or refused (AddressMissing) when none is on file and none given', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, workAddress: null });
    const proposal = await propose(accountId, AT);
    await expect(confirm(accountId, proposal.appointmentId, 's1', AT, { kind: 'WORKPLACE' })).rejects.toMatchObject({
      type: FailureType.AddressMissing,
      nonRetryable: true,
      message: 'no workplace address is on file for this borrower: give address.text (the workplace address to visit) with the confirmation',
    });
    expect(await bookingsOf(proposal.appointmentId)).toEqual([]);
    const visit = await confirm(accountId, proposal.appointmentId, 's1', AT, { kind: 'WORKPLACE', text: 'Unit 5, 88 Century Avenue, Pudong' });
    expect(visit.addressKind).toBe('WORKPLACE');
    expect((await bed.pool.query('SELECT address FROM appointment_addresses WHERE appointment_id = $1', [proposal.appointmentId])).rows).toEqual([{ address: 'Unit 5, 88 Century Avenue, Pudong' }]);
  });

  test("another account's appointment, or a slot never offered: refused", async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const other = (await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS)).accountId;
    const proposal = await propose(accountId, AT);
    await expect(confirm(other, proposal.appointmentId, 's1', AT)).rejects.toMatchObject({ type: FailureType.UnknownAppointment, nonRetryable: true });
    await expect(confirm(accountId, proposal.appointmentId, 's9', AT)).rejects.toMatchObject({
      type: FailureType.UnknownSlot,
      message: `appointment ${proposal.appointmentId} offered no slot s9 (offered: s1, s2, s3)`,
    });
  });
});

describe('bookVisit', () => {
  // Monday 2 March 2037, 09:00 in Shanghai: the earliest evening slot is Tuesday 3 March 18:00 CST.
  const AT = utc('2037-03-02T01:00:00Z');

  test('an unannounced visit (a reschedule): the earliest free slot, booked at once, at the home on file; once per key', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, homeAddress: '7 Garden Road, Minhang', workAddress: 'Office 9, Jing An' });
    const earlier = await propose(accountId, AT);
    const input = visitInput(accountId, AT, { visitNumber: 2, rescheduledFrom: earlier.appointmentId });
    const visit = await bookVisit(input);
    expect(visit).toEqual({
      outcome: 'BOOKED',
      appointmentId: expect.any(Number),
      kind: 'UNANNOUNCED',
      startsAt: '2037-03-03T10:00:00.000Z',
      endsAt: '2037-03-03T11:30:00.000Z',
      collectorId: expect.any(String),
      securityId: null,
      addressKind: 'HOME',
      reportDueBy: '2037-03-05T11:30:00.000Z',
    });
    expect(await bookVisit({ ...input, at: AT + HOUR })).toEqual(visit);
    expect(await bookingsOf(visit.appointmentId)).toEqual([{ staffId: visit.collectorId, role: 'COLLECTOR', status: 'BOOKED', startsAt: visit.startsAt, endsAt: visit.endsAt }]);
    const row = await appointmentRow(visit.appointmentId);
    expect([row.status, row.confirmed_at, row.visit_number, Number(row.rescheduled_from)]).toEqual(['CONFIRMED', null, 2, earlier.appointmentId]);
    const [listed] = (await listStaffAppointments(bed.pool, visit.collectorId, await staffDateOf(visit.collectorId, visit.startsAt))).filter((a) => a.appointmentId === visit.appointmentId);
    expect([listed?.kind, listed?.address]).toEqual(['UNANNOUNCED', '7 Garden Road, Minhang']);
  });

  test('the workplace when no home is on file; neither: booked all the same, with no address for the collector', async () => {
    const at = utc('2037-03-09T01:00:00Z'); // Monday 9 March: both visits on Tuesday 10th, 18:00 CST
    const worker = (await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, homeAddress: null, workAddress: 'Office 9, Jing An' })).accountId;
    expect((await bookVisit(visitInput(worker, at))).addressKind).toBe('WORKPLACE');

    const unknown = (await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, homeAddress: null })).accountId;
    const visit = await bookVisit(visitInput(unknown, at, { requiresSecurity: true }));
    expect([visit.startsAt, visit.addressKind, visit.securityId === null]).toEqual(['2037-03-10T10:00:00.000Z', 'HOME', false]);
    const [listed] = (await listStaffAppointments(bed.pool, visit.collectorId, await staffDateOf(visit.collectorId, visit.startsAt))).filter((a) => a.appointmentId === visit.appointmentId);
    expect(listed?.address).toBeNull();
  });

  test('nothing free in the horizon: NO_FREE_SLOT, nothing written', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, { timeZone: 'Asia/Shanghai', phoneHours: ['22:30', '23:30'] });
    expect(await runActivity(bed.activities.bookVisit, visitInput(accountId, AT))).toEqual({ outcome: 'NO_FREE_SLOT', lookAgainAt: '2037-03-03T01:00:00.000Z' });
    expect((await bed.pool.query('SELECT count(*)::int AS n FROM appointments WHERE account_id = $1', [accountId])).rows[0].n).toBe(0);
  });
});

describe('closeAppointment', () => {
  // Monday 6 April 2037, 09:00 in Shanghai: visits on Tuesday 7 April 18:00 CST.
  const AT = utc('2037-04-06T01:00:00Z');

  test('CANCELLED frees the staff for what has not begun; a second closing keeps the first', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const visit = await bookVisit(visitInput(accountId, AT));
    await runActivity(bed.activities.closeAppointment, { appointmentId: visit.appointmentId, status: 'CANCELLED', note: 'cured', at: AT + HOUR });
    const row = await appointmentRow(visit.appointmentId);
    expect([row.status, row.closed_at.toISOString(), row.close_note]).toEqual(['CANCELLED', '2037-04-06T02:00:00.000Z', 'cured']);
    expect((await bookingsOf(visit.appointmentId)).map((b) => b.status)).toEqual(['RELEASED']);

    // the collector is free again for that very range: the database takes a new booking
    const client: PoolClient = await bed.pool.connect();
    try {
      await client.query('BEGIN');
      const range = { startsAt: new Date(visit.startsAt), endsAt: new Date(visit.endsAt), bookedAt: new Date(AT) };
      expect(await tryBookStaff(client, { staffId: visit.collectorId, appointmentId: visit.appointmentId, role: 'COLLECTOR', ...range })).toBe(true);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }

    await runActivity(bed.activities.closeAppointment, { appointmentId: visit.appointmentId, status: 'NO_SHOW', closedBy: visit.collectorId, at: AT + 2 * HOUR });
    expect((await appointmentRow(visit.appointmentId)).status).toBe('CANCELLED');
  });

  test('a no-show keeps the booking (the trip was made) and notes who reported it; a proposal expires', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const visit = await bookVisit(visitInput(accountId, AT));
    const afterVisit = Date.parse(visit.endsAt) + HOUR;
    await runActivity(bed.activities.closeAppointment, { appointmentId: visit.appointmentId, status: 'NO_SHOW', closedBy: visit.collectorId, note: 'nobody home', at: afterVisit });
    const row = await appointmentRow(visit.appointmentId);
    expect([row.status, row.close_note]).toEqual(['NO_SHOW', `${visit.collectorId}: nobody home`]);
    expect((await bookingsOf(visit.appointmentId)).map((b) => b.status)).toEqual(['BOOKED']);

    const proposal = await propose(accountId, AT);
    await expect(runActivity(bed.activities.closeAppointment, { appointmentId: proposal.appointmentId, status: 'NO_SHOW', at: AT })).rejects.toMatchObject({
      type: FailureType.AppointmentNotOpen,
      message: `appointment ${proposal.appointmentId} is PROPOSED: it cannot close as NO_SHOW (only EXPIRED or CANCELLED)`,
    });
    await runActivity(bed.activities.closeAppointment, { appointmentId: proposal.appointmentId, status: 'EXPIRED', at: AT + 72 * HOUR });
    expect((await appointmentRow(proposal.appointmentId)).status).toBe('EXPIRED');
    await expect(runActivity(bed.activities.closeAppointment, { appointmentId: 2_147_000_000, status: 'EXPIRED', at: AT })).rejects.toMatchObject({ type: FailureType.UnknownAppointment });
  });
});

describe('recordVisitReport', () => {
  // Monday 4 May 2037, 09:00 in Shanghai: visits on Tuesday 5 May 18:00 CST.
  const AT = utc('2037-05-04T01:00:00Z');
  /** the seeds' valid report, with every note that belongs to the personal part */
  const visitReportFor = (appointmentId: number, submittedBy: string): VisitReport => {
    const report = validVisitReport(appointmentId, submittedBy, '2037-01-06T10:15:00+08:00');
    return {
      ...report,
      identity: { ...report.identity, note: 'ID card 110101199001011234 matches' },
      interview: { ...report.interview, monthlyIncome: '8500.5' },
      assessment: { ...report.assessment, note: 'keen to pay, short of cash' },
    };
  };
  const submit = (accountId: string, report: VisitReport, at = AT + 40 * HOUR) =>
    runActivity(bed.activities.recordVisitReport, { accountId, workflowId: accountWorkflowId(accountId), report, at });

  test('by the booked collector: the facts in visit_reports, what the borrower said apart, money in minor units; once', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const visit = await bookVisit(visitInput(accountId, AT));
    const report = visitReportFor(visit.appointmentId, visit.collectorId);
    const recorded = await submit(accountId, report);
    expect(recorded).toEqual({ reportId: expect.any(Number), appointmentId: visit.appointmentId });
    expect(await submit(accountId, report, AT + 41 * HOUR)).toEqual(recorded);

    const facts = (await bed.pool.query('SELECT * FROM visit_reports WHERE id = $1', [recorded.reportId])).rows[0];
    expect(facts).toMatchObject({
      account_id: accountId,
      submitted_by: visit.collectorId,
      security_staff_id: null,
      address_kind: 'HOME',
      credentials_shown: true,
      identity_checked: true,
      identity_method: 'ID_CARD',
      documents: { loanContract: 'SEEN', idCard: 'SEEN', proofOfIncome: 'NOT_SEEN', proofOfAssets: 'NOT_APPLICABLE', householdRegister: 'SEEN', marriageCertificate: 'NOT_APPLICABLE' },
      consent: { form: 'WRITTEN', covers: ['INTERVIEW_ANSWERS', 'INCOME_FIGURES'] },
      ability_to_pay: 3,
      willingness_to_pay: 4,
      recommended_action: 'PLAN',
    });
    expect([facts.visited_at.toISOString(), facts.submitted_at.toISOString()]).toEqual(['2037-01-06T02:15:00.000Z', '2037-05-05T17:00:00.000Z']);
    const personal = (await bed.pool.query('SELECT * FROM visit_report_personal_data WHERE visit_report_id = $1', [recorded.reportId])).rows[0];
    expect(personal).toEqual({
      visit_report_id: recorded.reportId,
      occupation: 'warehouse shift lead',
      household_members: [
        { relation: 'SPOUSE', age: 38, earns: false },
        { relation: 'CHILD', age: 9 },
      ],
      monthly_income: 850_050, // CNY 8500.5
      monthly_outgoings: 610_000,
      reason_for_lateness: 'INCOME_DROP',
      reason_detail: 'hours cut in the autumn',
      identity_note: 'ID card 110101199001011234 matches',
      document_notes: { proofOfIncome: 'payslips at the employer' },
      assessment_note: 'keen to pay, short of cash',
      recommendation_note: 'a 12-month plan sized to the income',
    });
    const row = await appointmentRow(visit.appointmentId);
    expect([row.status, row.closed_at.toISOString()]).toEqual(['VISITED', '2037-05-05T17:00:00.000Z']);
  });

  test('refused: someone not booked for the visit, a proposal, another account, an amount finer than the currency', async () => {
    const { accountId } = await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS);
    const visit = await bookVisit(visitInput(accountId, AT));
    const stranger = collectors.find((c) => c !== visit.collectorId) as string;
    await expect(submit(accountId, visitReportFor(visit.appointmentId, stranger))).rejects.toMatchObject({
      type: FailureType.NotVisitStaff,
      nonRetryable: true,
      message: `${stranger} is not booked for appointment ${visit.appointmentId}: the collector or the security colleague who went submits the report`,
    });
    const other = (await seedVisitAccount(bed.pool, SHANGHAI_EVENINGS)).accountId;
    await expect(submit(other, visitReportFor(visit.appointmentId, visit.collectorId))).rejects.toMatchObject({ type: FailureType.UnknownAppointment });

    const proposal = await propose(accountId, AT);
    await expect(submit(accountId, visitReportFor(proposal.appointmentId, visit.collectorId))).rejects.toMatchObject({
      type: FailureType.AppointmentNotOpen,
      message: `appointment ${proposal.appointmentId} is PROPOSED: a report is taken for a CONFIRMED visit only`,
    });

    const yen = (await seedVisitAccount(bed.pool, { ...SHANGHAI_EVENINGS, currency: 'JPY' })).accountId;
    const yenVisit = await bookVisit(visitInput(yen, AT));
    const report = visitReportFor(yenVisit.appointmentId, yenVisit.collectorId);
    const interview = { ...report.interview, monthlyIncome: '250000.5', monthlyOutgoings: '180000' };
    await expect(submit(yen, { ...report, interview })).rejects.toMatchObject({
      type: FailureType.VisitReportNotAccepted,
      message: 'interview.monthlyIncome: finer than the minor unit: JPY has no minor unit',
    });
    expect((await appointmentRow(yenVisit.appointmentId)).status).toBe('CONFIRMED');
    expect((await bed.pool.query('SELECT count(*)::int AS n FROM visit_reports WHERE appointment_id = $1', [yenVisit.appointmentId])).rows[0].n).toBe(0);
  });
});

describe('checkSupervisor', () => {
  test('an active supervisor passes; anyone else is refused', async () => {
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR');
    const retired = await addFieldStaff(bed.pool, 'SUPERVISOR', { active: false });
    await expect(runActivity(bed.activities.checkSupervisor, { staffId: supervisor })).resolves.toBeUndefined();
    await expect(runActivity(bed.activities.checkSupervisor, { staffId: collectors[0] as string })).rejects.toMatchObject({
      type: FailureType.NotASupervisor,
      nonRetryable: true,
      message: `${collectors[0]} is not an active supervisor (role COLLECTOR)`,
    });
    for (const staffId of [retired, uniqueId('nobody')]) {
      await expect(runActivity(bed.activities.checkSupervisor, { staffId })).rejects.toMatchObject({ type: FailureType.NotASupervisor, message: `${staffId} is not an active supervisor` });
    }
  });
});


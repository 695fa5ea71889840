/**
 * The proof that a collector is never double-booked (issue 7 §1): the database refuses it,
 * whatever the code does. Against the real Postgres, from separate connections at once:
 *  - a raw overlapping INSERT is refused by the exclusion constraint (23P01), bypassing the code;
 *  - ten transactions booking one staff member for ten overlapping ranges: exactly one wins;
 *  - ten borrowers confirming the same slot, all preferring the same collector, and ten
 *    unannounced visits booked at once: every one that succeeds has a collector of its own,
 *    the rest fail cleanly (SlotTaken), and no staff member holds two overlapping bookings.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { OutboxSmsProvider } from '../../activities/providers/sms-provider';
import { FailureType } from '../domain/failures';
import { accountWorkflowId } from '../domain/ids';
import { seedVisitAccount } from '../field-collection/test-fixtures';
import { runActivity } from '../../test/activity-testbed';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { testDatabaseUrl, uniqueId } from '../../test/support';
import { createPool, type Pool } from './pool';
import { tryBookStaff } from './staff-bookings';

const CONNECTIONS = 10;
let pool: Pool;
beforeAll(() => {
  // One connection per contender (testPool keeps 5).
  pool = createPool(testDatabaseUrl(), CONNECTIONS + 2);
});
afterAll(async () => {
  await pool.end();
});

const SHANGHAI_EVENINGS = { timeZone: 'Asia/Shanghai', phoneHours: ['18:00', '20:00'] as [string, string] };

/** An appointment row for bookings to hang on (a proposal: no booking of its own). */
async function appointmentFor(accountId: string): Promise<number> {
  const { rows } = await pool.query(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security)
     SELECT $1, id, borrower_id, $2, 'ARRANGED', 'PROPOSED', false FROM accounts WHERE id = $3 RETURNING id`,
    [uniqueId('appt'), accountWorkflowId(accountId), accountId],
  );
  return Number(rows[0].id);
}

const book = (staffId: string, appointmentId: number, from: string, until: string) =>
  pool.query(`INSERT INTO staff_bookings (staff_id, appointment_id, role_on_visit, during) VALUES ($1, $2, 'COLLECTOR', tstzrange($3, $4)) RETURNING id`, [staffId, appointmentId, from, until]);

/** Pairs of BOOKED rows of one staff member whose ranges overlap: the constraint allows none. */
const overlappingBookings = async (staffIds: string[]) =>
  (
    await pool.query(
      `SELECT a.staff_id, a.id AS first, b.id AS second FROM staff_bookings a
         JOIN staff_bookings b ON b.staff_id = a.staff_id AND a.id < b.id AND a.during && b.during
        WHERE a.status = 'BOOKED' AND b.status = 'BOOKED' AND a.staff_id = ANY($1)`,
      [staffIds],
    )
  ).rows;

test('a direct overlapping INSERT is refused by the constraint (23P01), even bypassing the code', async () => {
  const collector = await addFieldStaff(pool, 'COLLECTOR');
  const other = await addFieldStaff(pool, 'COLLECTOR');
  const { accountId } = await seedVisitAccount(pool, SHANGHAI_EVENINGS);
  const [a, b, c, d] = [await appointmentFor(accountId), await appointmentFor(accountId), await appointmentFor(accountId), await appointmentFor(accountId)];

  const first = await book(collector, a, '2037-06-01T10:00:00Z', '2037-06-01T11:30:00Z');
  await expect(book(collector, b, '2037-06-01T11:00:00Z', '2037-06-01T12:00:00Z')).rejects.toMatchObject({ code: '23P01', constraint: 'staff_bookings_no_double_booking' });
  await expect(book(collector, b, '2037-06-01T09:00:00Z', '2037-06-01T13:00:00Z')).rejects.toMatchObject({ code: '23P01' });
  // half-open ranges: the next visit may start the minute this one ends; another collector may overlap
  await expect(book(collector, b, '2037-06-01T11:30:00Z', '2037-06-01T13:00:00Z')).resolves.toMatchObject({ rowCount: 1 });
  await expect(book(other, c, '2037-06-01T10:30:00Z', '2037-06-01T12:00:00Z')).resolves.toMatchObject({ rowCount: 1 });
  // a released booking holds nobody
  await pool.query(`UPDATE staff_bookings SET status = 'RELEASED', released_at = now() WHERE id = $1`, [first.rows[0].id]);
  await expect(book(collector, d, '2037-06-01T10:00:00Z', '2037-06-01T11:00:00Z')).resolves.toMatchObject({ rowCount: 1 });
  expect(await overlappingBookings([collector, other])).toEqual([]);
});

test(`${CONNECTIONS} transactions book one collector for overlapping ranges at once: exactly one booking survives`, async () => {
  const collector = await addFieldStaff(pool, 'COLLECTOR');
  const { accountId } = await seedVisitAccount(pool, SHANGHAI_EVENINGS);
  const appointments = await Promise.all(Array.from({ length: CONNECTIONS }, () => appointmentFor(accountId)));
  // ranges 10:00 + 5n minutes, 90 minutes long: every pair overlaps
  const ranges = appointments.map((_, n) => ({ startsAt: new Date(Date.parse('2037-06-08T10:00:00Z') + n * 5 * 60_000), endsAt: new Date(Date.parse('2037-06-08T11:30:00Z') + n * 5 * 60_000) }));

  const clients = await Promise.all(appointments.map(() => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query('BEGIN')));
    // each contender commits as soon as its INSERT is answered; the others wait on it, then are refused
    const booked = await Promise.all(
      clients.map(async (client, n) => {
        const ok = await tryBookStaff(client, { staffId: collector, appointmentId: appointments[n] as number, role: 'COLLECTOR', ...(ranges[n] as (typeof ranges)[number]), bookedAt: new Date() });
        await client.query('COMMIT');
        return ok;
      }),
    );
    expect(booked.filter(Boolean)).toHaveLength(1);
  } finally {
    for (const c of clients) c.release();
  }
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM staff_bookings WHERE staff_id = $1 AND status = 'BOOKED'`, [collector]);
  expect(rows[0].n).toBe(1);
});

describe('through the activities', () => {
  let activities: ReturnType<typeof createActivities>;
  beforeAll(() => {
    activities = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
  });

  test(`${CONNECTIONS} borrowers confirm the same slot at once, all preferring one collector: one booking per collector, the rest SlotTaken`, async () => {
    // Shanghai collectors of this test's own; other files' collectors may be free at that hour too, and take part.
    for (let n = 0; n < 3; n++) await addFieldStaff(pool, 'COLLECTOR', { timeZone: 'Asia/Shanghai', workFrom: '09:00', workUntil: '20:00' });
    const at = Date.parse('2037-06-15T01:00:00Z'); // Monday 09:00 CST: s1 is Tuesday 16 June, 18:00-19:30 CST
    const accounts = await Promise.all(Array.from({ length: CONNECTIONS }, () => seedVisitAccount(pool, SHANGHAI_EVENINGS)));
    const proposals = [];
    for (const { accountId } of accounts) {
      const p = await runActivity(activities.proposeAppointment, { idempotencyKey: uniqueId('appt'), accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity: false, at });
      if (p.outcome !== 'PROPOSED') throw new Error('no proposal');
      proposals.push({ accountId, appointmentId: p.appointmentId, s1: p.slots[0] });
    }
    expect(new Set(proposals.map((p) => p.s1?.startsAt))).toEqual(new Set(['2037-06-16T10:00:00.000Z']));
    const preferred = (await pool.query('SELECT DISTINCT proposed_slots->0->>$2 AS id FROM appointments WHERE id = ANY($1)', [proposals.map((p) => p.appointmentId), 'preferredCollectorId'])).rows;
    expect(preferred).toHaveLength(1);

    const outcomes = await Promise.all(
      proposals.map(({ accountId, appointmentId }) =>
        runActivity(activities.confirmAppointment, {
          accountId,
          workflowId: accountWorkflowId(accountId),
          confirmation: { appointmentId, slotId: 's1', address: { kind: 'HOME' }, confirmedBy: 'BORROWER', channel: 'WEB' },
          reportDeadlineHours: 48,
          at,
        }).then(
          (visit) => ({ visit }),
          (err: unknown) => ({ err }),
        ),
      ),
    );
    const visits = outcomes.flatMap((o) => ('visit' in o ? [o.visit] : []));
    const failures = outcomes.flatMap((o) => ('err' in o ? [o.err] : []));
    for (const err of failures) expect(err).toMatchObject({ type: FailureType.SlotTaken, nonRetryable: true });
    expect(failures.every((err) => err instanceof ApplicationFailure)).toBe(true);
    expect(visits.length + failures.length).toBe(CONNECTIONS);
    expect(visits.length).toBeGreaterThanOrEqual(3);
    const booked = visits.map((v) => v.collectorId);
    expect(new Set(booked).size).toBe(booked.length); // a collector of its own each
    expect(booked.filter((id) => id === preferred[0].id)).toHaveLength(1);
    expect(await overlappingBookings(booked)).toEqual([]);
    // a refused confirmation changed nothing: still PROPOSED, no booking
    const refused = proposals.filter((p) => !visits.some((v) => v.appointmentId === p.appointmentId)).map((p) => p.appointmentId);
    const left = await pool.query(`SELECT a.status, count(b.id)::int AS bookings FROM appointments a LEFT JOIN staff_bookings b ON b.appointment_id = a.id WHERE a.id = ANY($1) GROUP BY a.id`, [refused]);
    expect(left.rows.every((r) => r.status === 'PROPOSED' && r.bookings === 0)).toBe(true);
  });

  test(`${CONNECTIONS} unannounced visits booked at once: each one booked, no collector twice at the same time`, async () => {
    const at = Date.parse('2037-06-22T01:00:00Z'); // Monday 09:00 CST
    const accounts = await Promise.all(Array.from({ length: CONNECTIONS }, () => seedVisitAccount(pool, SHANGHAI_EVENINGS)));
    const results = await Promise.all(
      accounts.map(({ accountId }) =>
        runActivity(activities.bookVisit, { idempotencyKey: uniqueId('visit'), accountId, workflowId: accountWorkflowId(accountId), visitNumber: 1, requiresSecurity: false, reportDeadlineHours: 48, at }),
      ),
    );
    const visits = results.flatMap((r) => (r.outcome === 'BOOKED' ? [r] : []));
    expect(visits).toHaveLength(CONNECTIONS);
    const { rows } = await pool.query(`SELECT appointment_id, count(*)::int AS n FROM staff_bookings WHERE appointment_id = ANY($1) AND status = 'BOOKED' GROUP BY appointment_id`, [visits.map((v) => v.appointmentId)]);
    expect(rows.map((r) => r.n)).toEqual(Array(CONNECTIONS).fill(1));
    expect(await overlappingBookings([...new Set(visits.map((v) => v.collectorId))])).toEqual([]);
  });
});

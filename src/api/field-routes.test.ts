/**
 * The field staff routes against the real Postgres and the Temporal dev server: a
 * collector's day (who may see it, which day, the audit record of the view), the proposals,
 * and every refusal of a message before it changes anything (a bad body, an unknown
 * appointment or account, an account whose workflow is not running). The messages reaching
 * a running workflow are field-routes.integration.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { accountWorkflowId } from '../domain/ids';
import { PROJECT_ROOT } from '../paths';
import { apiTestbed } from '../../test/api-testbed';
import { tokenOf } from '../../test/test-identities';
import { seedProposal, seedVisit } from '../../test/field-appointments';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { isoDateFrom, seedAccount } from '../../test/support';

const bed = apiTestbed('field-api');

/** field staff in Shanghai (UTC+8), as the demo's are */
const SHANGHAI = { timeZone: 'Asia/Shanghai' };
const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -40), amount: 250_000 }] });
// without submittedBy: the API takes the author from the token
const exampleReport = () => {
  const { submittedBy: _, ...report } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples/visit-report.json'), 'utf8')) as Record<string, unknown>;
  return report;
};

const getAs = (viewerId: string | undefined, url: string) => bed.call('GET', url, undefined, viewerId ? { subject: viewerId } : 'nobody');

const viewsRecorded = async (appointmentIds: number[]) =>
  (
    await bed.pool.query(
      `SELECT account_id, kind, detail FROM audit_events WHERE kind = 'VISIT_ADDRESS_VIEWED' AND (detail->>'appointmentId')::bigint = ANY($1::bigint[]) ORDER BY (detail->>'appointmentId')::bigint`,
      [appointmentIds],
    )
  ).rows;

describe('GET /staff/:staffId/appointments', () => {
  let collector: string;
  let accountId: string;
  let morning: number;
  let small: number;
  let asSecurity: number;

  beforeAll(async () => {
    collector = await addFieldStaff(bed.pool, 'COLLECTOR', SHANGHAI);
    const otherCollector = await addFieldStaff(bed.pool, 'COLLECTOR', SHANGHAI);
    accountId = await overdue();
    // 1 December 2030 in Shanghai (UTC+8) runs from 30 November 16:00Z to 1 December 16:00Z
    small = await seedVisit(bed.pool, accountId, { collectorId: collector, startsAt: new Date('2030-11-30T16:00:00Z'), address: '12 Demo Road, Shanghai' });
    morning = await seedVisit(bed.pool, accountId, { collectorId: collector, startsAt: new Date('2030-12-01T01:30:00Z'), address: '88 Example Avenue, Shanghai' });
    asSecurity = await seedVisit(bed.pool, accountId, { collectorId: otherCollector, securityId: collector, startsAt: new Date('2030-12-01T06:00:00Z') });
    // 2 December in Shanghai: another day
    await seedVisit(bed.pool, accountId, { collectorId: collector, startsAt: new Date('2030-12-01T16:00:00Z'), address: '3 Demo Road, Shanghai' });
  });

  test("the staff member's own day, in their zone, earliest first, with the addresses; each view of an address is recorded", async () => {
    const { status, json } = await getAs(collector, `/staff/${collector}/appointments?date=2030-12-01`);

    expect(status).toBe(200);
    expect(json).toEqual({
      staffId: collector,
      date: '2030-12-01',
      timeZone: 'Asia/Shanghai',
      appointments: [
        expect.objectContaining({ appointmentId: small, accountId, role: 'COLLECTOR', startsAt: '2030-11-30T16:00:00.000Z', endsAt: '2030-11-30T17:30:00.000Z', address: '12 Demo Road, Shanghai' }),
        expect.objectContaining({ appointmentId: morning, role: 'COLLECTOR', status: 'CONFIRMED', kind: 'ARRANGED', addressKind: 'HOME', address: '88 Example Avenue, Shanghai' }),
        expect.objectContaining({ appointmentId: asSecurity, role: 'SECURITY', securityId: collector, address: null }),
      ],
    });
    expect(await viewsRecorded([small, morning, asSecurity])).toEqual(
      [small, morning].map((appointmentId) => ({
        account_id: accountId,
        kind: 'VISIT_ADDRESS_VIEWED',
        detail: { appointmentId, viewerId: collector, staffId: collector, date: '2030-12-01', via: 'API' },
      })),
    );
  });

  test('a supervisor may see it; another collector may not (403), nor anyone unnamed (401); nothing is recorded for a refusal', async () => {
    const supervisor = await addFieldStaff(bed.pool, 'SUPERVISOR', SHANGHAI);
    const retiredSupervisor = await addFieldStaff(bed.pool, 'SUPERVISOR', { ...SHANGHAI, active: false });
    const colleague = await addFieldStaff(bed.pool, 'COLLECTOR', SHANGHAI);
    const before = (await viewsRecorded([small, morning])).length;

    const bySupervisor = await getAs(supervisor, `/staff/${collector}/appointments?date=2030-12-01`);
    const byColleague = await getAs(colleague, `/staff/${collector}/appointments?date=2030-12-01`);
    const byNobody = await getAs(undefined, `/staff/${collector}/appointments?date=2030-12-01`);

    expect(bySupervisor.status).toBe(200);
    expect((bySupervisor.json.appointments as unknown[]).length).toBe(3);
    expect(byColleague).toEqual({ status: 403, json: { error: `${colleague} may not see the appointments of ${collector}: only the staff member themselves or a supervisor` } });
    // a supervisor no longer active cannot sign in at all
    await expect(tokenOf(retiredSupervisor)).rejects.toThrow('sign-in refused');
    expect(byNobody).toEqual({ status: 401, json: { error: 'sign in: send an OpenID access token as "Authorization: Bearer <token>"' } });
    const views = await viewsRecorded([small, morning]);
    expect(views.length).toBe(before + 2);
    expect(views.filter((v) => v.detail.viewerId === supervisor).length).toBe(2);
  });

  test('without a date: today in the staff member’s zone', async () => {
    const farEast = await addFieldStaff(bed.pool, 'COLLECTOR', { timeZone: 'Etc/GMT-14' });
    // UTC+14: today there is the UTC date 14 hours from now; its midday is 22:00Z the UTC day before
    const today = isoDateFrom(Date.now() + 14 * 3_600_000, 0);
    const midday = Date.parse(`${today}T12:00:00Z`) - 14 * 3_600_000;
    const todays = await seedVisit(bed.pool, accountId, { collectorId: farEast, startsAt: new Date(midday), address: '1 Far Road' });
    await seedVisit(bed.pool, accountId, { collectorId: farEast, startsAt: new Date(midday + 24 * 3_600_000), address: '2 Far Road' });

    const { status, json } = await getAs(farEast, `/staff/${farEast}/appointments`);

    expect(status).toBe(200);
    expect(json).toMatchObject({ date: today, timeZone: 'Etc/GMT-14', appointments: [{ appointmentId: todays }] });
    expect((json.appointments as unknown[]).length).toBe(1);
  });

  test.each([
    ['a staff member nobody knows', '/staff/nobody-known/appointments', 404, { error: 'no staff member nobody-known' }],
    ['a bad date', '/staff/COLLECTOR/appointments?date=2030-13-01', 400, { error: 'invalid request', issues: [expect.stringMatching(/^date: /)] }],
    ['an unknown parameter', '/staff/COLLECTOR/appointments?day=2030-12-01', 400, { error: 'invalid request', issues: [expect.stringContaining('day')] }],
  ])('%s: %s is a %i', async (_, url, status, json) => {
    expect(await getAs(collector, url.replace('COLLECTOR', collector))).toEqual({ status, json });
  });
});

describe('GET /appointments', () => {
  test("an account's proposals waiting for a confirmation, with their slots", async () => {
    const accountId = await overdue();
    const other = await overdue();
    const proposedAt = new Date('2030-12-01T02:00:00Z');
    const proposal = await seedProposal(bed.pool, accountId, { proposedAt, slots: 2 });
    await seedProposal(bed.pool, other);

    const { status, json } = await bed.call('GET', `/appointments?accountId=${accountId}`);

    expect(status).toBe(200);
    expect(json).toEqual({
      proposals: [
        {
          appointmentId: proposal,
          accountId,
          workflowId: accountWorkflowId(accountId),
          proposedSlots: [
            { slotId: 's1', startsAt: '2030-12-02T02:00:00.000Z', endsAt: '2030-12-02T03:30:00.000Z' },
            { slotId: 's2', startsAt: '2030-12-03T02:00:00.000Z', endsAt: '2030-12-03T03:30:00.000Z' },
          ],
          proposedAt: '2030-12-01T02:00:00.000Z',
          confirmBy: '2030-12-04T02:00:00.000Z',
          requiresSecurity: false,
          reachedVia: 'SMS',
        },
      ],
    });
  });

  test('a bad account id is a 400 naming it', async () => {
    const { status, json } = await bed.call('GET', '/appointments?accountId=no%20spaces');
    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain('accountId:');
  });
});

describe('messages about an appointment, refused before any workflow', () => {
  let accountId: string;
  let proposal: number;
  let visit: number;

  beforeAll(async () => {
    accountId = await overdue();
    proposal = await seedProposal(bed.pool, accountId);
    visit = await seedVisit(bed.pool, accountId, { collectorId: await addFieldStaff(bed.pool, 'COLLECTOR', SHANGHAI), startsAt: new Date('2030-12-05T02:00:00Z'), address: '5 Demo Road' });
  });

  /** What a refused message must leave as it was: the appointments, the calendar, the reports. */
  const state = async () => ({
    appointments: (await bed.pool.query('SELECT id, status, confirmed_at, closed_at FROM appointments WHERE account_id = $1 ORDER BY id', [accountId])).rows,
    bookings: (await bed.pool.query('SELECT count(*)::int AS n FROM staff_bookings WHERE appointment_id = ANY($1::bigint[])', [[proposal, visit]])).rows[0].n,
    reports: (await bed.pool.query('SELECT count(*)::int AS n FROM visit_reports WHERE account_id = $1', [accountId])).rows[0].n,
  });

  const confirmation = { slotId: 's1', address: { kind: 'HOME' }, confirmedBy: 'BORROWER', channel: 'CALL' };
  const report = () => exampleReport();
  const withoutParts = () => {
    const r = report() as { documents: Record<string, unknown>; interview: Record<string, unknown>; credentialsShown?: unknown };
    delete r.documents.idCard;
    delete r.interview.monthlyIncome;
    r.credentialsShown = false;
    return r;
  };

  test.each([
    ['confirm, a slot not named like s1', () => `/appointments/${proposal}/confirm`, { ...confirmation, slotId: 'first' }, ['slotId: a proposed slot id such as s1']],
    ['confirm, no address and an unknown channel', () => `/appointments/${proposal}/confirm`, { slotId: 's1', confirmedBy: 'BORROWER', channel: 'FAX' }, ['address: ', 'channel: ']],
    ['confirm, the appointment in the body too', () => `/appointments/${proposal}/confirm`, { ...confirmation, appointmentId: 1 }, ['appointmentId']],
    ['a report without credentials shown, the ID card check or the income', () => `/visits/${visit}/report`, withoutParts(), ['credentialsShown: credentials must be shown at every visit (true)', 'documents.idCard: ', 'interview.monthlyIncome: ']],
    [
      'a report whose consent does not cover the income figures',
      () => `/visits/${visit}/report`,
      { ...report(), consent: { form: 'WRITTEN', covers: ['INTERVIEW_ANSWERS'] } },
      ['consent.covers: monthly income and outgoings are recorded only with consent: INCOME_FIGURES must be covered'],
    ],
  ])('%s: 400 naming every wrong part, nothing changed', async (_, url, body, issues) => {
    const before = await state();

    const { status, json } = await bed.call('POST', url(), body);

    expect(status).toBe(400);
    expect(json.issues).toHaveLength(issues.length);
    for (const issue of issues) expect(json.issues).toEqual(expect.arrayContaining([expect.stringContaining(issue)]));
    expect(JSON.stringify(json)).not.toContain('Warehouse');
    expect(await state()).toEqual(before);
  });

  test.each([
    ['confirm', () => `/appointments/${proposal}/confirm`, { ...confirmation, confirmedBy: 'agent-01' }, 'confirmedBy'],
    ['no-show', () => `/appointments/${visit}/no-show`, { reportedBy: 'collector-01' }, 'reportedBy'],
    ['report', () => `/visits/${visit}/report`, { ...exampleReport(), submittedBy: 'collector-01' }, 'submittedBy'],
  ])('%s naming someone other than the caller: 403, nothing changed', async (_, url, body, field) => {
    const before = await state();
    const { status, json } = await bed.call('POST', url(), body, { role: 'FIELD_COLLECTOR' });
    expect({ status, json }).toEqual({ status: 403, json: { error: `${field} must be you (test-field-collector): the token says who is calling` } });
    expect(await state()).toEqual(before);
  });

  test.each([
    ['/appointments/2000000000/confirm', confirmation],
    ['/appointments/2000000000/no-show', {}],
    ['/visits/2000000000/report', exampleReport()],
  ])('%s: an unknown appointment is a 404', async (url, body) => {
    expect(await bed.call('POST', url, body)).toEqual({ status: 404, json: { error: 'no appointment 2000000000' } });
  });

  test.each([
    ['confirm', () => `/appointments/${proposal}/confirm`, confirmation],
    ['no-show', () => `/appointments/${visit}/no-show`, {}],
    ['report', () => `/visits/${visit}/report`, exampleReport()],
  ])("%s for an account whose workflow is not running: 409, nothing changed", async (_, url, body) => {
    const before = await state();

    const answer = await bed.call('POST', url(), body);

    expect(answer).toEqual({ status: 409, json: { error: `no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})` } });
    expect(await state()).toEqual(before);
  });
});

describe('POST /accounts/:accountId/stage-override, refused before any workflow', () => {
  const override = { to: 'VISIT', reason: 'reminders already exhausted' };

  test.each([
    [{ ...override, to: 'CURED' }, ['to: ']],
    [{ to: 'APPOINTMENT', supervisorId: 'no spaces', reason: 'why' }, ['supervisorId: ', 'reason: ']],
  ])('%j: 400 naming the fields', async (body, issues) => {
    const { status, json } = await bed.call('POST', `/accounts/${await overdue()}/stage-override`, body);
    expect(status).toBe(400);
    expect(json.issues).toHaveLength(issues.length);
    for (const issue of issues) expect(json.issues).toEqual(expect.arrayContaining([expect.stringContaining(issue)]));
  });

  test('an unknown account is a 404; one whose workflow is not running a 409', async () => {
    const accountId = await overdue();
    expect(await bed.call('POST', '/accounts/NO-SUCH-ACCOUNT/stage-override', override)).toEqual({ status: 404, json: { error: 'account NO-SUCH-ACCOUNT is not in the loan book' } });
    expect(await bed.call('POST', `/accounts/${accountId}/stage-override`, override)).toEqual({
      status: 409,
      json: { error: `no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})` },
    });
  });
});

test('/openapi.json documents the field staff routes', async () => {
  const { json } = await bed.call('GET', '/openapi.json');
  expect(Object.keys(json.paths as object)).toEqual(
    expect.arrayContaining([
      '/staff/{staffId}/appointments',
      '/appointments',
      '/appointments/{appointmentId}/confirm',
      '/appointments/{appointmentId}/no-show',
      '/visits/{appointmentId}/report',
      '/accounts/{accountId}/stage-override',
    ]),
  );
});

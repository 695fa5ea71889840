/**
 * The field staff's path through the API end to end (issue 7 "Done when"), on the Temporal
 * time-skipping server (a report is accepted only once the visit began, a day or more ahead:
 * its clock gets there) with a worker running the real activities on the real Postgres: a supervisor
 * moves an account to APPOINTMENT; an agent finds the proposal and confirms a slot for the
 * borrower; the collector lists the day and submits the report; the account moves on. A
 * second account goes straight to VISIT. Refusals by the workflow are 409s that change
 * nothing; a repeated request answers as the first did.
 *
 * The staff calendar is shared by every test file: a test asserts what was booked for its
 * own account, whoever the collector is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { accountWorkflowId } from '../domain/ids';
import { calendarDateIn } from '../domain/time-zones';
import { PROJECT_ROOT } from '../paths';
import { apiTestbed } from '../../test/api-testbed';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { eventually, isoDateFrom, seedAccount } from '../../test/support';
import { ACCOUNT_COLLECTION_WORKFLOW, summaryQuery, type AccountSummary } from '../../workflows/account/contract';

let supervisor: string;
let agent: string;
// field staff free at any hour (UTC, 00:00-23:59), so the slot finder always has someone
const bed = apiTestbed('field-api-flow', async (pool) => {
  supervisor = await addFieldStaff(pool, 'SUPERVISOR');
  agent = await addFieldStaff(pool, 'AGENT');
  for (let n = 0; n < 2; n++) await addFieldStaff(pool, 'COLLECTOR');
  await addFieldStaff(pool, 'SECURITY');
}, { clock: 'time-skipping' });
const call = bed.call;

const exampleReport = () => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples/visit-report.json'), 'utf8')) as Record<string, unknown>;
const summaryOf = (handle: WorkflowHandle) => handle.query(summaryQuery);
const override = (to: 'APPOINTMENT' | 'VISIT') => ({ to, reason: 'reminders already exhausted' });

async function startInReminding(): Promise<{ accountId: string; handle: WorkflowHandle }> {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 250_000 }] });
  const handle = await bed.worker.client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: bed.taskQueue, workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
  await eventually(
    () => summaryOf(handle),
    (s) => s.stage === 'REMINDING',
  );
  return { accountId, handle };
}

const stageTransitions = async (accountId: string) =>
  (await bed.pool.query('SELECT from_stage, to_stage, reason FROM stage_transitions WHERE account_id = $1 ORDER BY occurred_at, id', [accountId])).rows;

test('an override to VISIT books an unannounced visit, listed in its collector’s day', async () => {
  const { accountId, handle } = await startInReminding();
  try {
    expect(await call('POST', `/accounts/${accountId}/stage-override`, override('VISIT'), { subject: supervisor })).toEqual({ status: 200, json: { from: 'REMINDING', to: 'VISIT' } });
    const { visit } = await eventually(
      () => summaryOf(handle),
      (s) => Boolean(s.visit),
    );
    expect(visit).toMatchObject({ kind: 'UNANNOUNCED', addressKind: 'HOME', failedVisits: 0 });
    const { rows } = await bed.pool.query('SELECT time_zone FROM staff WHERE id = $1', [visit!.collectorId]);
    const day = calendarDateIn(Date.parse(visit!.startsAt), rows[0].time_zone as string);

    const listed = await call('GET', `/staff/${visit!.collectorId}/appointments?date=${day}`, undefined, { subject: supervisor });

    expect(listed.json.appointments).toEqual(expect.arrayContaining([expect.objectContaining({ appointmentId: visit!.appointmentId, accountId, kind: 'UNANNOUNCED', status: 'CONFIRMED' })]));
  } finally {
    await handle.terminate('test over').catch(() => undefined);
  }
});

describe('APPOINTMENT → VISIT → report, through the API', () => {
  let accountId: string;
  let handle: WorkflowHandle;
  let appointmentId: number;
  let collectorId: string;

  beforeAll(async () => {
    ({ accountId, handle } = await startInReminding());
  });
  afterAll(async () => {
    await handle?.terminate('test over').catch(() => undefined);
  });

  test('a stage override by an agent is a 403, by a supervisor role who is no active supervisor on file a 409; the account stays in REMINDING', async () => {
    const byAgent = await call('POST', `/accounts/${accountId}/stage-override`, override('APPOINTMENT'), { subject: agent });
    const byNoStaff = await call('POST', `/accounts/${accountId}/stage-override`, override('APPOINTMENT'), { role: 'SUPERVISOR' });
    expect(byAgent.status).toBe(403);
    expect(byNoStaff.status).toBe(409);
    expect(byNoStaff.json.error).toContain('test-supervisor');
    expect((await summaryOf(handle)).stage).toBe('REMINDING');
  });

  test("the supervisor's override: 200, REMINDING → APPOINTMENT, recorded with the reason; the same again is a 409", async () => {
    const moved = await call('POST', `/accounts/${accountId}/stage-override`, override('APPOINTMENT'), { subject: supervisor });
    expect(moved).toEqual({ status: 200, json: { from: 'REMINDING', to: 'APPOINTMENT' } });

    const summary = await eventually(
      () => summaryOf(handle),
      (s: AccountSummary) => s.stage === 'APPOINTMENT' && Boolean(s.appointment),
    );
    expect(summary.stage).toBe('APPOINTMENT');
    expect(await stageTransitions(accountId)).toEqual(expect.arrayContaining([{ from_stage: 'REMINDING', to_stage: 'APPOINTMENT', reason: `override by ${supervisor}: reminders already exhausted` }]));
    const again = await call('POST', `/accounts/${accountId}/stage-override`, override('APPOINTMENT'), { subject: supervisor });
    expect(again).toEqual({ status: 409, json: { error: `account ${accountId} is already in APPOINTMENT` } });
  });

  test('GET /appointments: the proposal with its slots, as the workflow holds it', async () => {
    const { status, json } = await call('GET', `/appointments?accountId=${accountId}`);
    const summary = await summaryOf(handle);

    expect(status).toBe(200);
    expect(json.proposals).toEqual([
      expect.objectContaining({
        appointmentId: summary.appointment!.appointmentId,
        accountId,
        workflowId: accountWorkflowId(accountId),
        proposedSlots: summary.appointment!.slots,
        confirmBy: summary.appointment!.confirmBy,
      }),
    ]);
    appointmentId = summary.appointment!.appointmentId;
    expect(summary.appointment!.slots.map((s) => s.slotId)).toEqual(['s1', 's2', 's3']);
  });

  test('confirming a slot never proposed is a 409 naming the slots; nothing is booked', async () => {
    const refused = await call('POST', `/appointments/${appointmentId}/confirm`, { slotId: 's9', address: { kind: 'HOME' }, confirmedBy: agent, channel: 'CALL' }, { subject: agent });
    expect(refused).toEqual({ status: 409, json: { error: 'slotId: s9 was not proposed (s1, s2, s3)' } });
    const { rows } = await bed.pool.query('SELECT status FROM appointments WHERE id = $1', [appointmentId]);
    expect(rows[0].status).toBe('PROPOSED');
  });

  test("the agent confirms s2 for the borrower: 200 with the visit booked; the same request again answers the same; the account is in VISIT", async () => {
    const { proposedSlots } = ((await call('GET', `/appointments?accountId=${accountId}`)).json.proposals as Array<{ proposedSlots: Array<{ slotId: string; startsAt: string; endsAt: string }> }>)[0]!;
    const s2 = proposedSlots.find((s) => s.slotId === 's2')!;
    const body = { slotId: 's2', address: { kind: 'WORKPLACE', text: '500 Example Avenue, Shanghai' }, confirmedBy: agent, channel: 'CALL' };

    const confirmed = await call('POST', `/appointments/${appointmentId}/confirm`, body, { subject: agent });
    const again = await call('POST', `/appointments/${appointmentId}/confirm`, body, { subject: agent });

    expect(confirmed).toEqual({
      status: 200,
      json: {
        outcome: 'BOOKED',
        appointmentId,
        kind: 'ARRANGED',
        startsAt: s2.startsAt,
        endsAt: s2.endsAt,
        collectorId: expect.any(String),
        securityId: null,
        addressKind: 'WORKPLACE',
        // config/field-collection.json: visit.reportDeadlineHours 48 after the slot ends
        reportDueBy: new Date(Date.parse(s2.endsAt) + 48 * 3_600_000).toISOString(),
      },
    });
    expect(again).toEqual(confirmed);
    collectorId = confirmed.json.collectorId as string;
    const summary = await eventually(
      () => summaryOf(handle),
      (s) => s.stage === 'VISIT',
    );
    expect(summary.visit).toMatchObject({ appointmentId, collectorId, failedVisits: 0 });
    const { rows } = await bed.pool.query(`SELECT staff_id, role_on_visit FROM staff_bookings WHERE appointment_id = $1 AND status = 'BOOKED'`, [appointmentId]);
    expect(rows).toEqual([{ staff_id: collectorId, role_on_visit: 'COLLECTOR' }]);
  });

  test("the collector's day shows the visit with the address given; an agent may not see it", async () => {
    const { rows } = await bed.pool.query('SELECT time_zone FROM staff WHERE id = $1', [collectorId]);
    const { startsAt } = (await summaryOf(handle)).visit!;
    const day = calendarDateIn(Date.parse(startsAt), rows[0].time_zone as string);

    const mine = await call('GET', `/staff/${collectorId}/appointments?date=${day}`, undefined, { subject: collectorId });
    const theirs = await call('GET', `/staff/${collectorId}/appointments?date=${day}`, undefined, { subject: agent });

    expect(mine.status).toBe(200);
    expect(mine.json.appointments).toEqual(
      expect.arrayContaining([expect.objectContaining({ appointmentId, accountId, role: 'COLLECTOR', status: 'CONFIRMED', addressKind: 'WORKPLACE', address: '500 Example Avenue, Shanghai' })]),
    );
    expect(theirs.status).toBe(403);
  });

  test('a no-show before the visit has begun is a 409: nothing is closed', async () => {
    const { startsAt } = (await summaryOf(handle)).visit!;
    const refused = await call('POST', `/appointments/${appointmentId}/no-show`, { reportedBy: collectorId }, { subject: collectorId });
    expect(refused).toEqual({ status: 409, json: { error: `visit ${appointmentId} starts at ${startsAt}: a no-show only after it began` } });
    const { rows } = await bed.pool.query('SELECT status FROM appointments WHERE id = $1', [appointmentId]);
    expect(rows[0].status).toBe('CONFIRMED');
  });

  test('a report by a collector not on the visit is a 409; nothing is stored', async () => {
    const other = await addFieldStaff(bed.pool, 'COLLECTOR');
    const refused = await call('POST', `/visits/${appointmentId}/report`, { ...exampleReport(), submittedBy: other }, { subject: other });
    expect(refused).toEqual({ status: 409, json: { error: `${other} is not booked on visit ${appointmentId}` } });
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM visit_reports WHERE appointment_id = $1', [appointmentId]);
    expect(rows[0].n).toBe(0);
  });

  test('a report before the visit has begun is a 409 like a no-show (issue 19 §3b): nothing is stored, the account stays in VISIT', async () => {
    const { startsAt } = (await summaryOf(handle)).visit!;
    const refused = await call('POST', `/visits/${appointmentId}/report`, { ...exampleReport(), submittedBy: collectorId }, { subject: collectorId });
    expect(refused).toEqual({ status: 409, json: { error: `visit ${appointmentId} starts at ${startsAt}: a report only after it began` } });
    const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM visit_reports WHERE appointment_id = $1', [appointmentId]);
    expect(rows[0].n).toBe(0);
    expect((await summaryOf(handle)).stage).toBe('VISIT');
  });

  test("the collector's report (examples/visit-report.json) once the visit began (not dated in the future: 409): 200, stored with its personal data apart; the same again answers the same; PLAN takes the account to NEGOTIATION", async () => {
    const report = { ...exampleReport(), submittedBy: collectorId };
    // the server's clock to a minute after the visit's start
    const { startsAt } = (await summaryOf(handle)).visit!;
    await bed.env!.sleep(Date.parse(startsAt) - (await bed.env!.currentTimeMs()) + 60_000);

    const inTheFuture = await call('POST', `/visits/${appointmentId}/report`, { ...report, visitedAt: '2099-01-01T10:00:00+08:00' }, { subject: collectorId });
    expect(inTheFuture.status).toBe(409);
    expect(inTheFuture.json.error).toMatch(/^visitedAt: 2099-01-01T10:00:00\+08:00 is in the future \(now /);

    const accepted = await call('POST', `/visits/${appointmentId}/report`, report, { subject: collectorId });
    const again = await call('POST', `/visits/${appointmentId}/report`, report, { subject: collectorId });

    expect(accepted).toEqual({ status: 200, json: { reportId: expect.any(Number), appointmentId, nextStage: 'NEGOTIATION' } });
    expect(again).toEqual(accepted);
    const stored = await bed.pool.query(
      `SELECT r.submitted_by, r.recommended_action, r.ability_to_pay, r.willingness_to_pay, p.occupation, p.monthly_income, p.monthly_outgoings
         FROM visit_reports r JOIN visit_report_personal_data p ON p.visit_report_id = r.id WHERE r.id = $1`,
      [accepted.json.reportId],
    );
    // "6800.00" and "5200.00" CNY in fen
    expect(stored.rows).toEqual([
      { submitted_by: collectorId, recommended_action: 'PLAN', ability_to_pay: 3, willingness_to_pay: 4, occupation: 'Warehouse supervisor (day shift since October)', monthly_income: 680_000, monthly_outgoings: 520_000 },
    ]);
    const summary = await eventually(
      () => summaryOf(handle),
      (s) => s.stage === 'NEGOTIATION',
    );
    expect(summary.stage).toBe('NEGOTIATION');
  });
});

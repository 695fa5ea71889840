/**
 * Field collection (accountCollection generation 3 with the field-collection patch, issue 7
 * §4) on the official time-skipping test server, with the real activities on the real
 * Postgres: reminders that fail, the appointment, no-shows and reschedules, the report,
 * days and weeks of them in seconds.
 *
 * The staff calendar is shared by every test (as it is by every account): a test asserts
 * what was booked for its own account, whoever the collector is.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { testPolicies } from '../../../src/contact-policy/test-policies';
import { addFamilyContact, recordConsent, verifyFamilyContact } from '../../../src/db/family-contacts';
import type { Pool } from '../../../src/db/pool';
import { fieldCollectionConfigSchema } from '../../../src/field-collection/schema';
import { PROJECT_ROOT } from '../../../src/paths';
import { loadTreatments } from '../../../src/treatments/load';
import { collectionHarness, type OverdueSeed } from '../../../test/collection-harness';
import { borrowerOf, setRiskTier } from '../../../test/early-collection-seeds';
import { addFieldStaff, validVisitReport } from '../../../test/field-collection-seeds';
import { eventually, uniqueId } from '../../../test/support';
import {
  confirmAppointmentUpdate,
  holdPlacedSignal,
  holdReleasedSignal,
  overrideStageUpdate,
  recordCallOutcomeUpdate,
  recordVisitNoShowUpdate,
  submitVisitReportUpdate,
  summaryQuery,
  type AccountSummary,
} from '../contract';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const treatments = loadTreatments();
const fieldConfig = fieldCollectionConfigSchema.parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'field-collection.json'), 'utf8')));

const harness = collectionHarness({ name: 'field', treatments, contactPolicies: testPolicies({}) });
const { serverNow, overdueAccount, start, closeOut, refusal } = harness;
let pool: Pool;
let env: TestWorkflowEnvironment;
let supervisor: string;

beforeAll(async () => {
  ({ pool, env } = harness);
  supervisor = await addFieldStaff(pool, 'SUPERVISOR');
  // Field staff free at any hour, so every test finds someone whatever the others booked.
  for (let n = 0; n < 3; n++) await addFieldStaff(pool, 'COLLECTOR');
  await addFieldStaff(pool, 'SECURITY');
});

/** Lets the server's clock run until `iso` (plus a minute). */
async function sleepUntil(iso: string): Promise<void> {
  const left = Date.parse(iso) - (await serverNow());
  if (left > 0) await env.sleep(left + MINUTE);
}

const summaryOf = (handle: WorkflowHandle) => handle.query(summaryQuery);
const until = (handle: WorkflowHandle, done: (s: AccountSummary) => boolean) => eventually(() => summaryOf(handle), done);

async function stagesOf(accountId: string): Promise<string[]> {
  const { rows } = await pool.query(`SELECT to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows.map((r) => r.to_stage);
}

async function appointmentsOf(accountId: string): Promise<{ id: number; kind: string; status: string; visit_number: number; reached_via: string | null; collector_id: string | null; security_id: string | null }[]> {
  const { rows } = await pool.query(`SELECT id::int, kind, status, visit_number, reached_via, collector_id, security_id FROM appointments WHERE account_id = $1 ORDER BY id`, [accountId]);
  return rows;
}

async function attemptsOf(accountId: string): Promise<{ channel: string; template_id: string; family_contact_id: string | null; consent_id: string | null }[]> {
  const { rows } = await pool.query(`SELECT channel, template_id, family_contact_id, consent_id FROM contact_attempts WHERE account_id = $1 ORDER BY attempted_at, id`, [accountId]);
  return rows;
}

/** An account in REMINDING (its first SMS out), moved to `to` by the supervisor. */
async function overriddenTo(to: 'APPOINTMENT' | 'VISIT', seed: OverdueSeed = {}, before?: (accountId: string) => Promise<void>) {
  const accountId = await overdueAccount(seed);
  await before?.(accountId);
  const handle = await start(accountId, 'standard');
  // The first SMS is done and the cadence waits for its call (the time-skipping server never
  // completes a workflow task that carries an update while an activity is in flight; the
  // dev-server test in field-collection.integration.test.ts covers that moment).
  await until(handle, (s) => s.stage === 'REMINDING' && !!s.nextStep?.action.startsWith('CALL'));
  const overridden = await handle.executeUpdate(overrideStageUpdate, { args: [{ to, supervisorId: supervisor, reason: 'test: reminders exhausted elsewhere' }] });
  expect(overridden).toEqual({ from: 'REMINDING', to });
  return { accountId, handle };
}

// ---- the whole path ----

test('reminders fail → appointment → no-show → reschedule → report: the account moves on by the recommendation', async () => {
  const accountId = await overdueAccount();
  const handle = await start(accountId, 'fast');
  await eventually(() => attemptsOf(accountId), (a) => a.length >= 1);
  const fast = treatments.treatments.fast!;
  await env.sleep(`${fast.steps.at(-1)!.dayOffset + fast.escalation.afterDays} days`);
  await env.sleep(10 * MINUTE);

  // APPOINTMENT: slots proposed, the agent's appointment call comes first.
  const proposed = await until(handle, (s) => s.stage === 'APPOINTMENT' && !!s.appointment && !!s.openCallTask);
  const appointment = proposed.appointment!;
  expect(appointment.slots.length).toBeGreaterThanOrEqual(1);
  expect(Date.parse(appointment.confirmBy) - (await serverNow())).toBeGreaterThan(60 * HOUR);

  // Nobody takes the call: the window passes, the SMS with the slots goes out and reaches them.
  await sleepUntil(proposed.openCallTask!.dueBy);
  const reached = await until(handle, (s) => s.appointment?.reachedVia === 'SMS');
  expect(reached.stage).toBe('APPOINTMENT');
  const appointmentContacts = (await attemptsOf(accountId)).slice(fast.steps.length);
  expect(appointmentContacts.map((a) => [a.channel, a.template_id])).toEqual([
    ['CALL', 'call-appointment'],
    ['SMS', 'sms-appointment'],
  ]);

  // The borrower confirms the second slot and gives the address.
  const slot = appointment.slots[1] ?? appointment.slots[0]!;
  const booked = await handle.executeUpdate(confirmAppointmentUpdate, {
    args: [{ appointmentId: appointment.appointmentId, slotId: slot.slotId, address: { kind: 'HOME', text: '12 Test Lane, Flat 3' }, confirmedBy: 'BORROWER', channel: 'SMS' }],
  });
  expect(booked).toMatchObject({ appointmentId: appointment.appointmentId, kind: 'ARRANGED', startsAt: slot.startsAt, endsAt: slot.endsAt, addressKind: 'HOME' });
  const visiting = await until(handle, (s) => s.stage === 'VISIT');
  expect(visiting.visit).toMatchObject({ appointmentId: appointment.appointmentId, failedVisits: 0 });

  // The collector finds nobody at home: a second visit is booked and the borrower told of it.
  await sleepUntil(booked.startsAt);
  const noShow = await handle.executeUpdate(recordVisitNoShowUpdate, { args: [{ appointmentId: booked.appointmentId, reportedBy: booked.collectorId, note: 'nobody answered the door' }] });
  expect(noShow).toEqual({ appointmentId: booked.appointmentId, failedVisits: 1, willReschedule: true });
  const rescheduled = await until(handle, (s) => !!s.visit && s.visit.appointmentId !== booked.appointmentId);
  const second = rescheduled.visit!;
  expect(second).toMatchObject({ kind: 'UNANNOUNCED', failedVisits: 1 });
  await eventually(() => attemptsOf(accountId), (a) => a.some((x) => x.template_id === 'sms-visit-notice'));

  // The second visit happens; the report recommends a plan.
  await sleepUntil(second.startsAt);
  const accepted = await handle.executeUpdate(submitVisitReportUpdate, { args: [validVisitReport(second.appointmentId, second.collectorId, new Date(await serverNow()).toISOString(), 'PLAN')] });
  expect(accepted).toMatchObject({ appointmentId: second.appointmentId, nextStage: 'NEGOTIATION' });
  await until(handle, (s) => s.stage === 'NEGOTIATION');

  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'APPOINTMENT', 'VISIT', 'NEGOTIATION']);
  const rows = await appointmentsOf(accountId);
  expect(rows.map((r) => [r.kind, r.status, r.visit_number])).toEqual([
    ['ARRANGED', 'NO_SHOW', 1],
    ['UNANNOUNCED', 'VISITED', 2],
  ]);
  expect(rows[0]!.reached_via).toBe('SMS');
  const report = await pool.query(
    `SELECT r.submitted_by, r.recommended_action, p.monthly_income::int, p.occupation FROM visit_reports r JOIN visit_report_personal_data p ON p.visit_report_id = r.id WHERE r.appointment_id = $1`,
    [second.appointmentId],
  );
  expect(report.rows).toEqual([{ submitted_by: second.collectorId, recommended_action: 'PLAN', monthly_income: 820_000, occupation: 'warehouse shift lead' }]);
  await closeOut(handle);
});

test('no confirmation in the window: an unannounced visit; visits without a report are rescheduled a bounded number of times, then legal', async () => {
  const { accountId, handle } = await overriddenTo('APPOINTMENT');
  const proposed = await until(handle, (s) => s.stage === 'APPOINTMENT' && !!s.appointment);
  await sleepUntil(proposed.appointment!.confirmBy);

  const { maxReschedules } = fieldConfig.visit;
  expect(maxReschedules).toBeGreaterThan(0);
  for (let visit = 1; visit <= maxReschedules + 1; visit++) {
    const s = await until(handle, (x) => x.stage === 'VISIT' && x.visit?.failedVisits === visit - 1);
    expect(s.visit!.kind).toBe('UNANNOUNCED');
    await sleepUntil(s.visit!.reportDueBy);
  }
  await until(handle, (s) => s.stage === 'LEGAL');
  expect(await stagesOf(accountId)).toEqual(['SCREENED', 'REMINDING', 'APPOINTMENT', 'VISIT', 'LEGAL']);
  // The LEGAL stage's first steps (decision, referral or placement) are activities: a cure while one is in
  // flight cancels it, which the time-skipping server mishandles (ACTIVITY_UNKNOWN). Wait until the stage waits.
  await until(handle, (s) => s.legal?.next != null);
  expect((await appointmentsOf(accountId)).map((r) => r.status)).toEqual(['EXPIRED', ...Array(maxReschedules + 1).fill('REPORT_OVERDUE')]);
  const audits = await pool.query(`SELECT kind FROM audit_events WHERE account_id = $1 AND kind IN ('STAGE_OVERRIDDEN', 'APPOINTMENT_EXPIRED', 'VISIT_REPORT_OVERDUE') ORDER BY id`, [accountId]);
  expect(audits.rows.map((r) => r.kind)).toEqual(['STAGE_OVERRIDDEN', 'APPOINTMENT_EXPIRED', ...Array(maxReschedules + 1).fill('VISIT_REPORT_OVERDUE')]);
  await closeOut(handle);
});

test('a high-risk account is visited by a collector and a security colleague', async () => {
  const { accountId, handle } = await overriddenTo('VISIT', {}, (id) => setRiskTier(pool, id, 'HIGH'));
  const s = await until(handle, (x) => x.stage === 'VISIT' && !!x.visit);
  expect(s.visit!.securityId).not.toBeNull();
  const roles = await pool.query(`SELECT s.role FROM staff_bookings b JOIN staff s ON s.id = b.staff_id WHERE b.appointment_id = $1 AND b.status = 'BOOKED' ORDER BY s.role`, [s.visit!.appointmentId]);
  expect(roles.rows.map((r) => r.role)).toEqual(['COLLECTOR', 'SECURITY']);
  expect((await appointmentsOf(accountId))[0]).toMatchObject({ kind: 'UNANNOUNCED', status: 'CONFIRMED' });
  await closeOut(handle);
  // Cured before the visit: the appointment is cancelled and the staff are free again.
  expect((await appointmentsOf(accountId))[0]!.status).toBe('CANCELLED');
  const booked = await pool.query(`SELECT count(*)::int AS n FROM staff_bookings WHERE appointment_id = $1 AND status = 'BOOKED'`, [s.visit!.appointmentId]);
  expect(booked.rows[0].n).toBe(0);
});

test('bad confirmations, no-shows, reports and overrides are rejected, naming what is wrong, and change nothing', async () => {
  const { handle } = await overriddenTo('APPOINTMENT');
  // The appointment call is with the agent, so no activity is in flight when the
  // confirmation below cancels the reaching (see overriddenTo). Waiting for the
  // appointment alone raced the call task's creation and, under load, hung the test.
  const { appointment } = await until(handle, (s) => !!s.appointment && !!s.openCallTask);
  const { appointmentId, slots } = appointment!;
  const confirm = (payload: object) => handle.executeUpdate(confirmAppointmentUpdate, { args: [payload as never] });
  const good = { appointmentId, slotId: slots[0]!.slotId, address: { kind: 'HOME', text: '12 Test Lane, Flat 3' }, confirmedBy: 'BORROWER', channel: 'CALL' };

  expect(await refusal(confirm({ ...good, slotId: 's9' }))).toMatch(/slotId: s9 was not proposed/);
  expect(await refusal(confirm({ ...good, appointmentId: appointmentId + 1000 }))).toMatch(/is not the one on offer/);
  expect(await refusal(confirm({ ...good, address: {} }))).toMatch(/address\.kind: missing/);
  // A second override while the first is in hand, by someone who is no supervisor: refused.
  const notSupervisor = await addFieldStaff(pool, 'AGENT');
  expect(await refusal(handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'VISIT', supervisorId: notSupervisor, reason: 'skip the appointment' }] }))).toMatch(/supervisor/i);
  expect((await summaryOf(handle)).stage).toBe('APPOINTMENT');

  const booked = await confirm(good);
  await until(handle, (s) => s.stage === 'VISIT');
  expect(await refusal(confirm(good))).toMatch(/no appointment waiting/);
  const noShow = (payload: object) => handle.executeUpdate(recordVisitNoShowUpdate, { args: [payload as never] });
  expect(await refusal(noShow({ appointmentId, reportedBy: (booked as { collectorId: string }).collectorId }))).toMatch(/a no-show only after it began/);
  expect(await refusal(noShow({ appointmentId, reportedBy: notSupervisor }))).toMatch(/is not booked on visit/);

  const report = (payload: object) => handle.executeUpdate(submitVisitReportUpdate, { args: [payload as never] });
  const full = validVisitReport(appointmentId, (booked as { collectorId: string }).collectorId, new Date(await serverNow()).toISOString());
  const { documents, interview, consent: _consent, ...rest } = full;
  const { marriageCertificate: _m, ...someDocuments } = documents;
  const { monthlyIncome: _i, ...someInterview } = interview;
  const missing = await refusal(report({ ...rest, documents: someDocuments, interview: someInterview, assessment: { abilityToPay: 7, willingnessToPay: 3 } }));
  expect(missing).toMatch(/documents\.marriageCertificate: missing/);
  expect(missing).toMatch(/interview\.monthlyIncome: missing/);
  expect(missing).toMatch(/consent: missing/);
  expect(missing).toMatch(/assessment\.abilityToPay: 1 \(none\) to 5 \(full\)/);
  expect(await refusal(report({ ...full, credentialsShown: false }))).toMatch(/credentialsShown: credentials must be shown/);
  expect(await refusal(report({ ...full, submittedBy: notSupervisor }))).toMatch(/is not booked on visit/);

  const s = await summaryOf(handle);
  expect(s).toMatchObject({ stage: 'VISIT', visit: { appointmentId, failedVisits: 0 } });
  expect((await pool.query('SELECT count(*)::int AS n FROM visit_reports WHERE appointment_id = $1', [appointmentId])).rows[0].n).toBe(0);
  await closeOut(handle);
});

test('a hold cancels the appointment on offer; after the release a new one is proposed', async () => {
  const { accountId, handle } = await overriddenTo('APPOINTMENT');
  // The appointment call is with the agent (no activity in flight: see overriddenTo).
  const { appointment } = await until(handle, (s) => !!s.appointment && !!s.openCallTask);
  const holdId = uniqueId('hold');
  await handle.signal(holdPlacedSignal, { holdId, reason: 'DISPUTE' });
  const held = await until(handle, (s) => s.stage === 'ON_HOLD' && !s.appointment);
  expect(held.onHold).toBe(true);
  await eventually(() => appointmentsOf(accountId), (rows) => rows[0]?.status === 'CANCELLED');

  await handle.signal(holdReleasedSignal, { holdId });
  const after = await until(handle, (s) => s.stage === 'APPOINTMENT' && !!s.appointment && s.appointment.appointmentId !== appointment!.appointmentId);
  expect(after.onHold).toBe(false);
  expect((await appointmentsOf(accountId)).map((r) => r.status)).toEqual(['CANCELLED', 'PROPOSED']);
  await closeOut(handle);
});

test('a borrower no contact method reaches: a consented, verified family member is asked for a call-back, and the consent is recorded', async () => {
  const { accountId, handle } = await overriddenTo('APPOINTMENT', { mobilePhone: null, email: null }, async (id) => {
    const borrowerId = borrowerOf(id);
    const familyContactId = await addFamilyContact(pool, { borrowerId, relation: 'SIBLING', source: 'LOAN_APPLICATION', fullName: 'Test Sibling', phone: '+8613900000001' });
    await recordConsent(pool, { borrowerId, familyContactId, form: 'E_SIGNATURE', purpose: 'to ask me to call the bank back', givenAt: new Date(Date.now() - 365 * 24 * HOUR) });
    await verifyFamilyContact(pool, { familyContactId, method: 'SMS', verifiedBy: 'agent-x', at: new Date(Date.now() - 300 * 24 * HOUR) });
  });
  await until(handle, (s) => s.appointment?.reachedVia === 'FAMILY');
  const family = (await attemptsOf(accountId)).filter((a) => a.family_contact_id !== null);
  expect(family).toHaveLength(1);
  expect(family[0]).toMatchObject({ channel: 'SMS', template_id: 'sms-family-callback' });
  expect(family[0]!.consent_id).not.toBeNull();
  await closeOut(handle);
});

test('the agent reaches the borrower on the appointment call and confirms a slot for them', async () => {
  const { accountId, handle } = await overriddenTo('APPOINTMENT');
  const s = await until(handle, (x) => !!x.appointment && !!x.openCallTask);
  const agent = s.assignedAgent ?? 'agent-x';
  await handle.executeUpdate(recordCallOutcomeUpdate, { args: [{ taskId: s.openCallTask!.taskId, agentId: agent, rightPartyReached: true, reason: 'INCOME_DROP' }] });
  await until(handle, (x) => x.appointment?.reachedVia === 'CALL');
  const { appointmentId, slots } = s.appointment!;
  const booked = await handle.executeUpdate(confirmAppointmentUpdate, {
    args: [{ appointmentId, slotId: slots[0]!.slotId, address: { kind: 'WORKPLACE', text: 'Unit 4, Test Industrial Park' }, confirmedBy: agent, channel: 'CALL' }],
  });
  expect(booked).toMatchObject({ appointmentId, addressKind: 'WORKPLACE', startsAt: slots[0]!.startsAt });
  await until(handle, (x) => x.stage === 'VISIT');
  const row = await pool.query(`SELECT confirmed_by, reached_via, address_kind FROM appointments WHERE id = $1`, [appointmentId]);
  expect(row.rows[0]).toEqual({ confirmed_by: agent, reached_via: 'CALL', address_kind: 'WORKPLACE' });
  // Only the call: reaching them ended there.
  expect((await attemptsOf(accountId)).filter((a) => a.template_id.includes('appointment')).map((a) => a.channel)).toEqual(['CALL']);
  await closeOut(handle);
});

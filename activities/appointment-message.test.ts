/**
 * The contact step about an appointment (issue 7 §1), against the real Postgres: the
 * message offers the appointment's slots, or gives its visit time, on the borrower's clock.
 */
import { testPolicies } from '../src/contact-policy/test-policies';
import type { ContactStepInput } from '../src/domain/early-collection';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { addAgent, borrowerOf } from '../test/early-collection-seeds';
import { seedAccount, uniqueId } from '../test/support';

const bed = activityTestbed();
const activities = () => bed.activitiesWith({ businessTimeZone: 'Asia/Shanghai', contactPolicies: testPolicies() });

// 10:00 on Wednesday 10 June 2026 in Shanghai; 10 June 19:00 in Los Angeles is 02:00 UTC on the 11th.
const AT = Date.parse('2026-06-10T02:00:00Z');

/** Tue 16 Jun 18:00-19:30 and Thu 18 Jun 18:30-20:00 in Shanghai (UTC+8). */
const SLOTS = [
  { slotId: 's1', startsAt: '2026-06-16T10:00:00.000Z', endsAt: '2026-06-16T11:30:00.000Z' },
  { slotId: 's2', startsAt: '2026-06-18T10:30:00.000Z', endsAt: '2026-06-18T12:00:00.000Z' },
];

const overdueAccount = (timeZone = 'Asia/Shanghai') =>
  seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-15', amount: 10_000 }], mobilePhone: '+8613800000000', timeZone, jurisdiction: 'CN' });

/** A proposal (slots offered) or, with `visit`, a visit booked without confirmation; returns its id. */
async function appointmentOf(accountId: string, visit?: { startsAt: string; endsAt: string }): Promise<number> {
  const collector = visit ? await addAgent(bed.pool, { role: 'COLLECTOR' }) : null;
  const { rows } = await bed.pool.query(
    `INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, proposed_slots,
                               proposed_at, confirm_by, starts_at, ends_at, collector_id)
     VALUES ($1, $2, $3, $4, $5, $6, false, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      uniqueId('appointment'),
      accountId,
      borrowerOf(accountId),
      `arrears-${accountId}`,
      visit ? 'UNANNOUNCED' : 'ARRANGED',
      visit ? 'CONFIRMED' : 'PROPOSED',
      JSON.stringify(visit ? [] : SLOTS),
      new Date(AT),
      new Date(AT + 72 * 3_600_000),
      visit?.startsAt ?? null,
      visit?.endsAt ?? null,
      collector,
    ],
  );
  return rows[0].id as number;
}

const step = (accountId: string, channel: ContactStepInput['channel'], templateId: string, appointmentId?: number): ContactStepInput => ({
  idempotencyKey: uniqueId(`${accountId}:appointment`),
  accountId,
  workflowId: `arrears-${accountId}`,
  channel,
  templateId,
  at: AT,
  ...(appointmentId === undefined ? {} : { appointmentId }),
});

async function recorded(key: string) {
  const { rows } = await bed.pool.query('SELECT template_id, rendered_subject, rendered_text FROM contact_attempts WHERE idempotency_key = $1', [key]);
  return rows;
}

test('the appointment SMS offers the slots on the borrower’s clock, and goes out once', async () => {
  const { contactBorrower } = activities();
  const accountId = await overdueAccount();
  const input = step(accountId, 'SMS', 'sms-appointment', await appointmentOf(accountId));
  expect(await runActivity(contactBorrower, input)).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number) });
  expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'ALREADY_SENT' });
  const text =
    `[Arrears Bank] About your loan account ending ${accountId.slice(-4)}, which has CNY 100.00 overdue: we would like to meet you in person to talk it through ` +
    'and find a way forward that suits you. Times we can offer: Tue 16 Jun 18:00-19:30, Thu 18 Jun 18:30-20:00. Please call 95555 (08:00-21:00) to choose one, ' +
    'and tell us whether to meet you at home or at your workplace. If you have already paid, thank you and please ignore this message.';
  expect(await recorded(input.idempotencyKey)).toEqual([{ template_id: 'sms-appointment', rendered_subject: null, rendered_text: text }]);
  const { rows: outbox } = await bed.pool.query('SELECT body FROM sms_outbox WHERE idempotency_key = $1', [input.idempotencyKey]);
  expect(outbox).toEqual([{ body: text }]);
});

test('a borrower in Los Angeles reads the same slots on their own clock', async () => {
  const { contactBorrower } = activities();
  const accountId = await overdueAccount('America/Los_Angeles');
  const input = { ...step(accountId, 'EMAIL', 'email-appointment', await appointmentOf(accountId)), at: Date.parse('2026-06-10T17:00:00Z') };
  expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'SENT' });
  const [attempt] = await recorded(input.idempotencyKey);
  expect(attempt.rendered_subject).toBe(`Arrears Bank: arranging a meeting about your loan account ending ${accountId.slice(-4)}`);
  // 10:00 UTC is 03:00 in Los Angeles (PDT, UTC-7)
  expect(attempt.rendered_text).toContain('We can offer these times:\nTue 16 Jun 03:00-04:30, Thu 18 Jun 03:30-05:00\n');
});

test('the agent’s call task reads the appointment script with the slots', async () => {
  const { contactBorrower } = activities();
  const accountId = await overdueAccount();
  const input = step(accountId, 'CALL', 'call-appointment', await appointmentOf(accountId));
  expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'CALL_TASK_OPENED' });
  const { rows } = await bed.pool.query('SELECT template_id, script FROM agent_tasks WHERE idempotency_key = $1', [input.idempotencyKey]);
  expect(rows).toEqual([{ template_id: 'call-appointment', script: expect.stringContaining('Offer these times: Tue 16 Jun 18:00-19:30, Thu 18 Jun 18:30-20:00.') }]);
});

test('the visit notice gives the booked time', async () => {
  const { contactBorrower } = activities();
  const accountId = await overdueAccount();
  const appointmentId = await appointmentOf(accountId, { startsAt: '2026-06-12T06:00:00Z', endsAt: '2026-06-12T07:30:00Z' });
  const input = step(accountId, 'SMS', 'sms-visit-notice', appointmentId);
  expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'SENT' });
  expect(await recorded(input.idempotencyKey)).toEqual([
    {
      template_id: 'sms-visit-notice',
      rendered_subject: null,
      rendered_text: `[Arrears Bank] A colleague from Arrears Bank will visit you on Fri 12 Jun 14:00-15:30 about your loan account ending ${accountId.slice(-4)}, to talk about the overdue amount and a way forward. They will show their staff credentials. If this time does not suit you, please call 95555 (08:00-21:00) to change it.`,
    },
  ]);
});

test('another account’s appointment, or none for a message that needs one: refused for good, nothing recorded', async () => {
  const { contactBorrower } = activities();
  const accountId = await overdueAccount();
  const other = await overdueAccount();
  const theirs = await appointmentOf(other);
  const input = step(accountId, 'SMS', 'sms-appointment', theirs);
  await expect(runActivity(contactBorrower, input)).rejects.toMatchObject({ type: 'UnknownAppointment', nonRetryable: true });
  await expect(runActivity(contactBorrower, step(accountId, 'SMS', 'sms-appointment', 2_147_000_000))).rejects.toMatchObject({ type: 'UnknownAppointment' });
  await expect(runActivity(contactBorrower, step(accountId, 'SMS', 'sms-appointment'))).rejects.toMatchObject({
    type: 'WorkerMisconfigured',
    nonRetryable: true,
    message: 'template sms-appointment needs {{proposedSlots}}, which this account does not have',
  });
  const { rows } = await bed.pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE account_id = $1', [accountId]);
  expect(rows[0].n).toBe(0);
});

/**
 * The contact step against the real Postgres: SMS (outbox) and call tasks, exactly once
 * per key, no contact after a cure, the contact policy's refusals, the agent queue.
 * Delivery over SMTP and an HTTP gateway: contact-delivery.test.ts.
 */
import { testPolicies } from '../src/contact-policy/test-policies';
import type { ContactStepInput } from '../src/domain/early-collection';
import { seedCallTask } from '../test/call-tasks';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { addAgent, addContactPoint, borrowerOf, pay } from '../test/early-collection-seeds';
import { seedAccount, testPool, uniqueId, type SeedAccount } from '../test/support';
import { createActivities } from './index';
import { OutboxSmsProvider } from './providers/sms-provider';

const bed = activityTestbed();
const BUSINESS_ZONE = 'Asia/Shanghai';
/** the presets as they ship: CN 08:00–22:00, 2 SMS a day, … */
const activities = () => bed.activitiesWith({ businessTimeZone: BUSINESS_ZONE, contactPolicies: testPolicies() });

// 10:00 on 10 June 2026 in Shanghai.
const AT = Date.parse('2026-06-10T02:00:00Z');
const HOUR = 3_600_000;

/** One CNY 100.00 installment, overdue since 15 May; a borrower in Shanghai (CN) whose mobile (personal data) is +8613800000000. */
const overdueAccount = (pool = bed.pool, seed: Partial<SeedAccount> = {}) =>
  seedAccount(pool, { installments: [{ dueDate: '2026-05-15', amount: 10_000 }], mobilePhone: '+8613800000000', timeZone: 'Asia/Shanghai', jurisdiction: 'CN', ...seed });

const step = (accountId: string, channel: ContactStepInput['channel'], over: Partial<ContactStepInput> = {}): ContactStepInput => ({
  idempotencyKey: uniqueId(`${accountId}:step`),
  accountId,
  workflowId: `arrears-${accountId}`,
  channel,
  templateId: { SMS: 'sms-first-reminder', CALL: 'call-reminder', EMAIL: 'email-reminder' }[channel],
  at: AT,
  ...over,
});

async function attemptsOf(accountId: string) {
  const { rows } = await bed.pool.query(
    `SELECT channel, template_id, template_version, rendered_text, status, provider, provider_message_id, attempted_at, call_outcome
     FROM contact_attempts WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}

async function blocksOf(accountId: string) {
  const { rows } = await bed.pool.query('SELECT idempotency_key, channel, rule, next_allowed_at, asked_at FROM contact_blocks WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows;
}

describe('SMS', () => {
  test('SENT once to the mobile on file, rendered from the template and recorded; a retry is ALREADY_SENT and sends nothing', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    // the loan book's contact point wins over the personal-data copy
    await addContactPoint(bed.pool, accountId, { kind: 'PHONE', label: 'MOBILE', value: '+8613911112222', preferred: true });
    const input = step(accountId, 'SMS', { templateVersion: 2 });

    const first = await runActivity(contactBorrower, input);
    expect(first).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number) });
    const retry = await runActivity(contactBorrower, { ...input, at: AT + 60_000 });
    expect(retry).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: (first as { contactAttemptId: number }).contactAttemptId });

    const tail = accountId.slice(-4);
    const text = `[Arrears Bank] Your loan account ending ${tail} has CNY 100.00 overdue since 2026-05-15. You can pay in the mobile app, in online banking or at any branch. Questions or difficulties paying: call 95555 (08:00-21:00). If you have already paid, thank you and please ignore this message.`;
    const { rows: outbox } = await bed.pool.query('SELECT id, to_phone, body FROM sms_outbox WHERE idempotency_key = $1', [input.idempotencyKey]);
    expect(outbox).toEqual([{ id: expect.any(Number), to_phone: '+8613911112222', body: text }]);
    expect(await attemptsOf(accountId)).toEqual([
      {
        channel: 'SMS',
        template_id: 'sms-first-reminder',
        template_version: 2,
        rendered_text: text,
        status: 'SENT',
        provider: 'outbox',
        provider_message_id: `outbox-${outbox[0].id}`,
        attempted_at: new Date(AT),
        call_outcome: null,
      },
    ]);
  });

  test('without a templateVersion the newest is rendered', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    await runActivity(contactBorrower, step(accountId, 'SMS', { templateId: 'sms-second-reminder' }));
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ template_id: 'sms-second-reminder', template_version: 2 })]);
  });

  test('no mobile on file: NO_CONTACT_METHOD, recorded FAILED (not counted by the policy); a retry finds it', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount(bed.pool, { mobilePhone: null, email: null });
    const input = step(accountId, 'SMS');
    const first = await runActivity(contactBorrower, input);
    expect(first).toEqual({ outcome: 'NO_CONTACT_METHOD', contactAttemptId: expect.any(Number) });
    expect(await runActivity(contactBorrower, input)).toEqual(first);
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ channel: 'SMS', status: 'FAILED', provider: 'none', attempted_at: new Date(AT) })]);
    // and no e-mail address either
    expect(await runActivity(contactBorrower, step(accountId, 'EMAIL'))).toMatchObject({ outcome: 'NO_CONTACT_METHOD' });
  });
});

describe('e-mail without SMTP', () => {
  test('SENT to the preferred address: it waits in email_outbox with the recorded subject and text; a retry is ALREADY_SENT', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    await addContactPoint(bed.pool, accountId, { kind: 'EMAIL', label: 'WORK', value: 'work@example.test' });
    await addContactPoint(bed.pool, accountId, { kind: 'EMAIL', label: 'HOME', value: 'home@example.test', preferred: true });
    const input = step(accountId, 'EMAIL');

    const sent = await runActivity(contactBorrower, input);
    expect(sent).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number) });
    expect(await runActivity(contactBorrower, input)).toEqual({ ...sent, outcome: 'ALREADY_SENT' });

    const { rows: outbox } = await bed.pool.query('SELECT message_id, to_address, subject, body, sent_at FROM email_outbox WHERE idempotency_key = $1', [input.idempotencyKey]);
    const { rows: attempts } = await bed.pool.query('SELECT provider, provider_message_id, rendered_subject, rendered_text FROM contact_attempts WHERE idempotency_key = $1', [input.idempotencyKey]);
    expect(attempts).toEqual([
      { provider: 'outbox', provider_message_id: outbox[0]?.message_id, rendered_subject: `Arrears Bank: payment overdue on your loan account ending ${accountId.slice(-4)}`, rendered_text: expect.stringContaining('CNY 100.00') },
    ]);
    expect(outbox).toEqual([{ message_id: expect.any(String), to_address: 'home@example.test', subject: attempts[0].rendered_subject, body: attempts[0].rendered_text, sent_at: null }]);
  });
});

describe('no contact after a cure', () => {
  test('nothing overdue: NOT_NEEDED on every channel, and nothing recorded — no attempt, no outbox row, no task, no block', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    await pay(bed.pool, accountId, 10_000, '2026-06-09');
    const sms = step(accountId, 'SMS');
    const call = step(accountId, 'CALL');
    expect(await runActivity(contactBorrower, sms)).toEqual({ outcome: 'NOT_NEEDED' });
    expect(await runActivity(contactBorrower, call)).toEqual({ outcome: 'NOT_NEEDED' });
    // at 07:59 the policy would refuse: a contact not needed records no refusal either
    expect(await runActivity(contactBorrower, step(accountId, 'SMS', { at: Date.parse('2026-06-09T23:59:00Z') }))).toEqual({ outcome: 'NOT_NEEDED' });

    expect(await attemptsOf(accountId)).toEqual([]);
    expect(await blocksOf(accountId)).toEqual([]);
    expect((await bed.pool.query('SELECT 1 FROM sms_outbox WHERE idempotency_key = $1', [sms.idempotencyKey])).rowCount).toBe(0);
    expect((await bed.pool.query('SELECT 1 FROM agent_tasks WHERE account_id = $1', [accountId])).rowCount).toBe(0);
  });

  test('a partial payment is not a cure: the text carries what is still overdue', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    await pay(bed.pool, accountId, 2_500, '2026-06-09');
    expect(await runActivity(contactBorrower, step(accountId, 'SMS'))).toMatchObject({ outcome: 'SENT' });
    expect((await attemptsOf(accountId))[0].rendered_text).toContain('CNY 75.00 overdue since 2026-05-15');
  });
});

describe('the contact policy', () => {
  test('07:59 in Shanghai: BLOCKED until 08:00 local, each ask’s refusal recorded once; at 08:00 the same key sends', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    const at0759 = Date.parse('2026-06-09T23:59:00Z');
    const input = step(accountId, 'SMS', { at: at0759 });

    const blocked = { outcome: 'BLOCKED', rule: 'CONTACT_HOURS_START', reason: expect.stringContaining('22:00–08:00'), nextAllowedAt: '2026-06-10T00:00:00.000Z' };
    expect(await runActivity(contactBorrower, input)).toEqual(blocked);
    // the same ask retried records nothing more; the workflow asking again later is a new refusal
    expect(await runActivity(contactBorrower, input)).toEqual(blocked);
    expect(await runActivity(contactBorrower, { ...input, at: at0759 + 30_000 })).toEqual(blocked);
    expect(await attemptsOf(accountId)).toEqual([]);
    expect(await blocksOf(accountId)).toEqual([
      { idempotency_key: `${input.idempotencyKey}@2026-06-09T23:59:00.000Z`, channel: 'SMS', rule: 'CONTACT_HOURS_START', next_allowed_at: new Date('2026-06-10T00:00:00Z'), asked_at: new Date(at0759) },
      { idempotency_key: `${input.idempotencyKey}@2026-06-09T23:59:30.000Z`, channel: 'SMS', rule: 'CONTACT_HOURS_START', next_allowed_at: new Date('2026-06-10T00:00:00Z'), asked_at: new Date(at0759 + 30_000) },
    ]);

    expect(await runActivity(contactBorrower, { ...input, at: Date.parse('2026-06-10T00:00:00Z') })).toMatchObject({ outcome: 'SENT' });
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'SENT', attempted_at: new Date('2026-06-10T00:00:00Z') })]);
  });

  test('21:00 in New York under the US preset: a call is BLOCKED until 08:00 there', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount(bed.pool, { timeZone: 'America/New_York', jurisdiction: 'US' });
    // 21:00 EDT on 9 June
    expect(await runActivity(contactBorrower, step(accountId, 'CALL', { at: Date.parse('2026-06-10T01:00:00Z') }))).toMatchObject({
      outcome: 'BLOCKED',
      rule: 'CONTACT_HOURS_END',
      nextAllowedAt: '2026-06-10T12:00:00.000Z',
    });
    expect((await bed.pool.query('SELECT 1 FROM agent_tasks WHERE account_id = $1', [accountId])).rowCount).toBe(0);
  });

  test('the cap counts across the borrower’s accounts: one SMS a day, the second account’s step is BLOCKED to the next morning', async () => {
    const { contactBorrower } = bed.activitiesWith({ businessTimeZone: BUSINESS_ZONE, contactPolicies: testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } }) });
    const accountA = await overdueAccount();
    const accountB = await overdueAccount(bed.pool, { borrowerId: borrowerOf(accountA), installments: [{ dueDate: '2026-05-20', amount: 10_000 }] });
    expect(await runActivity(contactBorrower, step(accountA, 'SMS'))).toMatchObject({ outcome: 'SENT' });
    expect(await runActivity(contactBorrower, step(accountB, 'SMS', { at: AT + HOUR }))).toMatchObject({
      outcome: 'BLOCKED',
      rule: 'SMS_PER_DAY',
      nextAllowedAt: '2026-06-11T00:00:00.000Z',
    });
    expect(await attemptsOf(accountB)).toEqual([]);
    expect(await blocksOf(accountB)).toEqual([expect.objectContaining({ rule: 'SMS_PER_DAY' })]);
  });
});

describe('calls', () => {
  test('a call step opens one task in the agent queue, with the rendered script and the call window; a retry finds it', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    // a call goes to the phone the borrower prefers
    await addContactPoint(bed.pool, accountId, { kind: 'PHONE', label: 'MOBILE', value: '+8613911112222' });
    await addContactPoint(bed.pool, accountId, { kind: 'PHONE', label: 'WORK', value: '+862155550000', preferred: true });
    const input = step(accountId, 'CALL');

    const opened = await runActivity(contactBorrower, input);
    expect(opened).toEqual({ outcome: 'CALL_TASK_OPENED', contactAttemptId: expect.any(Number), taskId: expect.any(Number), assignedAgent: opened.outcome === 'CALL_TASK_OPENED' ? opened.assignedAgent : 'none', dueBy: '2026-06-11T02:00:00.000Z' });
    expect(await runActivity(contactBorrower, { ...input, at: AT + HOUR })).toEqual(opened);
    if (opened.outcome !== 'CALL_TASK_OPENED') throw new Error('no task');

    const { rows: tasks } = await bed.pool.query(
      'SELECT kind, account_id, contact_attempt_id, assigned_agent, template_id, template_version, script, status, opened_at, due_by, closed_at FROM agent_tasks WHERE idempotency_key = $1',
      [input.idempotencyKey],
    );
    expect(tasks).toEqual([
      {
        kind: 'CALL',
        account_id: accountId,
        contact_attempt_id: opened.contactAttemptId,
        assigned_agent: opened.assignedAgent,
        template_id: 'call-reminder',
        template_version: 1,
        script: expect.stringContaining(`the loan account ending ${accountId.slice(-4)} has CNY 100.00 overdue since 2026-05-15`),
        status: 'OPEN',
        opened_at: new Date(AT),
        due_by: new Date(AT + 24 * HOUR),
        closed_at: null,
      },
    ]);
    // the attempt is what the policy counts: outcome not known yet (unanswered until the agent says otherwise)
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ channel: 'CALL', status: 'SENT', provider: 'agent-queue', call_outcome: null, rendered_text: tasks[0].script })]);
    const { rows: recipient } = await bed.pool.query('SELECT recipient_key = contact_recipient_key($2) AS preferred FROM contact_attempts WHERE id = $1', [opened.contactAttemptId, '+862155550000']);
    expect(recipient).toEqual([{ preferred: true }]);
  });

  test('the step’s call window sets the task’s deadline', async () => {
    const { contactBorrower } = activities();
    const accountId = await overdueAccount();
    expect(await runActivity(contactBorrower, step(accountId, 'CALL', { callWindowHours: 4 }))).toMatchObject({ dueBy: new Date(AT + 4 * HOUR).toISOString() });
  });

  test('closeCallTask: an OPEN task expires or is cancelled at the workflow’s time; a closed one keeps its status', async () => {
    const { closeCallTask } = activities();
    const accountId = await overdueAccount();
    const open = await seedCallTask(bed.pool, accountId);
    expect(await runActivity(closeCallTask, { taskId: open.taskId, status: 'EXPIRED', at: AT + 25 * HOUR })).toEqual({ status: 'EXPIRED' });
    expect(await runActivity(closeCallTask, { taskId: open.taskId, status: 'CANCELLED', at: AT + 26 * HOUR })).toEqual({ status: 'EXPIRED' });
    const { rows } = await bed.pool.query('SELECT status, closed_at FROM agent_tasks WHERE id = $1', [open.taskId]);
    expect(rows).toEqual([{ status: 'EXPIRED', closed_at: new Date(AT + 25 * HOUR) }]);

    const answered = await seedCallTask(bed.pool, accountId);
    await bed.pool.query(`UPDATE agent_tasks SET status = 'DONE', closed_at = now() WHERE id = $1`, [answered.taskId]);
    expect(await runActivity(closeCallTask, { taskId: answered.taskId, status: 'EXPIRED', at: AT })).toEqual({ status: 'DONE' });

    const cancelled = await seedCallTask(bed.pool, accountId);
    expect(await runActivity(closeCallTask, { taskId: cancelled.taskId, status: 'CANCELLED', at: AT })).toEqual({ status: 'CANCELLED' });

    await expect(runActivity(closeCallTask, { taskId: 2_147_000_000, status: 'EXPIRED', at: AT })).rejects.toMatchObject({ type: 'UnknownCallTask', nonRetryable: true });
  });

  test('tasks go to the active agent with the fewest open tasks (then the lowest id); no agent: unassigned', async () => {
    // The isolated database: no other test file keeps staff there, so the queue's load is this test's own.
    const pool = testPool('isolated');
    try {
      const { contactBorrower, closeCallTask } = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), businessTimeZone: BUSINESS_ZONE, contactPolicies: testPolicies() });
      const call = async () => {
        const result = await runActivity(contactBorrower, step(await overdueAccount(pool), 'CALL'));
        if (result.outcome !== 'CALL_TASK_OPENED') throw new Error(`no task: ${result.outcome}`);
        return result;
      };
      await pool.query('UPDATE staff SET active = false');
      expect((await call()).assignedAgent).toBeNull();

      const stem = uniqueId('agent');
      await addAgent(pool, { id: `${stem}-0`, role: 'SUPERVISOR' });
      await addAgent(pool, { id: `${stem}-c`, active: false });
      const [a, b] = [await addAgent(pool, { id: `${stem}-a` }), await addAgent(pool, { id: `${stem}-b` })];

      const first = await call();
      expect(first.assignedAgent).toBe(a); // both idle: the lower id
      expect((await call()).assignedAgent).toBe(b); // a has one open
      expect((await call()).assignedAgent).toBe(a); // one each: the lower id
      await runActivity(closeCallTask, { taskId: first.taskId, status: 'EXPIRED', at: AT + 25 * HOUR });
      expect((await call()).assignedAgent).toBe(a); // a: 1 open, b: 1 open → a
      expect((await call()).assignedAgent).toBe(b); // a: 2, b: 1
    } finally {
      await pool.end();
    }
  });
});

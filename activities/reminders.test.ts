/**
 * The SMS reminder activity against the real Postgres: one effect per idempotency
 * key, however often it runs; a borrower without a mobile number is recorded, not retried;
 * an account paid meanwhile gets no reminder.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { recordPayment } from '../src/db/payments';
import type { Pool } from '../src/db/pool';
import { isoDateFrom, seedAccount, testPool, uniqueId } from '../test/support';
import { createActivities } from '.';
import type { ReminderResult, SendReminderInput } from './reminders';
import { TEMPLATES } from './templates';
import { OutboxSmsProvider, type SmsMessage, type SmsProvider } from './providers/sms-provider';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

const today = isoDateFrom(Date.now(), 0);

/** Runs the activity as Temporal would (with an activity context), typed. */
function sendSmsReminder(activities: ReturnType<typeof createActivities>, input: SendReminderInput): Promise<ReminderResult> {
  return new MockActivityEnvironment().run(activities.sendSmsReminder, input) as Promise<ReminderResult>;
}
const overdue = () => seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });

/** Counts what reaches the provider, on top of the real outbox. */
class CountingProvider implements SmsProvider {
  readonly name = 'outbox';
  readonly sent: SmsMessage[] = [];
  constructor(private readonly outbox: OutboxSmsProvider) {}
  async send(message: SmsMessage) {
    this.sent.push(message);
    return this.outbox.send(message);
  }
}

test('the same idempotency key twice: one contact attempt, one outbox message', async () => {
  const accountId = await overdue();
  const activities = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
  const input = { idempotencyKey: uniqueId('key'), accountId, workflowId: `arrears-${accountId}`, templateId: 'sms-first-reminder', asOf: today };
  const first = await sendSmsReminder(activities, input);
  const second = await sendSmsReminder(activities, input);

  expect(first.outcome).toBe('SENT');
  expect(second).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: first.contactAttemptId });
  const attempts = await pool.query('SELECT template_id, template_version, status, rendered_text FROM contact_attempts WHERE account_id = $1', [accountId]);
  expect(attempts.rows).toHaveLength(1);
  expect(attempts.rows[0]).toMatchObject({ template_id: 'sms-first-reminder', template_version: 1, status: 'SENT' });
  expect(attempts.rows[0].rendered_text).toContain('CNY 2500.00 overdue');
  const outbox = await pool.query('SELECT count(*)::int AS n FROM sms_outbox WHERE idempotency_key = $1', [input.idempotencyKey]);
  expect(outbox.rows[0].n).toBe(1);
});

test('a retry after the provider took the message but before the attempt was recorded sends nothing new', async () => {
  const accountId = await overdue();
  const key = uniqueId('key');
  const outbox = new OutboxSmsProvider(pool);
  // the crash window: the provider has the message, the attempt row is missing
  await outbox.send({ idempotencyKey: key, to: '+8613800000000', body: 'first try' });
  const counting = new CountingProvider(outbox);
  const activities = createActivities({ pool, smsProvider: counting });

  const retried = await sendSmsReminder(activities, {
    idempotencyKey: key,
    accountId,
    workflowId: `arrears-${accountId}`,
    templateId: 'sms-first-reminder',
    asOf: today,
  });

  expect(retried.outcome).toBe('SENT');
  const outboxRows = await pool.query('SELECT body FROM sms_outbox WHERE idempotency_key = $1', [key]);
  expect(outboxRows.rows).toEqual([{ body: 'first try' }]); // the first message stands, no second one
  const attempts = await pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE idempotency_key = $1', [key]);
  expect(attempts.rows[0].n).toBe(1);
});

test('no mobile number: a FAILED attempt is recorded once and nothing reaches the provider', async () => {
  const accountId = await seedAccount(pool, { mobilePhone: null, installments: [{ dueDate: isoDateFrom(Date.now(), -3), amount: 1_000 }] });
  const counting = new CountingProvider(new OutboxSmsProvider(pool));
  const activities = createActivities({ pool, smsProvider: counting });
  const input = { idempotencyKey: uniqueId('key'), accountId, workflowId: `arrears-${accountId}`, templateId: 'sms-first-reminder', asOf: today };

  expect((await sendSmsReminder(activities, input)).outcome).toBe('NO_CONTACT_METHOD');
  expect((await sendSmsReminder(activities, input)).outcome).toBe('ALREADY_SENT');
  expect(counting.sent).toHaveLength(0);
  const attempts = await pool.query('SELECT status, provider FROM contact_attempts WHERE account_id = $1', [accountId]);
  expect(attempts.rows).toEqual([{ status: 'FAILED', provider: 'none' }]);
});

/** A payment as the API records it: the row in Postgres first (the signal comes later). */
const paidByApi = (accountId: string, amount: number) =>
  recordPayment(pool, { eventId: uniqueId('EVT'), accountId, amount, currency: 'CNY', valueDate: today, method: 'BANK_TRANSFER' }, 'API');

async function traces(key: string) {
  const attempts = await pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE idempotency_key = $1', [key]);
  const outbox = await pool.query('SELECT count(*)::int AS n FROM sms_outbox WHERE idempotency_key = $1', [key]);
  return { contactAttempts: attempts.rows[0].n as number, outboxMessages: outbox.rows[0].n as number };
}

test('an account paid in full before the activity runs: NOT_NEEDED, nothing sent, no contact attempt', async () => {
  const accountId = await overdue();
  await paidByApi(accountId, 250_000);
  const counting = new CountingProvider(new OutboxSmsProvider(pool));
  const activities = createActivities({ pool, smsProvider: counting });
  const input = { idempotencyKey: uniqueId('key'), accountId, workflowId: `arrears-${accountId}`, templateId: 'sms-first-reminder', asOf: today };

  expect(await sendSmsReminder(activities, input)).toEqual({ outcome: 'NOT_NEEDED', contactAttemptId: null });
  expect(counting.sent).toHaveLength(0);
  expect(await traces(input.idempotencyKey)).toEqual({ contactAttempts: 0, outboxMessages: 0 });
});

test('a payment that lands while the gateway is failing: the retry sends nothing', async () => {
  const accountId = await overdue();
  const outbox = new OutboxSmsProvider(pool);
  let attempts = 0;
  const flaky: SmsProvider = {
    name: 'outbox',
    async send(message) {
      if (++attempts === 1) throw new Error('SMS gateway timed out');
      return outbox.send(message);
    },
  };
  const activities = createActivities({ pool, smsProvider: flaky });
  const input = { idempotencyKey: uniqueId('key'), accountId, workflowId: `arrears-${accountId}`, templateId: 'sms-first-reminder', asOf: today };

  await expect(sendSmsReminder(activities, input)).rejects.toThrow('SMS gateway timed out');
  await paidByApi(accountId, 250_000);
  expect((await sendSmsReminder(activities, input)).outcome).toBe('NOT_NEEDED'); // Temporal's retry

  expect(attempts).toBe(1);
  expect(await traces(input.idempotencyKey)).toEqual({ contactAttempts: 0, outboxMessages: 0 });
});

test('a partial or a reversed payment does not stop the reminder; its text shows what is still overdue', async () => {
  const accountId = await overdue();
  await paidByApi(accountId, 100_000);
  const reversed = uniqueId('EVT');
  await recordPayment(pool, { eventId: reversed, accountId, amount: 150_000, currency: 'CNY', valueDate: today, method: 'CARD' }, 'API');
  await pool.query('UPDATE payments SET reversed_at = now() WHERE event_id = $1', [reversed]); // as the API's reversal does
  const activities = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
  const input = { idempotencyKey: uniqueId('key'), accountId, workflowId: `arrears-${accountId}`, templateId: 'sms-first-reminder', asOf: today };

  expect((await sendSmsReminder(activities, input)).outcome).toBe('SENT');
  const { rows } = await pool.query('SELECT body FROM sms_outbox WHERE idempotency_key = $1', [input.idempotencyKey]);
  expect(rows[0].body).toContain('CNY 1500.00 overdue');
});

test('every template is polite: no threatening words', () => {
  const blocklist = /\b(threat|police|arrest|jail|prison|shame|expose|family will|punish|consequences|seize)\w*/i;
  const ctx = { product: 'LOAN' as const, accountId: 'A-0001', currency: 'CNY', amountOverdue: 12_345, oldestUnpaidDueDate: '2026-10-01' };
  for (const template of Object.values(TEMPLATES)) expect(template.render(ctx)).not.toMatch(blocklist);
  expect(Object.keys(TEMPLATES).length).toBeGreaterThan(0);
});

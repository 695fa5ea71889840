/**
 * The contact step's hand-off to providers that deliver after the record commits: e-mail
 * to a real SMTP server on loopback, SMS to a real HTTP gateway on loopback. Recorded
 * means delivered: a retry that finds the record hands the message off again (same key)
 * when the first hand-off did not happen, and never delivers twice.
 */
import nodemailer from 'nodemailer';
import { parseConfig } from '../src/config';
import { testPolicies } from '../src/contact-policy/test-policies';
import type { ContactStepInput } from '../src/domain/early-collection';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { startSmsGateway, type SmsGateway } from '../test/sms-gateway';
import { body, header, startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { seedAccount, uniqueId } from '../test/support';
import { OutboxEmailProvider, smtpDeliveryFromConfig } from './providers/email-provider';
import { HttpSmsProvider } from './providers/sms-http-provider';

const bed = activityTestbed();
const pool = () => bed.pool;
let sink: SmtpSink;
let gateway: SmsGateway;

beforeAll(async () => {
  // a mailbox the server does not know: addresses starting "gone."
  [sink, gateway] = await Promise.all([startSmtpSink({ rejects: (address) => address.startsWith('gone.') }), startSmsGateway()]);
});
afterAll(async () => {
  await Promise.all([sink.close(), gateway.close()]);
});

// 10:00 on 10 June 2026 in Shanghai.
const AT = Date.parse('2026-06-10T02:00:00Z');

const smtpProvider = () => new OutboxEmailProvider(bed.pool, smtpDeliveryFromConfig(parseConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_FROM: 'Arrears Bank <no-reply@bank.test>' })));
const deadSmtpProvider = () => new OutboxEmailProvider(bed.pool, { transport: nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2000 }), from: 'no-reply@bank.test' });
const activitiesWith = (providers: Parameters<typeof bed.activitiesWith>[0]) =>
  bed.activitiesWith({ businessTimeZone: 'Asia/Shanghai', contactPolicies: testPolicies(), ...providers });

/** CNY 100.00 overdue since 15 May; a borrower in Shanghai with an e-mail address (`<account>@example.test`, or as given) and a mobile. */
async function overdueAccount(email?: string): Promise<string> {
  const accountId = uniqueId('ACC');
  return seedAccount(pool(), {
    accountId,
    installments: [{ dueDate: '2026-05-15', amount: 10_000 }],
    mobilePhone: '+8613800000000',
    email: email ?? `${accountId.toLowerCase()}@example.test`,
    timeZone: 'Asia/Shanghai',
    jurisdiction: 'CN',
  });
}

const step = (accountId: string, channel: 'SMS' | 'EMAIL'): ContactStepInput => ({
  idempotencyKey: uniqueId(`${accountId}:step`),
  accountId,
  workflowId: `arrears-${accountId}`,
  channel,
  templateId: channel === 'SMS' ? 'sms-first-reminder' : 'email-reminder',
  at: AT,
});

async function attemptOf(key: string) {
  const { rows } = await pool().query('SELECT id, status, provider, provider_message_id, rendered_subject, rendered_text FROM contact_attempts WHERE idempotency_key = $1', [key]);
  return rows[0] as { id: number; status: string; provider: string; provider_message_id: string | null; rendered_subject: string | null; rendered_text: string };
}

const mailsTo = (address: string) => sink.received.filter((m) => m.to.includes(address));

describe('e-mail over SMTP', () => {
  test('SENT: the rendered e-mail arrives once at the preferred address, as recorded; a retry is ALREADY_SENT and sends nothing', async () => {
    const { contactBorrower } = activitiesWith({ emailProvider: smtpProvider() });
    const accountId = await overdueAccount();
    const address = `${accountId.toLowerCase()}@example.test`;
    const input = step(accountId, 'EMAIL');

    const sent = await runActivity(contactBorrower, input);
    expect(sent).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number) });
    expect(await runActivity(contactBorrower, { ...input, at: AT + 60_000 })).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: (sent as { contactAttemptId: number }).contactAttemptId });

    const mails = mailsTo(address);
    expect(mails).toHaveLength(1);
    const [mail] = mails as [(typeof mails)[number]];
    const tail = accountId.slice(-4);
    const attempt = await attemptOf(input.idempotencyKey);
    expect(attempt).toMatchObject({ status: 'SENT', provider: 'smtp', rendered_subject: `Arrears Bank: payment overdue on your loan account ending ${tail}` });
    expect(header(mail.raw, 'Subject')).toBe(attempt.rendered_subject);
    expect(header(mail.raw, 'Message-ID')).toBe(attempt.provider_message_id);
    expect(body(mail.raw)).toBe(attempt.rendered_text);
    expect(body(mail.raw)).toContain(`Our records show that CNY 100.00 on your loan account ending ${tail} has been overdue since 2026-05-15.`);
  });

  test('the SMTP server down at the hand-off: the record stays; the retry delivers it once, with the recorded subject and text', async () => {
    const accountId = await overdueAccount();
    const address = `${accountId.toLowerCase()}@example.test`;
    const input = step(accountId, 'EMAIL');

    await expect(runActivity(activitiesWith({ emailProvider: deadSmtpProvider() }).contactBorrower, input)).rejects.toThrow();
    const recorded = await attemptOf(input.idempotencyKey);
    expect(recorded).toMatchObject({ status: 'SENT', provider_message_id: null });
    expect(mailsTo(address)).toHaveLength(0);

    const { contactBorrower } = activitiesWith({ emailProvider: smtpProvider() });
    expect(await runActivity(contactBorrower, input)).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: recorded.id });
    expect(await runActivity(contactBorrower, input)).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: recorded.id });
    const mails = mailsTo(address);
    expect(mails).toHaveLength(1);
    expect(header(mails[0]!.raw, 'Subject')).toBe(recorded.rendered_subject);
    expect(body(mails[0]!.raw)).toBe(recorded.rendered_text);
    expect((await attemptOf(input.idempotencyKey)).provider_message_id).toBe(header(mails[0]!.raw, 'Message-ID'));
  });

  test('a recipient the server refuses: NO_CONTACT_METHOD, the attempt FAILED (so no cap counts it); a retry finds it so', async () => {
    const { contactBorrower } = activitiesWith({ emailProvider: smtpProvider() });
    const address = `gone.${uniqueId('mailbox')}@example.test`;
    const accountId = await overdueAccount(address);
    const input = step(accountId, 'EMAIL');
    const refused = await runActivity(contactBorrower, input);
    expect(refused).toEqual({ outcome: 'NO_CONTACT_METHOD', contactAttemptId: expect.any(Number) });
    expect(await runActivity(contactBorrower, input)).toEqual(refused);
    expect(await attemptOf(input.idempotencyKey)).toMatchObject({ status: 'FAILED', provider_message_id: null });
    expect(mailsTo(address)).toHaveLength(0);
  });
});

describe('SMS over an HTTP gateway', () => {
  const httpProvider = () => new HttpSmsProvider({ url: gateway.url, token: 'gw-token' });
  const requestsFor = (key: string) => gateway.requests.filter((r) => r.idempotencyKey === key);

  test('SENT: one POST with the step’s key, the message id recorded; a retry is ALREADY_SENT without asking the gateway again', async () => {
    const { contactBorrower } = activitiesWith({ smsProvider: httpProvider() });
    const accountId = await overdueAccount();
    const input = step(accountId, 'SMS');

    expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'SENT' });
    expect(await runActivity(contactBorrower, input)).toMatchObject({ outcome: 'ALREADY_SENT' });

    const attempt = await attemptOf(input.idempotencyKey);
    expect(requestsFor(input.idempotencyKey)).toEqual([expect.objectContaining({ authorization: 'Bearer gw-token', json: { to: '+8613800000000', body: attempt.rendered_text } })]);
    expect(attempt).toMatchObject({ status: 'SENT', provider: 'http', provider_message_id: gateway.sent.get(input.idempotencyKey)?.messageId });
    // nothing in the outbox: the gateway is the provider
    expect((await pool().query('SELECT 1 FROM sms_outbox WHERE idempotency_key = $1', [input.idempotencyKey])).rowCount).toBe(0);
  });

  test('the gateway down at the hand-off: the record stays; the retry sends with the same key, once', async () => {
    const { contactBorrower } = activitiesWith({ smsProvider: httpProvider() });
    const accountId = await overdueAccount();
    const input = step(accountId, 'SMS');

    gateway.failNext(503);
    await expect(runActivity(contactBorrower, input)).rejects.toThrow('SMS gateway answered HTTP 503; will retry with the same key');
    const recorded = await attemptOf(input.idempotencyKey);
    expect(recorded).toMatchObject({ status: 'SENT', provider: 'http', provider_message_id: null });

    expect(await runActivity(contactBorrower, input)).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: recorded.id });
    expect(requestsFor(input.idempotencyKey).map((r) => r.json)).toEqual([
      { to: '+8613800000000', body: recorded.rendered_text },
      { to: '+8613800000000', body: recorded.rendered_text },
    ]);
    expect(gateway.sent.get(input.idempotencyKey)).toEqual({ to: '+8613800000000', body: recorded.rendered_text, messageId: expect.any(String) });
    expect((await attemptOf(input.idempotencyKey)).provider_message_id).toBe(gateway.sent.get(input.idempotencyKey)?.messageId);
  });

  test('the gateway refuses the message (400): NO_CONTACT_METHOD and the attempt FAILED, without retrying', async () => {
    const { contactBorrower } = activitiesWith({ smsProvider: httpProvider() });
    const accountId = await overdueAccount();
    const input = step(accountId, 'SMS');
    gateway.failNext(400);
    const refused = await runActivity(contactBorrower, input);
    expect(refused).toEqual({ outcome: 'NO_CONTACT_METHOD', contactAttemptId: expect.any(Number) });
    expect(await runActivity(contactBorrower, input)).toEqual(refused);
    expect(requestsFor(input.idempotencyKey)).toHaveLength(1);
    expect(await attemptOf(input.idempotencyKey)).toMatchObject({ status: 'FAILED', provider: 'http', provider_message_id: null });
  });
});

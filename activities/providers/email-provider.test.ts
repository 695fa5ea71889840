/**
 * E-mail over real SMTP: a real SMTP server (smtp-server) on loopback receives what the
 * provider sends through nodemailer, and the real Postgres holds the outbox.
 */
import nodemailer from 'nodemailer';
import { parseConfig } from '../../src/config';
import type { Pool } from '../../src/db/pool';
import { loadTemplateCatalogue } from '../../src/templates/catalogue';
import { renderTemplate } from '../../src/templates/render';
import { body, header, startSmtpSink, type ReceivedMail, type SmtpSink } from '../../test/smtp-sink';
import { testPool, uniqueId } from '../../test/support';
import { messageIdFor, OutboxEmailProvider, smtpDeliveryFromConfig, smtpTransportOptions } from './email-provider';

let sink: SmtpSink;
let received: ReceivedMail[];
let port: number;
let pool: Pool;

beforeAll(async () => {
  sink = await startSmtpSink();
  ({ received, port } = sink);
  pool = testPool('shared');
});

afterAll(async () => {
  await sink.close();
  await pool.end();
});

const cfg = () => parseConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'Arrears Bank <no-reply@bank.test>' });

describe('OutboxEmailProvider over SMTP', () => {
  it('delivers the rendered e-mail to a real SMTP server, once per idempotency key', async () => {
    const smtp = smtpDeliveryFromConfig(cfg());
    expect(smtp).toBeDefined();
    const provider = new OutboxEmailProvider(pool, smtp);
    const accountId = uniqueId('ACC');
    const message = renderTemplate(loadTemplateCatalogue(), { templateId: 'email-reminder' }, {
      product: 'LOAN',
      accountId,
      currency: 'CNY',
      amountOverdue: 250_000,
      oldestUnpaidDueDate: '2026-11-01',
    });
    const key = `${accountId}:reminder:2`;
    const before = received.length;

    const first = await provider.send({ idempotencyKey: key, to: 'borrower@example.test', subject: message.subject!, text: message.text });
    const second = await provider.send({ idempotencyKey: key, to: 'borrower@example.test', subject: message.subject!, text: message.text });

    expect(first).toEqual({ providerMessageId: messageIdFor(key, 'no-reply@bank.test'), delivered: true });
    expect(first.providerMessageId).toMatch(/^<[0-9a-f]{32}@bank\.test>$/);
    expect(second).toEqual(first);
    const mine = received.slice(before);
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;
    expect(mail.from).toBe('no-reply@bank.test');
    expect(mail.to).toEqual(['borrower@example.test']);
    expect(header(mail.raw, 'To')).toBe('borrower@example.test');
    expect(header(mail.raw, 'Message-ID')).toBe(first.providerMessageId);
    expect(header(mail.raw, 'Subject')).toBe(`Arrears Bank: payment overdue on your loan account ending ${accountId.slice(-4)}`);
    expect(body(mail.raw)).toBe(message.text);
    expect(body(mail.raw)).toContain('CNY 2500.00 on your loan account');

    const { rows } = await pool.query('SELECT to_address, subject, sent_at IS NOT NULL AS sent FROM email_outbox WHERE idempotency_key = $1', [key]);
    expect(rows).toEqual([{ to_address: 'borrower@example.test', subject: message.subject, sent: true }]);
  });

  it('two concurrent sends with one key deliver once', async () => {
    const provider = new OutboxEmailProvider(pool, smtpDeliveryFromConfig(cfg()));
    const key = uniqueId('concurrent');
    const before = received.length;
    const results = await Promise.all([1, 2, 3].map(() => provider.send({ idempotencyKey: key, to: 'a@example.test', subject: 'Hello', text: 'Thank you.' })));
    expect(new Set(results.map((r) => r.providerMessageId)).size).toBe(1);
    expect(received.slice(before).filter((m) => header(m.raw, 'Message-ID') === results[0]!.providerMessageId)).toHaveLength(1);
  });

  it('a failed SMTP send leaves nothing behind, so the retry sends', async () => {
    const key = uniqueId('refused');
    const unreachable = { transport: nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2000 }), from: 'no-reply@bank.test' };
    await expect(new OutboxEmailProvider(pool, unreachable).send({ idempotencyKey: key, to: 'b@example.test', subject: 'Hi', text: 'Text' })).rejects.toThrow();
    expect((await pool.query('SELECT 1 FROM email_outbox WHERE idempotency_key = $1', [key])).rowCount).toBe(0);
    const before = received.length;
    const retried = await new OutboxEmailProvider(pool, smtpDeliveryFromConfig(cfg())).send({ idempotencyKey: key, to: 'b@example.test', subject: 'Hi', text: 'Text' });
    expect(retried.delivered).toBe(true);
    expect(received.length).toBe(before + 1);
  });

  it('without SMTP_HOST the e-mail waits in the outbox, once per key', async () => {
    expect(smtpTransportOptions(parseConfig({}))).toBeUndefined();
    const provider = new OutboxEmailProvider(pool);
    expect(provider.name).toBe('outbox');
    const key = uniqueId('outbox-only');
    const first = await provider.send({ idempotencyKey: key, to: 'c@example.test', subject: 'S', text: 'T' });
    expect(await provider.send({ idempotencyKey: key, to: 'c@example.test', subject: 'S', text: 'T' })).toEqual(first);
    expect(first.delivered).toBe(false);
    expect((await pool.query('SELECT 1 FROM email_outbox WHERE idempotency_key = $1 AND sent_at IS NULL', [key])).rowCount).toBe(1);
  });
});

describe('SMTP config', () => {
  it('maps the settings, with auth only when a user is given', () => {
    expect(smtpTransportOptions(parseConfig({ SMTP_HOST: 'smtp.bank.example', SMTP_PORT: '465', SMTP_SECURE: 'true', SMTP_USER: 'arrears', SMTP_PASSWORD: 'pw' }))).toEqual({
      host: 'smtp.bank.example',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'arrears', pass: 'pw' },
    });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => parseConfig({ SMTP_PORT: 'twenty-five' })).toThrow(/SMTP_PORT/);
    expect(() => parseConfig({ SMTP_SECURE: 'yes' })).toThrow(/SMTP_SECURE/);
    expect(() => parseConfig({ SMTP_FROM: 'nobody' })).toThrow(/SMTP_FROM: an address such as/);
  });
});

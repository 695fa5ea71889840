/**
 * E-mail delivery behind an interface, like SMS (SPEC §8: a local outbox plus a real SMTP
 * delivery where configured). Every message carries the idempotency key of its contact
 * attempt; the outbox row is unique by that key and the Message-ID is derived from it, so
 * sending twice with one key delivers once.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { inTransaction, type Pool } from '../../src/db/pool';
import type { Config } from '../../src/config';

export interface EmailMessage {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
}

export interface EmailProvider {
  readonly name: string;
  /** `delivered`: handed to the SMTP server (now or by an earlier send with the same key). */
  send(message: EmailMessage): Promise<{ providerMessageId: string; delivered: boolean }>;
}

export interface SmtpDelivery {
  transport: Transporter<SMTPTransport.SentMessageInfo>;
  /** The From header, e.g. `Arrears Bank <no-reply@bank.example>`. */
  from: string;
}

/** The SMTP settings of config, or undefined when SMTP_HOST is not set (outbox only). */
export function smtpTransportOptions(cfg: Config): SMTPTransport.Options | undefined {
  if (!cfg.SMTP_HOST) return undefined;
  return {
    host: cfg.SMTP_HOST,
    port: cfg.SMTP_PORT,
    secure: cfg.SMTP_SECURE,
    requireTLS: cfg.SMTP_REQUIRE_TLS,
    ...(cfg.SMTP_USER ? { auth: { user: cfg.SMTP_USER, pass: cfg.SMTP_PASSWORD ?? '' } } : {}),
  };
}

export function smtpDeliveryFromConfig(cfg: Config): SmtpDelivery | undefined {
  const options = smtpTransportOptions(cfg);
  return options && { transport: nodemailer.createTransport(options), from: cfg.SMTP_FROM };
}

/** `<hash-of-key@sender-domain>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'arrears.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`;
}

const OUTBOX_FROM = 'outbox@arrears.invalid';

/**
 * The default provider: the outbox row, then (when SMTP is configured) delivery. The row
 * is locked for the send, so two concurrent sends of one key deliver once; a failed SMTP
 * send rolls the row back and the activity's retry starts afresh.
 */
export class OutboxEmailProvider implements EmailProvider {
  readonly name: string;

  constructor(
    private readonly pool: Pool,
    private readonly smtp?: SmtpDelivery,
  ) {
    this.name = smtp ? 'smtp' : 'outbox';
  }

  async send({ idempotencyKey, to, subject, text }: EmailMessage): Promise<{ providerMessageId: string; delivered: boolean }> {
    const messageId = messageIdFor(idempotencyKey, this.smtp?.from ?? OUTBOX_FROM);
    return inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO email_outbox (idempotency_key, message_id, to_address, subject, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [idempotencyKey, messageId, to, subject, text],
      );
      // The first send's content is what goes out, even if a retry rendered it differently.
      const { rows } = await client.query<{ message_id: string; to_address: string; subject: string; body: string; sent: boolean }>(
        'SELECT message_id, to_address, subject, body, sent_at IS NOT NULL AS sent FROM email_outbox WHERE idempotency_key = $1 FOR UPDATE',
        [idempotencyKey],
      );
      const row = rows[0];
      if (!row) throw new Error('email_outbox row vanished inside its transaction');
      if (row.sent || !this.smtp) return { providerMessageId: row.message_id, delivered: row.sent };
      await this.smtp.transport.sendMail({ from: this.smtp.from, to: row.to_address, subject: row.subject, text: row.body, messageId: row.message_id });
      await client.query('UPDATE email_outbox SET sent_at = now() WHERE idempotency_key = $1', [idempotencyKey]);
      return { providerMessageId: row.message_id, delivered: true };
    });
  }
}

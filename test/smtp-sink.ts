/**
 * A real SMTP server (smtp-server) on loopback for tests: it accepts every message and
 * keeps it, raw, with its envelope. `header` and `body` read a received message back.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** `rejects`: recipients the server refuses (550 at RCPT TO), as a mailbox it does not know. */
export async function startSmtpSink({ rejects = () => false }: { rejects?: (address: string) => boolean } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(rejects(address.address) ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return {
    port: (sink.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}

/** The header's value, unfolded. */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split('\r\n\r\n')[0] ?? '';
  return new RegExp(`^${name}: (.*(?:\\r\\n[ \\t].*)*)`, 'im').exec(head)?.[1]?.replace(/\r\n[ \t]/g, ' ');
}

/** The body, quoted-printable decoded (nodemailer's choice for long ASCII lines). */
export function body(raw: string): string {
  const text = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/\r\n\.\r\n$/, '');
  return text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\r\n/g, '\n').trimEnd();
}

/**
 * Structured logs with pino. Personal data never goes into a log line: log ids
 * (workflowId, accountId, eventId) and codes, not names, numbers or text.
 * The redact list is a net for mistakes, not a licence.
 */
import pino, { type Logger } from 'pino';

const REDACTED_KEYS = ['fullName', 'mobilePhone', 'phone', 'email', 'homeAddress', 'idNumber', 'body', 'renderedText'];

/** `fd` 2 sends the lines to stderr, for commands whose stdout is their result. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'arrears', fd: 1 | 2 = 1): Logger {
  return pino(
    {
      name,
      level,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
    },
    pino.destination({ fd, sync: fd === 2 }),
  );
}

export const logger = createLogger();
export type { Logger };

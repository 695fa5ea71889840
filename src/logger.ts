/**
 * Structured logs with pino. Personal data never goes into a log line: log ids
 * (workflowId, accountId, eventId) and codes, not names, numbers or text.
 * The redact list is a net for mistakes, not a licence.
 */
import pino, { type Logger } from 'pino';

const REDACTED_KEYS = ['fullName', 'mobilePhone', 'phone', 'email', 'homeAddress', 'idNumber', 'body', 'renderedText'];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'arrears'): Logger {
  return pino({
    name,
    level,
    redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
  });
}

export const logger = createLogger();
export type { Logger };

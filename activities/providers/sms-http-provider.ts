/**
 * An SMS gateway over HTTP (SMS_PROVIDER=http): one POST of JSON `{ "to", "body" }` per
 * message to SMS_HTTP_URL with the contact's idempotency key (idempotent-post.ts: what is
 * retried and what is not). The gateway answers 2xx with `{ "messageId": "…" }`.
 */
import { z } from 'zod';
import { postWithIdempotencyKey, type HttpProviderSettings } from './idempotent-post';
import type { SmsMessage, SmsProvider } from './sms-provider';

export type HttpSmsSettings = HttpProviderSettings;

const gatewayAnswer = z.object({ messageId: z.string().min(1) });

export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';

  constructor(private readonly settings: HttpSmsSettings) {}

  async send({ idempotencyKey, to, body }: SmsMessage): Promise<{ providerMessageId: string }> {
    const answer = await postWithIdempotencyKey(this.settings, 'SMS gateway', idempotencyKey, { to, body }, gatewayAnswer, 'a messageId');
    return { providerMessageId: answer.messageId };
  }
}

/**
 * An SMS gateway over HTTP (SMS_PROVIDER=http): one POST of JSON `{ "to", "body" }` per
 * message to SMS_HTTP_URL, with the contact's idempotency key in the `Idempotency-Key`
 * header, so a retried send (the activity's retry, or a hand-off repeated after a crash)
 * is the same request and the gateway sends once. The gateway answers 2xx with
 * `{ "messageId": "…" }`.
 *
 * A refusal of the message itself (4xx) cannot be cured by sending it again: a
 * non-retryable failure. A gateway that is down, slow, busy (429) or still working on the
 * same key (409) is retried by the activity. No error carries the number or the text.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { FailureType } from '../../src/domain/failures';
import type { SmsMessage, SmsProvider } from './sms-provider';

export interface HttpSmsSettings {
  url: string;
  /** sent as `Authorization: Bearer <token>` when given */
  token?: string;
  timeoutMs?: number;
}

const gatewayAnswer = z.object({ messageId: z.string().min(1) });

/** Worth asking again with the same key: the gateway may not have taken the message. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';

  constructor(private readonly settings: HttpSmsSettings) {}

  async send({ idempotencyKey, to, body }: SmsMessage): Promise<{ providerMessageId: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to, body }),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new Error(`SMS gateway not reached: ${(err as Error).message}`, { cause: err });
    }
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 500 || RETRYABLE_STATUSES.has(response.status)) throw new Error(`SMS gateway answered HTTP ${response.status}; will retry with the same key`);
      throw ApplicationFailure.create({ type: FailureType.ProviderRejected, message: `SMS gateway refused the message: HTTP ${response.status}`, nonRetryable: true });
    }
    const answer = gatewayAnswer.safeParse(await response.json().catch(() => undefined));
    // Taken or not, asking again with the same key is safe: the gateway sends once per key.
    if (!answer.success) throw new Error(`SMS gateway answered HTTP ${response.status} without a messageId`);
    return { providerMessageId: answer.data.messageId };
  }
}

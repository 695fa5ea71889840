/**
 * One POST of JSON to an external provider (the SMS gateway, a collection agency) with the
 * effect's idempotency key in the `Idempotency-Key` header, so a retried send (the
 * activity's retry, or a hand-off repeated after a crash) is the same request and the
 * provider acts once. The 2xx answer is parsed with the provider's own schema.
 *
 * A refusal of the message itself (4xx) cannot be cured by sending it again: a
 * non-retryable failure. A provider that is down, slow, busy (429) or still working on the
 * same key (409) is retried by the activity. No error carries the message's content.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureType } from '../../src/domain/failures';

export interface HttpProviderSettings {
  url: string;
  /** sent as `Authorization: Bearer <token>` when given */
  token?: string;
  timeoutMs?: number;
}

/** Worth asking again with the same key: the provider may not have taken the message. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

/** `who` names the provider in errors ("SMS gateway", "agency north-star"). */
export async function postWithIdempotencyKey<T>(settings: HttpProviderSettings, who: string, idempotencyKey: string, body: unknown, answer: z.ZodType<T>, missing: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
  if (settings.token) headers.authorization = `Bearer ${settings.token}`;
  let response: Response;
  try {
    response = await fetch(settings.url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000) });
  } catch (err) {
    throw new Error(`${who} not reached: ${(err as Error).message}`, { cause: err });
  }
  if (!response.ok) {
    await response.body?.cancel();
    if (response.status >= 500 || RETRYABLE_STATUSES.has(response.status)) throw new Error(`${who} answered HTTP ${response.status}; will retry with the same key`);
    throw ApplicationFailure.create({ type: FailureType.ProviderRejected, message: `${who} refused the message: HTTP ${response.status}`, nonRetryable: true });
  }
  const parsed = answer.safeParse(await response.json().catch(() => undefined));
  // Taken or not, asking again with the same key is safe: the provider acts once per key.
  if (!parsed.success) throw new Error(`${who} answered HTTP ${response.status} without ${missing}`);
  return parsed.data;
}

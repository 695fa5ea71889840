/**
 * SMS delivery behind an interface, so a gateway can be swapped in by config and
 * tests replace only this edge. Every message carries the idempotency key of its
 * contact attempt; a provider must send at most once per key.
 */
import type { Queryable } from '../../src/db/pool';
import { insertOncePerKey } from './outbox';

export interface SmsMessage {
  idempotencyKey: string;
  to: string;
  body: string;
}

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<{ providerMessageId: string }>;
  /**
   * A provider whose hand-off is a row in Postgres gives itself writing through `db` (the
   * caller's transaction), so the contact's record and its message commit together. A
   * provider that calls out (HTTP) has none: the caller hands off after its commit.
   */
  within?(db: Queryable): SmsProvider;
}

/**
 * The default provider: a local outbox table that a gateway relay drains. The
 * unique idempotency key makes a repeated send return the first message's id.
 */
export class OutboxSmsProvider implements SmsProvider {
  readonly name = 'outbox';

  constructor(private readonly db: Queryable) {}

  within(db: Queryable): SmsProvider {
    return new OutboxSmsProvider(db);
  }

  async send({ idempotencyKey, to, body }: SmsMessage): Promise<{ providerMessageId: string }> {
    const id = await insertOncePerKey(this.db, 'sms_outbox', { idempotency_key: idempotencyKey, to_phone: to, body });
    return { providerMessageId: `outbox-${id}` };
  }
}

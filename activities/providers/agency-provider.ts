/**
 * Messages to collection agencies (issue 17 §2) behind an interface, like the SMS provider:
 * a placement (the account handed over, with the amount and the term) and a recall. Every
 * message carries its idempotency key; a provider acts at most once per key.
 *
 * The default provider is a local outbox table (agency_outbox) that a relay drains; the
 * HTTP provider (AGENCY_PROVIDER=http) POSTs each message to the agency's endpoint. No
 * message carries the borrower's personal data: the agency receives the file through its
 * own secure channel, keyed by the account id.
 */
import { z } from 'zod';
import type { Queryable } from '../../src/db/pool';
import { insertOncePerKey } from './outbox';
import { postWithIdempotencyKey, type HttpProviderSettings } from './idempotent-post';

export type AgencyMessage =
  | { idempotencyKey: string; kind: 'PLACEMENT'; agencyId: string; accountId: string; placementId: number; currency: string; amount: number; commissionRate: number; recallBy: string }
  | { idempotencyKey: string; kind: 'RECALL'; agencyId: string; accountId: string; placementId: number; reason: string };

export interface AgencyProvider {
  readonly name: string;
  send(message: AgencyMessage): Promise<{ agencyReference: string }>;
  /** An outbox provider writes through the caller's transaction, so the record and its message commit together. */
  within?(db: Queryable): AgencyProvider;
}

export class OutboxAgencyProvider implements AgencyProvider {
  readonly name = 'outbox';

  constructor(private readonly db: Queryable) {}

  within(db: Queryable): AgencyProvider {
    return new OutboxAgencyProvider(db);
  }

  async send({ idempotencyKey, kind, agencyId, ...payload }: AgencyMessage): Promise<{ agencyReference: string }> {
    const id = await insertOncePerKey(this.db, 'agency_outbox', { idempotency_key: idempotencyKey, agency_id: agencyId, kind, payload: JSON.stringify(payload) });
    return { agencyReference: `outbox-${id}` };
  }
}

const agencyAnswer = z.object({ reference: z.string().min(1) });

/** The agency's endpoint takes `{ kind, accountId, placementId, … }` and answers `{ "reference": "…" }`. */
export class HttpAgencyProvider implements AgencyProvider {
  readonly name = 'http';

  constructor(private readonly settings: HttpProviderSettings) {}

  async send({ idempotencyKey, agencyId, ...payload }: AgencyMessage): Promise<{ agencyReference: string }> {
    const answer = await postWithIdempotencyKey(this.settings, `agency ${agencyId}`, idempotencyKey, { agencyId, ...payload }, agencyAnswer, 'a reference');
    return { agencyReference: answer.reference };
  }
}

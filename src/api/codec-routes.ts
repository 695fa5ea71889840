/**
 * The codec endpoint the Temporal Web UI calls to show encrypted payloads
 * (POST {endpoint}/decode and /encode, proto-JSON payloads with base64 fields).
 * Who may call it is decided in route-roles.ts (a bearer token, checked like every route's);
 * every decode of an encrypted payload is a row of the personal-data access log, with the
 * accounts named in the payloads' metadata (ACCOUNT_ID_METADATA, written at encode).
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../db/access-log';
import type { Pool } from '../db/pool';
import { ACCOUNT_ID_METADATA, ENCRYPTED_ENCODING } from '../codec/encryption-codec';
import { ANY_IN_PAYLOAD } from '../identity/personal-data';
import { callerOf } from './authenticate';
import { errorBody } from './errors';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
export const payloadsBody = z.object({
  // proto-JSON leaves out empty repeated fields: no `payloads` means none
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).default([]),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])) : undefined,
    data: data ? Buffer.from(data, 'base64') : undefined,
  };
}

function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) : undefined,
    data: data ? Buffer.from(data).toString('base64') : undefined,
  };
}

const text = (bytes: Uint8Array | undefined | null) => (bytes ? Buffer.from(bytes).toString() : undefined);

/** The accounts of the encrypted payloads among these, and whether there are any. */
function encryptedAccounts(payloads: Payload[]): { encrypted: boolean; accountIds: string[] } {
  const encrypted = payloads.filter((p) => text(p.metadata?.encoding) === ENCRYPTED_ENCODING);
  return { encrypted: encrypted.length > 0, accountIds: encrypted.map((p) => text(p.metadata?.[ACCOUNT_ID_METADATA])).filter((id): id is string => id !== undefined) };
}

export function registerCodecRoutes(app: FastifyInstance, { codec, pool }: { codec: PayloadCodec; pool: Pool }, prefix = '/codec'): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const [route, transform] of [
    ['decode', (p: Payload[]) => codec.decode(p)],
    ['encode', (p: Payload[]) => codec.encode(p)],
  ] as const) {
    api.post(
      `${prefix}/${route}`,
      { schema: { summary: `Remote codec: ${route} payloads (for the Temporal Web UI and CLI)`, body: payloadsBody, response: { 200: payloadsBody, 422: errorBody } } },
      async (request, reply) => {
        try {
          const received = request.body.payloads.map(fromJson);
          const payloads = await transform(received);
          const seen = encryptedAccounts(received);
          if (route === 'decode' && seen.encrypted) {
            await recordAccess(pool, { caller: callerOf(request), kinds: [ANY_IN_PAYLOAD], accountIds: seen.accountIds, via: 'CODEC', purpose: 'POST /codec/decode' });
          }
          return reply.code(200).send({ payloads: payloads.map(toJson) });
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, `codec ${route} refused`);
          return reply.code(422).send({ error: `cannot ${route} these payloads` });
        }
      },
    );
  }
}

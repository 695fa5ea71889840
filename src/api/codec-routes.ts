/**
 * The codec endpoint the Temporal Web UI calls to show encrypted payloads
 * (POST {endpoint}/decode and /encode, proto-JSON payloads with base64 fields).
 * Who may decode is checked in a later step (SPEC §5); for now it serves loopback.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from './errors';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const payloadsBody = z.object({
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

export function registerCodecRoutes(app: FastifyInstance, codec: PayloadCodec, prefix = '/codec'): void {
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
          const payloads = await transform(request.body.payloads.map(fromJson));
          return reply.code(200).send({ payloads: payloads.map(toJson) });
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, `codec ${route} refused`);
          return reply.code(422).send({ error: `cannot ${route} these payloads` });
        }
      },
    );
  }
}

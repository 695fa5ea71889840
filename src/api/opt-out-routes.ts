/**
 * Opt-outs from the borrower (issue 15 §5, SPEC §4): a staff member records one they were
 * told of (POST /accounts/:accountId/opt-outs, AGENT and SUPERVISOR), and the SMS provider
 * forwards the borrower's replies (POST /sms/inbound), signed with its HMAC key rather than
 * a bearer token (sms-signature.ts). The contact policy refuses the next contact on the
 * channel with the rule OPTED_OUT.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONTACT_CHANNELS } from '../contact-policy/policy';
import { recordStaffOptOut } from '../contact-policy/records';
import { replyIntent } from '../contact-policy/sms-reply';
import { recordInboundReply } from '../db/inbound-sms';
import type { Pool } from '../db/pool';
import { accountIdSchema } from '../domain/ids';
import { callerOf } from './authenticate';
import { errorBody } from './errors';
import { SMS_SIGNATURE_HEADER, SMS_TIMESTAMP_HEADER, smsWebhookRefusal } from './sms-signature';

export const optOutRequestSchema = z.strictObject({ channel: z.enum(CONTACT_CHANNELS).describe('the channel the borrower asked not to be contacted on') });

const optOutAnswer = z.object({
  accountId: z.string(),
  channel: z.enum(CONTACT_CHANNELS),
  optedOutAt: z.string(),
  source: z.string().nullable().describe('STAFF or SMS_REPLY: where the opt-out in force came from'),
  recordedNow: z.boolean().describe('false: an opt-out was already in force and is kept as it was recorded'),
});

/** The provider's forwarded message. */
const inboundSmsSchema = z.strictObject({
  messageId: z.string().min(1).max(200).describe("the provider's id for the message: the same id again changes nothing"),
  from: z.string().min(3).max(40).describe("the sender's number"),
  text: z.string().max(1600),
  receivedAt: z.iso.datetime({ offset: true }),
});

export function registerOptOutRoutes(app: FastifyInstance, deps: { pool: Pool; smsInboundSigningKey: string | undefined }): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/accounts/:accountId/opt-outs',
    {
      schema: {
        summary: "Record the borrower's opt-out of one channel (told to staff): the next contact on it is refused",
        description: 'Per borrower: every account of the borrower. Recorded with the caller as its source; asking again changes nothing.',
        params: z.object({ accountId: accountIdSchema }),
        body: optOutRequestSchema,
        response: { 200: optOutAnswer, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      const recorded = await recordStaffOptOut(deps.pool, accountId, request.body.channel, callerOf(request).subject);
      if (!recorded) return reply.code(404).send({ error: `no account ${accountId}` });
      request.log.info({ accountId, channel: request.body.channel, recordedNow: recorded.recordedNow }, 'opt-out recorded');
      return { accountId, channel: request.body.channel, optedOutAt: recorded.optedOutAt.toISOString(), source: recorded.source, recordedNow: recorded.recordedNow };
    },
  );

  // The signature covers the body as sent: this scope keeps it as a string beside the parsed JSON.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      request.rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(Object.assign(new Error('the body is not JSON'), { statusCode: 400 }), undefined);
      }
    });
    scope.addHook('preValidation', async (request, reply) => {
      if (!deps.smsInboundSigningKey) return reply.code(503).send({ error: 'inbound SMS is not configured (SMS_INBOUND_SIGNING_KEY)' });
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
      const refusal = smsWebhookRefusal(deps.smsInboundSigningKey, { timestamp: header(SMS_TIMESTAMP_HEADER), signature: header(SMS_SIGNATURE_HEADER) }, request.rawBody ?? '');
      if (refusal) {
        request.log.info({ reason: refusal }, 'inbound SMS refused');
        return reply.code(401).send({ error: refusal });
      }
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/sms/inbound',
      {
        schema: {
          summary: "The SMS provider's webhook for the borrower's replies: STOP / 退订 opts the number out of SMS",
          description: `Signed by the provider, not by a bearer token: ${SMS_TIMESTAMP_HEADER} (unix seconds, within 5 minutes) and ${SMS_SIGNATURE_HEADER}: v1=hex HMAC-SHA256(SMS_INBOUND_SIGNING_KEY, "<timestamp>.<raw body>").`,
          security: [],
          body: inboundSmsSchema,
          response: {
            200: z.object({ intent: z.enum(['OPT_OUT', 'OTHER']), borrowersMatched: z.number().int(), duplicate: z.boolean() }),
            401: errorBody,
            503: errorBody,
          },
        },
      },
      async (request) => {
        const { messageId, from, text, receivedAt } = request.body;
        const outcome = await recordInboundReply(deps.pool, { providerMessageId: messageId, from, intent: replyIntent(text), receivedAt: new Date(receivedAt) });
        // the message id and what it meant; never the number or the text
        request.log.info({ messageId, ...outcome }, 'inbound SMS recorded');
        return outcome;
      },
    );
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

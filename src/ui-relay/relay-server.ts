/**
 * The local Web UI's codec relay (issue 15 §1, "Local Web UI"). The dev server's built-in
 * Temporal UI cannot sign anyone in, so it cannot send a token to the codec endpoint. Its
 * codec endpoint is this relay instead: on loopback only, started by `npm start` beside the
 * dev server and never in production, it forwards each decode to the real codec endpoint
 * with the access token of the operator who signed the UI in explicitly
 * (`arrears ui sign-in`, ui-sign-in.ts). Nobody signed in, or their token expired: 401, and
 * the UI shows payloads encrypted. The codec endpoint checks the token and roles as for any
 * caller and logs every decode under that operator in the personal-data access log.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { payloadsBody } from '../api/codec-routes';
import { errorBody, registerErrorHandler } from '../api/errors';
import { expiresAt, readUiSignIn } from './ui-sign-in';

export interface UiCodecRelayOptions {
  log: Logger;
  /** where `arrears ui sign-in` keeps the operator's sign-in */
  signInFile: string;
  /** the real codec endpoint, such as http://127.0.0.1:8080/codec */
  codecUrl: string;
  /** the Web UI's origins: the only pages whose requests the relay serves */
  uiOrigins: string[];
}

/** The only host the relay binds: it is for a browser on this machine. */
export const RELAY_HOST = '127.0.0.1';
/** Host header names of loopback: any other name is a page reaching us through DNS rebinding. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FORWARD_TIMEOUT_MS = 15_000;

/** The dev server's Web UI as the browser may name it. */
export const uiOrigins = (uiPort: number) => [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`];

const refuse = (reply: FastifyReply, status: 401 | 403 | 502, error: string) => reply.code(status).send({ error });

export async function buildUiCodecRelay(o: UiCodecRelayOptions): Promise<FastifyInstance> {
  const log = o.log.child({ component: 'ui-codec-relay' });
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger, bodyLimit: 4 * 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  app.addHook('onRequest', async (request, reply) => {
    if (!LOOPBACK_NAMES.has(request.hostname)) return refuse(reply, 403, 'the codec relay answers on loopback only');
    const origin = request.headers.origin;
    if (request.url !== '/health' && !(origin && o.uiOrigins.includes(origin))) return refuse(reply, 403, 'the codec relay serves the local Temporal Web UI only');
  });
  // X-Namespace: the UI names the namespace of the payloads it asks for
  await app.register(cors, { origin: o.uiOrigins, methods: ['POST'], allowedHeaders: ['content-type', 'x-namespace'] });

  const codecUrl = o.codecUrl.replace(/\/$/, '');
  let lastSubject: string | undefined;
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const route of ['decode', 'encode'] as const) {
    api.post(
      `/${route}`,
      { schema: { body: payloadsBody, response: { 200: payloadsBody, 401: errorBody, 403: errorBody, 422: errorBody, 502: errorBody } } },
      async (request, reply) => {
        const signIn = await readUiSignIn(o.signInFile);
        if (!signIn) {
          if (lastSubject !== undefined) log.info({ subject: lastSubject }, 'the Web UI is signed out');
          lastSubject = undefined;
          return refuse(reply, 401, 'nobody has signed the Web UI in: run `arrears ui sign-in` after `arrears login`');
        }
        const until = expiresAt(signIn.accessToken);
        if (until.getTime() <= Date.now()) {
          log.info({ subject: signIn.subject, expiredAt: until.toISOString() }, 'the Web UI sign-in has expired');
          return refuse(reply, 401, `the Web UI sign-in of ${signIn.subject} has expired: arrears login, then arrears ui sign-in again`);
        }
        if (signIn.subject !== lastSubject) log.info({ subject: signIn.subject, roles: signIn.roles, until: until.toISOString() }, 'the Web UI is signed in');
        lastSubject = signIn.subject;

        let answer: Response;
        try {
          answer = await fetch(`${codecUrl}/${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${signIn.accessToken}`, ...(request.headers['x-namespace'] ? { 'x-namespace': String(request.headers['x-namespace']) } : {}) },
            body: JSON.stringify(request.body),
            signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
          });
        } catch (err) {
          log.warn({ route, err: (err as Error).message }, 'the codec endpoint did not answer');
          return refuse(reply, 502, 'the codec endpoint does not answer');
        }
        log.info({ route, subject: signIn.subject, status: answer.status, payloads: request.body.payloads.length }, `${route} for the Web UI`);
        const body: unknown = await answer.json().catch(() => ({ error: `the codec endpoint answered HTTP ${answer.status}` }));
        if (answer.status === 200) return reply.code(200).send(payloadsBody.parse(body));
        const status = answer.status === 401 || answer.status === 403 || answer.status === 422 ? answer.status : 502;
        return reply.code(status).send(errorBody.catch({ error: `the codec endpoint answered HTTP ${answer.status}` }).parse(body));
      },
    );
  }
  app.get('/health', async () => ({ status: 'ok' }));
  return app;
}

/** Listens on loopback, on `port` (0: any free one); the address it listens on. */
export async function listenOnLoopback(app: FastifyInstance, port: number): Promise<string> {
  return app.listen({ host: RELAY_HOST, port });
}

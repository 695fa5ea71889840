/**
 * Every request proves who is calling (SPEC §5): a bearer token verified against the
 * issuer's keys (401 without one or with a bad one), whose roles the route allows in
 * route-roles.ts (403 otherwise). The verified caller is on `request.caller` for the
 * routes; nothing in a header or body says who is calling.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../identity/roles';
import { TokenRefused, type VerifyToken } from '../identity/verify-token';
import { PROVIDER_SIGNED, PUBLIC, ROUTE_ROLES, routeKey } from './route-roles';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

export function registerAuthentication(app: FastifyInstance, verifyToken: VerifyToken): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    const key = request.routeOptions.url === undefined ? undefined : routeKey(request.method, request.routeOptions.url);
    const allowed = key === undefined ? undefined : ROUTE_ROLES[key];
    // the provider-signed webhook checks its own signature (opt-out-routes.ts)
    if (allowed === PUBLIC || allowed === PROVIDER_SIGNED) return;

    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!presented) return refuse(reply, 401, 'sign in: send an OpenID access token as "Authorization: Bearer <token>"');
    try {
      request.caller = await verifyToken(presented);
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      request.log.info({ route: key, reason: err.message }, 'token refused');
      return refuse(reply, 401, err.message);
    }
    if (key === undefined) return; // no such route: 404 follows
    if (!allowed || !request.caller.roles.some((role) => allowed.includes(role))) {
      request.log.info({ route: key, subject: request.caller.subject, roles: request.caller.roles }, 'role refused');
      return refuse(reply, 403, `your roles (${request.caller.roles.join(', ') || 'none'}) may not ${key}${allowed ? `: it takes ${allowed.join(', ')}` : ''}`);
    }
  });
}

function refuse(reply: FastifyReply, status: 401 | 403, error: string): FastifyReply {
  if (status === 401) void reply.header('www-authenticate', 'Bearer');
  return reply.code(status).send({ error });
}

/** The verified caller of a route behind the hook. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`${request.routeOptions.url} is public: it has no caller`);
  return request.caller;
}

/**
 * The staff member a request names as acting (`agentId`, `supervisorId`, `submittedBy`,
 * …) must be the caller: absent, it is the caller; someone else, the answer is 403.
 * Returns the acting id, or undefined once the refusal is sent.
 */
export function actingAs(request: FastifyRequest, reply: FastifyReply, named: string | undefined, field: string): string | undefined {
  const { subject } = callerOf(request);
  if (named === undefined || named === subject) return subject;
  request.log.info({ subject, field }, 'acting for someone else refused');
  void reply.code(403).send({ error: `${field} must be you (${subject}): the token says who is calling` });
  return undefined;
}

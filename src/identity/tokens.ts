/**
 * Getting an access token from the issuer's token endpoint (found through its discovery
 * document): a staff member through the local provider's sign-in grant, a backend service
 * through the client-credentials grant.
 */
import { z } from 'zod';
import { API_SCOPE, CLI_CLIENT_ID, STAFF_SIGN_IN_GRANT } from './local-provider-constants';

const discoverySchema = z.object({ issuer: z.string().url(), jwks_uri: z.string().url(), token_endpoint: z.string().url() });
export type Discovery = z.infer<typeof discoverySchema>;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
const tokenRefusal = z.object({ error: z.string(), error_description: z.string().optional() });

export async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`no OpenID discovery document at ${issuer} (HTTP ${response.status})`);
  const discovery = discoverySchema.parse(await response.json());
  if (discovery.issuer !== issuer) throw new Error(`the discovery document at ${issuer} names another issuer (${discovery.issuer})`);
  return discovery;
}

export interface IssuedToken {
  accessToken: string;
  expiresAt: Date;
}

async function requestToken(issuer: string, form: Record<string, string>, basic?: { clientId: string; secret: string }): Promise<IssuedToken> {
  const { token_endpoint } = await discover(issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.secret)}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  const body: unknown = await response.json();
  if (!response.ok) {
    const refusal = tokenRefusal.safeParse(body);
    throw new Error(`sign-in refused: ${refusal.success ? (refusal.data.error_description ?? refusal.data.error) : `HTTP ${response.status}`}`);
  }
  const answer = tokenAnswer.parse(body);
  return { accessToken: answer.access_token, expiresAt: new Date(Date.now() + answer.expires_in * 1000) };
}

/** A staff member's token from the local provider (dev-only grant; see local-provider.ts). */
export function staffToken(issuer: string, staffId: string, password: string): Promise<IssuedToken> {
  return requestToken(issuer, { grant_type: STAFF_SIGN_IN_GRANT, client_id: CLI_CLIENT_ID, staff_id: staffId, password });
}

/** A backend service's token: the client-credentials grant, with the client's id and secret. */
export function serviceToken(issuer: string, clientId: string, secret: string): Promise<IssuedToken> {
  return requestToken(issuer, { grant_type: 'client_credentials', scope: API_SCOPE }, { clientId, secret });
}

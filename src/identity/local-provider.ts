/**
 * The local OpenID provider (issue 15 §1): `oidc-provider`, a certified OpenID Connect
 * provider library, on loopback, for `npm start` and the tests. A bank points OIDC_ISSUER
 * at its own provider instead; nothing else changes, because the API and the CLI only
 * ever verify tokens through the issuer's discovery document and published keys.
 *
 * Two ways to get an access token (a JWT for the audience OIDC_AUDIENCE, roles in
 * OIDC_ROLES_CLAIM):
 * - backend services: the client-credentials grant (the demo client `payments-service`);
 * - staff: a dev-only grant registered here, `urn:arrears:grant-type:local-staff`, with
 *   the staff id and the local sign-in secret. It is non-interactive so the CLI and the
 *   tests can sign in without a browser; it exists only in this local provider, never in
 *   a bank's. The subject must be active in the directory (directory.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWK } from 'jose';
import type { Pool } from '../db/pool';
import { rolesOfSubject } from './directory';
import { API_SCOPE, CLI_CLIENT_ID, DEMO_SERVICE_CLIENT_ID, STAFF_SIGN_IN_GRANT } from './local-provider-constants';

const TOKEN_TTL_SECONDS = 8 * 3600;

export interface LocalProviderOptions {
  issuer: string;
  audience: string;
  rolesClaim: string;
  pool: Pool;
  signInSecret: string;
  serviceSecret: string;
  signingKey: JWK;
}

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The Koa-based provider, ready to `listen`. */
export async function createLocalProvider(o: LocalProviderOptions) {
  const { default: Provider, errors } = await import('oidc-provider');
  const resourceServer = { scope: API_SCOPE, audience: o.audience, accessTokenFormat: 'jwt' as const, accessTokenTTL: TOKEN_TTL_SECONDS };
  const provider = new Provider(o.issuer, {
    clients: [
      { client_id: CLI_CLIENT_ID, token_endpoint_auth_method: 'none', grant_types: [STAFF_SIGN_IN_GRANT], redirect_uris: [], response_types: [] },
      { client_id: DEMO_SERVICE_CLIENT_ID, client_secret: o.serviceSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: API_SCOPE },
    ],
    jwks: { keys: [o.signingKey] },
    clientDefaults: { id_token_signed_response_alg: (o.signingKey.alg ?? 'RS256') as 'RS256' },
    scopes: [API_SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => o.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== o.audience) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return resourceServer;
        },
      },
    },
    // Services hold SERVICE; staff their roles from the directory, looked up at issue.
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind === 'ClientCredentials') return { [o.rolesClaim]: ['SERVICE'] };
      const subject = (token as { accountId?: string }).accountId;
      return subject ? { [o.rolesClaim]: (await rolesOfSubject(o.pool, subject)) ?? [] } : undefined;
    },
  });
  provider.proxy = false;

  provider.registerGrantType(
    STAFF_SIGN_IN_GRANT,
    async (ctx) => {
      const { staff_id: staffId, password } = ctx.oidc.params as { staff_id?: string; password?: string };
      if (!staffId || !password) throw new errors.InvalidRequest('staff_id and password are required');
      if (!sameSecret(password, o.signInSecret)) throw new errors.InvalidGrant('wrong staff id or password');
      if (!(await rolesOfSubject(o.pool, staffId))) throw new errors.InvalidGrant('wrong staff id or password');
      const client = ctx.oidc.client!;
      const grant = new provider.Grant({ accountId: staffId, clientId: client.clientId });
      grant.addResourceScope(o.audience, API_SCOPE);
      const grantId = await grant.save();
      const token = new provider.AccessToken({ accountId: staffId, client, grantId, gty: STAFF_SIGN_IN_GRANT, scope: API_SCOPE });
      token.resourceServer = new provider.ResourceServer(o.audience, resourceServer);
      ctx.oidc.entity('AccessToken', token);
      const accessToken = await token.save();
      ctx.body = { access_token: accessToken, token_type: 'Bearer', expires_in: token.expiration, scope: API_SCOPE };
    },
    ['staff_id', 'password'],
  );
  return provider;
}

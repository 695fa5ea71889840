/**
 * Verifying a bearer token (SPEC §5): with `jose`, against the keys the issuer publishes
 * (its discovery document's jwks_uri, fetched and cached by jose, refetched on an unknown
 * key id). Signature, issuer, audience and expiry are checked; the caller's roles come from
 * the configured claim. The same for the API, the codec endpoint and the CLI.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { type Caller, ROLES, type Role } from './roles';
import { localIssuer } from './local-provider-constants';
import { discover } from './tokens';

export interface TokenSettings {
  issuer: string;
  audience: string;
  rolesClaim: string;
}

export class TokenRefused extends Error {
  override name = 'TokenRefused';
}

export type VerifyToken = (token: string) => Promise<Caller>;

const claimedRoles = z.array(z.string()).default([]);

/** Discovery is fetched on the first token, so a verifier can be made before the provider is up. */
export function createTokenVerifier(settings: TokenSettings): VerifyToken {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () =>
    (keys ??= discover(settings.issuer).then(
      (d) => createRemoteJWKSet(new URL(d.jwks_uri)),
      (err: unknown) => {
        keys = undefined; // try discovery again on the next request
        throw err;
      },
    ));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await keySet(), { issuer: settings.issuer, audience: settings.audience, requiredClaims: ['sub', 'exp'] });
      const roles = claimedRoles.parse(payload[settings.rolesClaim]).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
      return { subject: payload.sub!, roles };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof z.ZodError) throw new TokenRefused(err instanceof errors.JWTExpired ? 'the token has expired' : 'the token is not valid here');
      throw err;
    }
  };
}

type IdentityConfig = { OIDC_ISSUER?: string | undefined; OIDC_AUDIENCE: string; OIDC_ROLES_CLAIM: string; OIDC_LOCAL_PORT: number };

/**
 * The token settings of the configuration. The API requires OIDC_ISSUER (npm start sets
 * it); the CLI, run from a shell beside `npm start`, falls back to the local provider.
 */
export function tokenSettingsFrom(cfg: IdentityConfig, { localFallback = false } = {}): TokenSettings {
  const issuer = cfg.OIDC_ISSUER ?? (localFallback ? localIssuer(cfg.OIDC_LOCAL_PORT) : undefined);
  if (!issuer) throw new Error('OIDC_ISSUER is not set: the OpenID provider whose tokens to accept (npm start runs a local one and sets it)');
  return { issuer, audience: cfg.OIDC_AUDIENCE, rolesClaim: cfg.OIDC_ROLES_CLAIM };
}

/**
 * The local OpenID provider as a process of its own (the launcher and the tests' global
 * set-up start it): configured from the environment, its directory in DATABASE_URL.
 */
import { config } from '../config';
import { createPool } from '../db/pool';
import { logger } from '../logger';
import { createLocalProvider } from './local-provider';
import { localIssuer } from './local-provider-constants';

async function main(): Promise<void> {
  const cfg = config();
  const missing = (['DATABASE_URL', 'ARREARS_LOCAL_SIGN_IN_SECRET', 'ARREARS_LOCAL_SERVICE_SECRET', 'ARREARS_LOCAL_SIGNING_KEY'] as const).filter((name) => !cfg[name]);
  if (missing.length > 0) throw new Error(`the local OpenID provider needs ${missing.join(', ')}`);
  const pool = createPool(cfg.DATABASE_URL!, 4);
  const issuer = localIssuer(cfg.OIDC_LOCAL_PORT);
  const provider = await createLocalProvider({
    issuer,
    audience: cfg.OIDC_AUDIENCE,
    rolesClaim: cfg.OIDC_ROLES_CLAIM,
    pool,
    signInSecret: cfg.ARREARS_LOCAL_SIGN_IN_SECRET!,
    serviceSecret: cfg.ARREARS_LOCAL_SERVICE_SECRET!,
    signingKey: JSON.parse(cfg.ARREARS_LOCAL_SIGNING_KEY!) as never,
  });
  // Loopback only: this provider signs in anyone who knows the local secret.
  const server = provider.listen(cfg.OIDC_LOCAL_PORT, '127.0.0.1');
  server.once('listening', () => logger.info({ issuer }, 'local OpenID provider listening'));
  const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err) => {
    logger.fatal({ err }, 'local OpenID provider failed');
    process.exit(1);
  });
}

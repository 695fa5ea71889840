/** The agency provider the configuration names (AGENCY_PROVIDER), built once at worker start. */
import type { Config } from '../../src/config';
import type { Pool } from '../../src/db/pool';
import { HttpAgencyProvider, OutboxAgencyProvider, type AgencyProvider } from './agency-provider';

export function agencyProviderFromConfig(cfg: Pick<Config, 'AGENCY_PROVIDER' | 'AGENCY_HTTP_URL' | 'AGENCY_HTTP_TOKEN'>, pool: Pool): AgencyProvider {
  if (cfg.AGENCY_PROVIDER === 'outbox') return new OutboxAgencyProvider(pool);
  if (!cfg.AGENCY_HTTP_URL) throw new Error('AGENCY_HTTP_URL: required when AGENCY_PROVIDER=http');
  return new HttpAgencyProvider({ url: cfg.AGENCY_HTTP_URL, ...(cfg.AGENCY_HTTP_TOKEN ? { token: cfg.AGENCY_HTTP_TOKEN } : {}) });
}

/** The SMS provider the configuration names (SMS_PROVIDER), built once at worker start. */
import type { Config } from '../../src/config';
import type { Pool } from '../../src/db/pool';
import { HttpSmsProvider } from './sms-http-provider';
import { OutboxSmsProvider, type SmsProvider } from './sms-provider';

export function smsProviderFromConfig(cfg: Pick<Config, 'SMS_PROVIDER' | 'SMS_HTTP_URL' | 'SMS_HTTP_TOKEN'>, pool: Pool): SmsProvider {
  if (cfg.SMS_PROVIDER === 'outbox') return new OutboxSmsProvider(pool);
  // parseConfig refuses SMS_PROVIDER=http without a URL; a hand-made config may still lack one.
  if (!cfg.SMS_HTTP_URL) throw new Error('SMS_HTTP_URL: required when SMS_PROVIDER=http');
  return new HttpSmsProvider({ url: cfg.SMS_HTTP_URL, ...(cfg.SMS_HTTP_TOKEN ? { token: cfg.SMS_HTTP_TOKEN } : {}) });
}

/** What activities need from the outside world; tests pass the real pool and stub only providers. */
import type { Pool } from '../src/db/pool';
import type { SmsProvider } from './providers/sms-provider';

export interface ActivityDeps {
  pool: Pool;
  smsProvider: SmsProvider;
}

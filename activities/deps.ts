/** What activities need from the outside world; tests pass the real pool and stub only providers. */
import type { Client } from '@temporalio/client';
import type { Pool } from '../src/db/pool';
import type { SmsProvider } from './providers/sms-provider';

export interface ActivityDeps {
  pool: Pool;
  smsProvider: SmsProvider;
  /** Starts and signals account workflows (the screening fan-out); a worker without one cannot fan out. */
  temporalClient?: Client;
  /** Account workflows started or signalled at once by the fan-out (SCREENING_START_CONCURRENCY). */
  screeningStartConcurrency?: number;
  /** The bank's zone (SCREENING_TIME_ZONE): business days are its calendar days. UTC when not given. */
  businessTimeZone?: string;
}

/** What activities need from the outside world; tests pass the real pool and stub only providers. */
import type { Client } from '@temporalio/client';
import type { ContactPolicySet } from '../src/contact-policy/policy';
import type { Pool } from '../src/db/pool';
import type { FieldCollectionConfig } from '../src/field-collection/schema';
import type { LegalConfig } from '../src/legal/schema';
import type { NegotiationConfig } from '../src/negotiation/schema';
import type { TemplateCatalogue } from '../src/templates/catalogue';
import type { ExperimentsConfig } from '../src/treatments/experiments';
import type { TreatmentsConfig } from '../src/treatments/schema';
import type { AgencyProvider } from './providers/agency-provider';
import type { EmailProvider } from './providers/email-provider';
import type { SmsProvider } from './providers/sms-provider';

export interface ActivityDeps {
  pool: Pool;
  smsProvider: SmsProvider;
  /** E-mail delivery; default: the email_outbox table only (no SMTP). */
  emailProvider?: EmailProvider;
  /** Starts and signals account workflows (the screening fan-out); a worker without one cannot fan out. */
  temporalClient?: Client;
  /** Account workflows started or signalled at once by the fan-out (SCREENING_START_CONCURRENCY). */
  screeningStartConcurrency?: number;
  /** The bank's zone (SCREENING_TIME_ZONE): business days are its calendar days. UTC when not given. */
  businessTimeZone?: string;
  /** config/treatments.json as loaded at start; default: that file. */
  treatments?: TreatmentsConfig;
  /** config/experiments.json (champion/challenger) as loaded at start; default: that file. */
  experiments?: ExperimentsConfig;
  /** config/contact-policy.json resolved over the presets; default: that file. */
  contactPolicies?: ContactPolicySet;
  /** templates/*.json; default: that folder. */
  templates?: TemplateCatalogue;
  /** config/field-collection.json as loaded at start; default: that file. */
  fieldCollection?: FieldCollectionConfig;
  /** config/negotiation.json as loaded at start; default: that file. */
  negotiation?: NegotiationConfig;
  /** config/legal.json as loaded at start; default: that file. */
  legal?: LegalConfig;
  /** Placement and recall messages to agencies; default: the agency_outbox table. */
  agencyProvider?: AgencyProvider;
  /** Where legal referrals' evidence bundles are written; default: .data/legal-bundles. */
  legalBundleDir?: string;
}

/** Policies for the contact-policy tests: the presets as they ship, or tightened by a config. */
import pino from 'pino';
import { parseContactPolicyConfig } from './config';
import type { ContactPolicySet } from './policy';

export const silentLog = pino({ level: 'silent' });

/** The presets untouched, or with the given figures per jurisdiction. */
export function testPolicies(jurisdictions: Record<string, unknown> = {}): ContactPolicySet {
  return parseContactPolicyConfig({ version: 'test', defaultJurisdiction: 'CN', jurisdictions }, 'test config', silentLog);
}

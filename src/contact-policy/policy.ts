/**
 * The contact policy's vocabulary (SPEC §4): the figures a jurisdiction preset sets and a
 * bank may tighten, the rules a contact can be blocked by, and the policy the decision reads.
 * Workflow-safe: types and constants only.
 */

export const CONTACT_CHANNELS = ['SMS', 'CALL', 'EMAIL'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const JURISDICTIONS = ['CN', 'US'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const HOLD_REASONS = ['DISPUTE', 'COMPLAINT', 'HARDSHIP_REVIEW', 'BANKRUPTCY', 'DEATH'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * The figures, each a number a bank may tighten. "Direction" says which way is tighter:
 * a CAP is tighter when lower (null: no cap), a FLOOR when higher.
 * Days are the borrower's calendar days (local midnight to midnight), counting today.
 */
export const POLICY_FIGURES = {
  /** first allowed minute of the day, minutes after local midnight */
  CONTACT_HOURS_START: 'FLOOR',
  /** first minute no longer allowed, minutes after local midnight (contact in [start, end)) */
  CONTACT_HOURS_END: 'CAP',
  CALLS_PER_DAY: 'CAP',
  CALLS_PER_WINDOW: 'CAP',
  CONNECTED_CALLS_PER_DAY: 'CAP',
  CONNECTED_CALLS_PER_WINDOW: 'CAP',
  SMS_PER_DAY: 'CAP',
  SMS_PER_WINDOW: 'CAP',
  EMAILS_PER_DAY: 'CAP',
  EMAILS_PER_WINDOW: 'CAP',
  /** call attempts not answered (or not yet known to be) to one number in a day */
  UNANSWERED_CALLS_PER_NUMBER_PER_DAY: 'CAP',
  /** days (the conversation's day is day 1) with no call after a connected call */
  QUIET_DAYS_AFTER_CONVERSATION: 'FLOOR',
  /** the rolling window the *_PER_WINDOW caps count over, in days ending today */
  WINDOW_DAYS: 'FLOOR',
} as const;
export type PolicyFigure = keyof typeof POLICY_FIGURES;
export const POLICY_FIGURE_NAMES = Object.keys(POLICY_FIGURES) as PolicyFigure[];

/** What blocks a contact: a figure, or one of the standing rules. */
export type PolicyRule = PolicyFigure | 'CEASE_CONTACT' | 'ON_HOLD' | 'OPTED_OUT' | 'THIRD_PARTY';

export interface PresetFigure {
  value: number | null;
  /** true: the law's floor (loosening needs a logged override); false: bank policy */
  legal: boolean;
  source: string;
}

export interface JurisdictionPreset {
  jurisdiction: Jurisdiction;
  figures: Record<PolicyFigure, PresetFigure>;
  /** contact with anyone but the borrower (unrelated third parties) is refused */
  thirdPartyContact: { allowed: false; source: string };
}

export interface PolicyOverride {
  rule: PolicyFigure;
  value: number | null;
  reason: string;
  approvedBy: string;
}

/** One jurisdiction's figures as the bank runs them: the preset, tightened (or overridden) by config. */
export interface ContactPolicy {
  jurisdiction: Jurisdiction;
  /** the bank config's version, recorded with decisions */
  version: string;
  figures: Record<PolicyFigure, number | null>;
  /** where each figure comes from, for the reason of a block */
  sources: Record<PolicyFigure, string>;
  thirdPartySource: string;
}

/** Every jurisdiction's policy as the bank's config resolved it. */
export interface ContactPolicySet {
  version: string;
  defaultJurisdiction: Jurisdiction;
  policies: Record<Jurisdiction, ContactPolicy>;
}

/** The policy for a borrower's jurisdiction (borrowers.jurisdiction); an unknown one is an error, not a guess. */
export function policyFor(set: ContactPolicySet, jurisdiction: string | null | undefined): ContactPolicy {
  const key = jurisdiction ?? set.defaultJurisdiction;
  if (!(JURISDICTIONS as readonly string[]).includes(key)) throw new Error(`no contact policy for jurisdiction ${key} (known: ${JURISDICTIONS.join(', ')})`);
  return set.policies[key as Jurisdiction];
}

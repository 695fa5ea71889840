/**
 * Family contacts (SPEC §3): when a family member of the borrower may be asked to pass on a
 * call-back request. Only with the borrower's explicit, recorded consent that covers the
 * contact and was not withdrawn, to a number verified before, from a lawful, recorded source.
 * Pure and workflow-safe: the facts come in (src/db/family-contacts.ts reads them), the
 * contact policy (permit.ts, decide.ts) and the call-back activity judge with the same rules.
 */

export const FAMILY_RELATIONS = ['SPOUSE', 'PARENT', 'CHILD', 'SIBLING', 'OTHER_RELATIVE'] as const;
export type FamilyRelation = (typeof FAMILY_RELATIONS)[number];

/**
 * Where a family contact came from. OTHER_LAWFUL needs a note saying which lawful source (the
 * table refuses it without one); a source outside this list is never used.
 */
export const LAWFUL_SOURCES = ['LOAN_APPLICATION', 'BORROWER_UPDATE', 'OTHER_LAWFUL'] as const;
export type FamilyContactSource = (typeof LAWFUL_SOURCES)[number];

/** Written or e-signed (SPEC §3): a consent given by word of mouth is not recorded consent. */
export const FAMILY_CONSENT_FORMS = ['WRITTEN', 'E_SIGNATURE'] as const;
export type FamilyConsentForm = (typeof FAMILY_CONSENT_FORMS)[number];

export const VERIFICATION_METHODS = ['SMS', 'CALL'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** A FAMILY_CONTACT consent of the borrower: for one family contact, or (null) every one they named. */
export interface FamilyConsent {
  id: number;
  familyContactId: number | null;
  givenAt: Date;
  withdrawnAt: Date | null;
}

/** One family contact as the rules see it: no name, no number. */
export interface FamilyContactFacts {
  id: number;
  relation: FamilyRelation;
  /** a string: a row written before a source left the lawful list still reads */
  source: string;
  sourceNote: string | null;
  verifiedAt: Date | null;
}

export type FamilySkipReason = 'NO_CONSENT' | 'CONSENT_WITHDRAWN' | 'NOT_VERIFIED' | 'SOURCE_NOT_LAWFUL';

export type FamilyContactStanding = { usable: true; consentId: number } | { usable: false; reason: FamilySkipReason };

/**
 * Whether the family contact may be used at `at`, and on which consent. A consent covers it
 * when it names it or names none (all the borrower's family contacts), was given at or before
 * `at`, and is not withdrawn at `at` (withdrawn_at later than `at`: it still stood then, and a
 * contact made then keeps the consent it relied on). Of several, the one naming the contact
 * wins over a blanket one, then the latest given. The rules are checked in the order of
 * SPEC §3: consent first, then the verified number, then the source.
 */
export function familyContactStanding(contact: FamilyContactFacts, consents: readonly FamilyConsent[], at: Date): FamilyContactStanding {
  const t = at.getTime();
  const covering = consents.filter((c) => (c.familyContactId === null || c.familyContactId === contact.id) && c.givenAt.getTime() <= t);
  if (covering.length === 0) return { usable: false, reason: 'NO_CONSENT' };
  const standing = covering.filter((c) => c.withdrawnAt === null || c.withdrawnAt.getTime() > t);
  const consent = standing.sort(
    (a, b) => Number(b.familyContactId !== null) - Number(a.familyContactId !== null) || b.givenAt.getTime() - a.givenAt.getTime() || b.id - a.id,
  )[0];
  if (!consent) return { usable: false, reason: 'CONSENT_WITHDRAWN' };
  if (contact.verifiedAt === null || contact.verifiedAt.getTime() > t) return { usable: false, reason: 'NOT_VERIFIED' };
  if (!isLawfulSource(contact)) return { usable: false, reason: 'SOURCE_NOT_LAWFUL' };
  return { usable: true, consentId: consent.id };
}

function isLawfulSource(contact: FamilyContactFacts): boolean {
  if (!(LAWFUL_SOURCES as readonly string[]).includes(contact.source)) return false;
  // "recorded": the other lawful source is named, not just claimed
  return contact.source !== 'OTHER_LAWFUL' || (contact.sourceNote ?? '').trim().length > 0;
}

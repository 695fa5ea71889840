/**
 * Issue 7 §1, SPEC §3: a call-back request to a family member of the borrower, only with
 * the borrower's recorded, unwithdrawn consent, to a verified number, with a message that
 * never discloses the debt; the contact records the consent it relied on. Through the
 * contact policy like every outbound contact.
 *
 * CONTRACT STUB: the signature is fixed; the body is being written (issue 7).
 */
import type { ContactFamilyInput, FamilyContactResult } from '../src/domain/field-collection';
import type { ActivityDeps } from './deps';

export function createFamilyContactActivities(_deps: ActivityDeps) {
  return {
    async contactFamilyForCallback(_input: ContactFamilyInput): Promise<FamilyContactResult> {
      throw new Error('contactFamilyForCallback: not implemented yet');
    },
  };
}

/**
 * `arrears family-contact add|consent|withdraw-consent|verify`: the records that decide
 * whether a family member of the borrower may be asked to pass on a call-back request
 * (SPEC §3): the contact (from a lawful, recorded source), the borrower's written or
 * e-signed consent with its purpose, its withdrawal, and the verification of the number.
 * Names and numbers are stored apart and never printed back or logged.
 */
import type { Command } from 'commander';
import { FAMILY_CONSENT_FORMS, FAMILY_RELATIONS, LAWFUL_SOURCES, VERIFICATION_METHODS } from '../../contact-policy/family';
import { addFamilyContact, FamilyContactRecordError, recordConsent, verifyFamilyContact, withdrawConsent } from '../../db/family-contacts';
import type { Queryable } from '../../db/pool';
import { writeLine } from '../account-messages';
import { withCliContext } from '../context';
import { consentWithdrawalOf, newConsentOf, newFamilyContactOf, verificationOf, type AddOptions, type ConsentOptions, type VerifyOptions } from '../field-arguments';

/** Runs a write with the database; a record that is not there is a refusal, as the other commands' are. */
async function write<T>(body: (db: Queryable) => Promise<T>): Promise<T> {
  try {
    return await withCliContext(({ pool }) => body(pool));
  } catch (err) {
    if (err instanceof FamilyContactRecordError) throw new Error(`refused: ${err.message}`, { cause: err });
    throw err;
  }
}

export function registerFamilyContactCommands(program: Command): void {
  const family = program
    .command('family-contact')
    .description("A borrower's family contacts (SPEC §3): add one, record or withdraw the borrower's consent, verify a number");

  family
    .command('add')
    .description('Add a family contact the borrower named (not verified yet: it is not used until verified)')
    .requiredOption('--borrower <id>', 'the borrower, such as DEMO-B00007')
    .requiredOption('--relation <relation>', FAMILY_RELATIONS.join(', '))
    .requiredOption('--source <source>', `where the contact came from: ${LAWFUL_SOURCES.join(', ')}`)
    .option('--source-note <text>', 'which lawful source (required for OTHER_LAWFUL)')
    .requiredOption('--name <text>', "the family member's name (stored apart, never printed or logged)")
    .requiredOption('--phone <number>', 'an international phone number, such as +8613800000000')
    .action(async (raw: AddOptions) => {
      const contact = newFamilyContactOf(raw);
      const id = await write((db) => addFamilyContact(db, contact));
      writeLine(`Family contact ${id} added for borrower ${contact.borrowerId} (${contact.relation}, from ${contact.source}); not used until verified: arrears family-contact verify ${id}.`);
    });

  family
    .command('consent')
    .description("Record the borrower's written or e-signed consent to contact one family contact, or every one")
    .requiredOption('--borrower <id>', 'the borrower')
    .option('--contact <familyContactId>', 'the family contact it covers (default: every one the borrower named)')
    .requiredOption('--form <form>', FAMILY_CONSENT_FORMS.join(', '))
    .requiredOption('--purpose <text>', 'the purpose, as stated on the form')
    .option('--document-ref <ref>', 'where the signed form is kept')
    .option('--given-at <instant>', 'when it was given, ISO with offset (default: now)')
    .action(async (raw: ConsentOptions) => {
      const consent = newConsentOf(raw);
      const id = await write((db) => recordConsent(db, consent));
      const covers = consent.familyContactId === null ? 'every family contact' : `family contact ${consent.familyContactId}`;
      writeLine(`Consent ${id} recorded for borrower ${consent.borrowerId}: ${covers}, ${consent.form}, given ${consent.givenAt.toISOString()}.`);
    });

  family
    .command('withdraw-consent')
    .description('Withdraw a consent: no family contact relies on it from then on (the record stays)')
    .argument('<consentId>', 'the consent')
    .option('--at <instant>', 'when it was withdrawn, ISO with offset (default: now)')
    .action(async (rawId: string, raw: { at?: string }) => {
      const { consentId, at } = consentWithdrawalOf(rawId, raw);
      const from = await write((db) => withdrawConsent(db, consentId, at));
      writeLine(`Consent ${consentId} stands withdrawn from ${from.toISOString()}.`);
    });

  family
    .command('verify')
    .description("Record that the family contact's number was confirmed to reach the person named (the first verification stays)")
    .argument('<familyContactId>', 'the family contact')
    .requiredOption('--method <method>', VERIFICATION_METHODS.join(', '))
    .requiredOption('--by <staffId>', 'who verified it, such as agent-01')
    .option('--at <instant>', 'when, ISO with offset (default: now)')
    .action(async (rawId: string, raw: VerifyOptions) => {
      const verification = verificationOf(rawId, raw);
      const verifiedAt = await write((db) => verifyFamilyContact(db, verification));
      writeLine(`Family contact ${verification.familyContactId} is verified since ${verifiedAt.toISOString()}.`);
    });
}

/**
 * Family contacts and consents in the real Postgres: what the API and the CLI write
 * (SPEC §3), and what the rules read back (no name, no number).
 */
import { seedAccount, testPool } from '../../test/support';
import type { Pool } from './pool';
import { addFamilyContact, familyContactRecipient, familyContactsOf, FamilyContactRecordError, recordConsent, verifyFamilyContact, withdrawConsent } from './family-contacts';

let pool: Pool;
beforeAll(() => {
  pool = testPool('shared');
});
afterAll(async () => {
  await pool.end();
});

const GIVEN = new Date('2025-03-01T08:00:00Z');

async function borrower(): Promise<string> {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }] });
  return `B-${accountId}`;
}

const spouse = (borrowerId: string) => ({ borrowerId, relation: 'SPOUSE' as const, source: 'LOAN_APPLICATION' as const, fullName: 'Li Na', phone: '+8613911112222' });

test('a family contact is written with its name and number apart; the facts carry neither', async () => {
  const borrowerId = await borrower();
  const id = await addFamilyContact(pool, spouse(borrowerId));
  const other = await addFamilyContact(pool, { borrowerId, relation: 'SIBLING', source: 'OTHER_LAWFUL', sourceNote: 'named by the borrower on the hardship form 2025-04', fullName: 'Li Wei', phone: '+8613933334444' });

  expect(await familyContactRecipient(pool, id)).toBe('+8613911112222');
  const { rows } = await pool.query('SELECT family_contact_id, full_name, phone FROM family_contact_personal_data WHERE family_contact_id = ANY($1) ORDER BY family_contact_id', [[id, other]]);
  expect(rows).toEqual([
    { family_contact_id: id, full_name: 'Li Na', phone: '+8613911112222' },
    { family_contact_id: other, full_name: 'Li Wei', phone: '+8613933334444' },
  ]);
  expect(await familyContactsOf(pool, borrowerId)).toEqual({
    contacts: [
      { id, relation: 'SPOUSE', source: 'LOAN_APPLICATION', sourceNote: null, verifiedAt: null },
      { id: other, relation: 'SIBLING', source: 'OTHER_LAWFUL', sourceNote: 'named by the borrower on the hardship form 2025-04', verifiedAt: null },
    ],
    consents: [],
  });
});

test('bad input changes nothing: an unknown borrower, another lawful source without its note, a number that is not one', async () => {
  const borrowerId = await borrower();
  await expect(addFamilyContact(pool, spouse('B-nobody'))).rejects.toEqual(new FamilyContactRecordError('UNKNOWN_BORROWER', 'no borrower B-nobody'));
  await expect(addFamilyContact(pool, { ...spouse(borrowerId), source: 'OTHER_LAWFUL' })).rejects.toThrow(/sourceNote[\s\S]*OTHER_LAWFUL needs a note/);
  await expect(addFamilyContact(pool, { ...spouse(borrowerId), phone: '13911112222' })).rejects.toThrow(/an international phone number/);
  expect(await familyContactsOf(pool, borrowerId)).toEqual({ contacts: [], consents: [] });
});

test('a consent covers one contact or all; another borrower’s contact is refused', async () => {
  const borrowerId = await borrower();
  const stranger = await borrower();
  const id = await addFamilyContact(pool, spouse(borrowerId));
  const theirs = await addFamilyContact(pool, spouse(stranger));

  const one = await recordConsent(pool, { borrowerId, familyContactId: id, form: 'WRITTEN', purpose: 'contact form at loan signing', documentRef: 'DOC-1', givenAt: GIVEN });
  const all = await recordConsent(pool, { borrowerId, familyContactId: null, form: 'E_SIGNATURE', purpose: 'e-signed contact form', givenAt: '2025-04-01T00:00:00+08:00' });
  await expect(recordConsent(pool, { borrowerId, familyContactId: theirs, form: 'WRITTEN', purpose: 'contact form', givenAt: GIVEN })).rejects.toEqual(
    new FamilyContactRecordError('UNKNOWN_FAMILY_CONTACT', `borrower ${borrowerId} has no family contact ${theirs}`),
  );
  await expect(recordConsent(pool, { borrowerId: 'B-nobody', familyContactId: null, form: 'WRITTEN', purpose: 'contact form', givenAt: GIVEN })).rejects.toThrow('no borrower B-nobody');
  await expect(recordConsent(pool, { borrowerId, familyContactId: null, form: 'WRITTEN', purpose: 'contact form', givenAt: 'yesterday' })).rejects.toThrow(/givenAt/);

  expect((await familyContactsOf(pool, borrowerId)).consents).toEqual([
    { id: one, familyContactId: id, givenAt: GIVEN, withdrawnAt: null },
    { id: all, familyContactId: null, givenAt: new Date('2025-03-31T16:00:00Z'), withdrawnAt: null },
  ]);
});

test('a withdrawal keeps the consent and its first moment; one stamped before the giving counts from the giving', async () => {
  const borrowerId = await borrower();
  const consent = await recordConsent(pool, { borrowerId, familyContactId: null, form: 'WRITTEN', purpose: 'contact form at loan signing', givenAt: GIVEN });
  const early = await recordConsent(pool, { borrowerId, familyContactId: null, form: 'WRITTEN', purpose: 'contact form at loan signing', givenAt: GIVEN });

  const withdrawn = new Date('2026-01-10T00:00:00Z');
  expect(await withdrawConsent(pool, consent, withdrawn)).toEqual(withdrawn);
  expect(await withdrawConsent(pool, consent, new Date('2026-02-01T00:00:00Z'))).toEqual(withdrawn);
  expect(await withdrawConsent(pool, early, new Date('2025-01-01T00:00:00Z'))).toEqual(GIVEN);
  await expect(withdrawConsent(pool, 999_999_999, withdrawn)).rejects.toThrow('no consent 999999999');
  expect((await familyContactsOf(pool, borrowerId)).consents.map((c) => c.withdrawnAt)).toEqual([withdrawn, GIVEN]);
});

test('a verification is recorded once: the first stays', async () => {
  const borrowerId = await borrower();
  const id = await addFamilyContact(pool, spouse(borrowerId));
  const first = new Date('2025-03-02T08:00:00Z');
  expect(await verifyFamilyContact(pool, { familyContactId: id, method: 'SMS', verifiedBy: 'agent-01', at: first })).toEqual(first);
  expect(await verifyFamilyContact(pool, { familyContactId: id, method: 'CALL', verifiedBy: 'agent-02', at: '2025-05-01T00:00:00Z' })).toEqual(first);
  const { rows } = await pool.query('SELECT verified_at, verification_method, verified_by FROM family_contacts WHERE id = $1', [id]);
  expect(rows).toEqual([{ verified_at: first, verification_method: 'SMS', verified_by: 'agent-01' }]);
  await expect(verifyFamilyContact(pool, { familyContactId: 999_999_999, method: 'SMS', verifiedBy: 'agent-01', at: first })).rejects.toThrow('no family contact 999999999');
});

import { familyContactStanding, type FamilyConsent, type FamilyContactFacts } from './family';

const AT = new Date('2026-06-10T02:00:00Z');
const before = (ms: number) => new Date(AT.getTime() - ms);
const after = (ms: number) => new Date(AT.getTime() + ms);

const spouse: FamilyContactFacts = { id: 1, relation: 'SPOUSE', source: 'LOAN_APPLICATION', sourceNote: null, verifiedAt: new Date('2025-03-02T00:00:00Z') };
const consent = (over: Partial<FamilyConsent> = {}): FamilyConsent => ({ id: 10, familyContactId: 1, givenAt: new Date('2025-03-01T00:00:00Z'), withdrawnAt: null, ...over });

describe('whether a family contact may be used at a moment (SPEC §3)', () => {
  test('a consent naming it, or naming none (every family contact), given before: usable on that consent', () => {
    expect(familyContactStanding(spouse, [consent()], AT)).toEqual({ usable: true, consentId: 10 });
    expect(familyContactStanding(spouse, [consent({ familyContactId: null })], AT)).toEqual({ usable: true, consentId: 10 });
    expect(familyContactStanding(spouse, [consent({ givenAt: AT })], AT)).toEqual({ usable: true, consentId: 10 });
  });

  test('no consent, one for another family contact, or one given only after: NO_CONSENT', () => {
    expect(familyContactStanding(spouse, [], AT)).toEqual({ usable: false, reason: 'NO_CONSENT' });
    expect(familyContactStanding(spouse, [consent({ familyContactId: 2 })], AT)).toEqual({ usable: false, reason: 'NO_CONSENT' });
    expect(familyContactStanding(spouse, [consent({ givenAt: after(1) })], AT)).toEqual({ usable: false, reason: 'NO_CONSENT' });
  });

  test('withdrawn at or before the moment: CONSENT_WITHDRAWN; withdrawn only later, it still stood then', () => {
    expect(familyContactStanding(spouse, [consent({ withdrawnAt: before(60_000) })], AT)).toEqual({ usable: false, reason: 'CONSENT_WITHDRAWN' });
    expect(familyContactStanding(spouse, [consent({ withdrawnAt: AT })], AT)).toEqual({ usable: false, reason: 'CONSENT_WITHDRAWN' });
    expect(familyContactStanding(spouse, [consent({ withdrawnAt: after(1) })], AT)).toEqual({ usable: true, consentId: 10 });
  });

  test('of several standing consents, the one naming the contact, then the latest given; a withdrawn one is passed over', () => {
    const blanket = consent({ id: 11, familyContactId: null, givenAt: before(1000) });
    const named = consent({ id: 12, givenAt: before(5000) });
    const newerNamed = consent({ id: 13, givenAt: before(2000) });
    const withdrawn = consent({ id: 14, givenAt: before(500), withdrawnAt: before(100) });
    expect(familyContactStanding(spouse, [blanket, named, withdrawn], AT)).toEqual({ usable: true, consentId: 12 });
    expect(familyContactStanding(spouse, [blanket, named, newerNamed, withdrawn], AT)).toEqual({ usable: true, consentId: 13 });
    expect(familyContactStanding(spouse, [blanket, withdrawn], AT)).toEqual({ usable: true, consentId: 11 });
  });

  test('a number not verified, or verified only after the moment: NOT_VERIFIED (consent is judged first)', () => {
    expect(familyContactStanding({ ...spouse, verifiedAt: null }, [consent()], AT)).toEqual({ usable: false, reason: 'NOT_VERIFIED' });
    expect(familyContactStanding({ ...spouse, verifiedAt: after(1) }, [consent()], AT)).toEqual({ usable: false, reason: 'NOT_VERIFIED' });
    expect(familyContactStanding({ ...spouse, verifiedAt: null }, [], AT)).toEqual({ usable: false, reason: 'NO_CONSENT' });
  });

  test('a source outside the lawful list, or another lawful source not named: SOURCE_NOT_LAWFUL', () => {
    expect(familyContactStanding({ ...spouse, source: 'PURCHASED_LIST' }, [consent()], AT)).toEqual({ usable: false, reason: 'SOURCE_NOT_LAWFUL' });
    expect(familyContactStanding({ ...spouse, source: 'OTHER_LAWFUL', sourceNote: '  ' }, [consent()], AT)).toEqual({ usable: false, reason: 'SOURCE_NOT_LAWFUL' });
    expect(familyContactStanding({ ...spouse, source: 'OTHER_LAWFUL', sourceNote: 'court-ordered contact list' }, [consent()], AT)).toEqual({ usable: true, consentId: 10 });
    expect(familyContactStanding({ ...spouse, source: 'BORROWER_UPDATE' }, [consent()], AT)).toEqual({ usable: true, consentId: 10 });
  });
});

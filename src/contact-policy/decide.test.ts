import { decideContact, type ContactFacts, type PastContact } from './decide';
import { policyFor } from './policy';
import { testPolicies } from './test-policies';

const presets = testPolicies();
const CN = policyFor(presets, 'CN');
const US = policyFor(presets, 'US');

function facts(over: Partial<ContactFacts>): ContactFacts {
  return {
    at: '2026-06-10T02:00:00Z',
    timeZone: 'Asia/Shanghai',
    channel: 'SMS',
    recipientKey: 'mobile',
    recipientIsBorrower: true,
    ceaseContact: false,
    optedOut: false,
    hold: null,
    pastContacts: [],
    ...over,
  };
}

const sms = (at: string): PastContact => ({ channel: 'SMS', at, recipientKey: 'mobile', callOutcome: null });
const call = (at: string, callOutcome: PastContact['callOutcome'], recipientKey = 'mobile'): PastContact => ({ channel: 'CALL', at, recipientKey, callOutcome });

describe('contact hours in the borrower’s own time zone', () => {
  // [case, policy, zone, at (UTC), expected rule or null, next allowed (UTC)]
  test.each([
    ['CN 07:59 Shanghai', CN, 'Asia/Shanghai', '2026-06-09T23:59:00Z', 'CONTACT_HOURS_START', '2026-06-10T00:00:00.000Z'],
    ['CN 08:00 Shanghai', CN, 'Asia/Shanghai', '2026-06-10T00:00:00Z', null, null],
    ['CN 21:00 Shanghai', CN, 'Asia/Shanghai', '2026-06-10T13:00:00Z', null, null],
    ['CN 22:00 Shanghai, next morning', CN, 'Asia/Shanghai', '2026-06-10T14:00:00Z', 'CONTACT_HOURS_END', '2026-06-11T00:00:00.000Z'],
    ['CN 00:00 Shanghai', CN, 'Asia/Shanghai', '2026-06-10T16:00:00Z', 'CONTACT_HOURS_START', '2026-06-11T00:00:00.000Z'],
    ['CN 07:59 Kiritimati (UTC+14)', CN, 'Pacific/Kiritimati', '2026-06-09T17:59:00Z', 'CONTACT_HOURS_START', '2026-06-09T18:00:00.000Z'],
    ['CN 22:30 Kiritimati, across midnight', CN, 'Pacific/Kiritimati', '2026-06-10T08:30:00Z', 'CONTACT_HOURS_END', '2026-06-10T18:00:00.000Z'],
    ['CN 21:00 New York', CN, 'America/New_York', '2026-06-11T01:00:00Z', null, null],
    ['CN 07:59 London (BST)', CN, 'Europe/London', '2026-06-10T06:59:00Z', 'CONTACT_HOURS_START', '2026-06-10T07:00:00.000Z'],
    ['US 07:59 New York (EDT)', US, 'America/New_York', '2026-06-10T11:59:00Z', 'CONTACT_HOURS_START', '2026-06-10T12:00:00.000Z'],
    ['US 20:59 New York', US, 'America/New_York', '2026-06-11T00:59:00Z', null, null],
    ['US 21:00 New York, next morning', US, 'America/New_York', '2026-06-11T01:00:00Z', 'CONTACT_HOURS_END', '2026-06-11T12:00:00.000Z'],
    ['US 21:00 Shanghai', US, 'Asia/Shanghai', '2026-06-10T13:00:00Z', 'CONTACT_HOURS_END', '2026-06-11T00:00:00.000Z'],
    ['US 07:59 Kiritimati', US, 'Pacific/Kiritimati', '2026-06-09T17:59:00Z', 'CONTACT_HOURS_START', '2026-06-09T18:00:00.000Z'],
    ['US 21:00 Kiritimati', US, 'Pacific/Kiritimati', '2026-06-10T07:00:00Z', 'CONTACT_HOURS_END', '2026-06-10T18:00:00.000Z'],
    // clocks go back on 1 Nov 2026: 21:30 EDT → 08:00 EST is 10 h 30 min later plus the hour gained
    ['US 21:30 New York before DST ends', US, 'America/New_York', '2026-11-01T01:30:00Z', 'CONTACT_HOURS_END', '2026-11-01T13:00:00.000Z'],
    // clocks go forward on 8 Mar 2026: 21:30 EST → 08:00 EDT
    ['US 21:30 New York before DST starts', US, 'America/New_York', '2026-03-08T02:30:00Z', 'CONTACT_HOURS_END', '2026-03-08T12:00:00.000Z'],
  ])('%s', (_case, policy, timeZone, at, rule, nextAllowedAt) => {
    const decision = decideContact(facts({ at, timeZone }), policy);
    if (rule === null) expect(decision).toEqual({ allowed: true });
    else expect(decision).toMatchObject({ allowed: false, rule, nextAllowedAt });
  });

  test('a tightened end of day applies', () => {
    const tightened = policyFor(testPolicies({ CN: { figures: { CONTACT_HOURS_END: '21:00' } } }), 'CN');
    expect(decideContact(facts({ at: '2026-06-10T13:00:00Z' }), tightened)).toMatchObject({ allowed: false, rule: 'CONTACT_HOURS_END', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
  });
});

describe('caps per borrower, counted in the borrower’s calendar days', () => {
  // Shanghai (UTC+8), asking at 10:00 local on 10 June 2026.
  test.each([
    ['2 SMS today: the SMS cap (bank policy) holds until tomorrow 08:00', 'SMS', [sms('2026-06-10T01:00:00Z'), sms('2026-06-10T01:30:00Z')], 'SMS_PER_DAY', '2026-06-11T00:00:00.000Z'],
    // 00:30 and 01:00 local on 10 June are 9 June in UTC: the local day is what counts
    ['2 SMS after local midnight, the UTC day before', 'SMS', [sms('2026-06-09T16:30:00Z'), sms('2026-06-09T17:00:00Z')], 'SMS_PER_DAY', '2026-06-11T00:00:00.000Z'],
    ['2 SMS yesterday', 'SMS', [sms('2026-06-09T02:00:00Z'), sms('2026-06-09T03:00:00Z')], null, null],
    ['1 SMS today', 'SMS', [sms('2026-06-10T01:00:00Z')], null, null],
    // Another account's SMS, committed first under the borrower's lock, stamped with its own
    // workflow's time a moment after this ask (10:00 local): it counts.
    ['2 SMS today, one stamped a second after the ask', 'SMS', [sms('2026-06-10T01:00:00Z'), sms('2026-06-10T02:00:01Z')], 'SMS_PER_DAY', '2026-06-11T00:00:00.000Z'],
    [
      '2 e-mails today',
      'EMAIL',
      [
        { channel: 'EMAIL', at: '2026-06-10T00:10:00Z', recipientKey: 'mail', callOutcome: null },
        { channel: 'EMAIL', at: '2026-06-10T00:20:00Z', recipientKey: 'mail', callOutcome: null },
      ],
      'EMAILS_PER_DAY',
      '2026-06-11T00:00:00.000Z',
    ],
    ['2 SMS do not count against e-mail', 'EMAIL', [sms('2026-06-10T01:00:00Z'), sms('2026-06-10T01:30:00Z')], null, null],
    [
      '3 connected calls today (CN)',
      'CALL',
      [call('2026-06-10T00:10:00Z', 'CONNECTED'), call('2026-06-10T00:20:00Z', 'CONNECTED'), call('2026-06-10T01:00:00Z', 'CONNECTED')],
      'CONNECTED_CALLS_PER_DAY',
      '2026-06-11T00:00:00.000Z',
    ],
    ['2 connected and 1 unanswered call today', 'CALL', [call('2026-06-10T00:10:00Z', 'CONNECTED'), call('2026-06-10T00:20:00Z', 'CONNECTED'), call('2026-06-10T01:00:00Z', 'UNANSWERED')], null, null],
    [
      '6 unanswered attempts to this number today (one outcome still unknown)',
      'CALL',
      [...[10, 15, 20, 25, 30].map((m) => call(`2026-06-10T00:${m}:00Z`, 'UNANSWERED')), call('2026-06-10T01:00:00Z', null)],
      'UNANSWERED_CALLS_PER_NUMBER_PER_DAY',
      '2026-06-11T00:00:00.000Z',
    ],
    ['6 unanswered attempts to another number today', 'CALL', [10, 15, 20, 25, 30, 35].map((m) => call(`2026-06-10T00:${m}:00Z`, 'UNANSWERED', 'work')), null, null],
  ] as const)('%s', (_case, channel, pastContacts, rule, nextAllowedAt) => {
    const decision = decideContact(facts({ channel, pastContacts: [...pastContacts] }), CN);
    if (rule === null) expect(decision).toEqual({ allowed: true });
    else expect(decision).toMatchObject({ allowed: false, rule, nextAllowedAt });
  });

  // New York, asking at 12:00 EDT on Wednesday 10 June 2026; calls at 10:00 EDT.
  const ny = (over: Partial<ContactFacts>) => facts({ at: '2026-06-10T16:00:00Z', timeZone: 'America/New_York', channel: 'CALL', ...over });
  const dailyCalls = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => call(`2026-06-${String(from + i).padStart(2, '0')}T14:00:00Z`, 'UNANSWERED'));

  test('US: 7 calls on 4–10 June reach 7 in 7 days; the 4 June call leaves the window on 11 June, 08:00 EDT', () => {
    expect(decideContact(ny({ pastContacts: dailyCalls(4, 10) }), US)).toMatchObject({ allowed: false, rule: 'CALLS_PER_WINDOW', nextAllowedAt: '2026-06-11T12:00:00.000Z' });
  });

  test('US: 7 calls on 3–9 June leave 6 in the window 4–10 June', () => {
    expect(decideContact(ny({ pastContacts: dailyCalls(3, 9) }), US)).toEqual({ allowed: true });
  });

  test('US: a bank window of 10 days with 5 calls', () => {
    const tightened = policyFor(testPolicies({ US: { figures: { CALLS_PER_WINDOW: 5, WINDOW_DAYS: 10 } } }), 'US');
    // 5 calls on 1–5 June: the window 1–10 June holds 5; 1 June leaves it on 11 June
    expect(decideContact(ny({ pastContacts: dailyCalls(1, 5) }), tightened)).toMatchObject({ rule: 'CALLS_PER_WINDOW', nextAllowedAt: '2026-06-11T12:00:00.000Z' });
  });

  test('US: no call for 7 days after a conversation (Monday 8 June is day 1), SMS still allowed', () => {
    const pastContacts = [call('2026-06-08T14:00:00Z', 'CONNECTED')];
    expect(decideContact(ny({ pastContacts }), US)).toMatchObject({ allowed: false, rule: 'QUIET_DAYS_AFTER_CONVERSATION', nextAllowedAt: '2026-06-15T12:00:00.000Z' });
    expect(decideContact(ny({ pastContacts, at: '2026-06-15T12:00:00Z' }), US)).toEqual({ allowed: true });
    expect(decideContact(ny({ pastContacts, at: '2026-06-14T23:00:00Z' }), US)).toMatchObject({ allowed: false, rule: 'QUIET_DAYS_AFTER_CONVERSATION' });
    expect(decideContact(ny({ pastContacts, channel: 'SMS' }), US)).toEqual({ allowed: true });
  });

  test('CN has no quiet period by default; a bank may set one', () => {
    const pastContacts = [call('2026-06-09T02:00:00Z', 'CONNECTED')];
    expect(decideContact(facts({ channel: 'CALL', pastContacts }), CN)).toEqual({ allowed: true });
    const tightened = policyFor(testPolicies({ CN: { figures: { QUIET_DAYS_AFTER_CONVERSATION: 3 } } }), 'CN');
    // conversation 9 June (day 1): calls again from 12 June, 08:00 Shanghai
    expect(decideContact(facts({ channel: 'CALL', pastContacts }), tightened)).toMatchObject({ rule: 'QUIET_DAYS_AFTER_CONVERSATION', nextAllowedAt: '2026-06-12T00:00:00.000Z' });
  });

  test('a cap tightened to 0 blocks for good', () => {
    const noSms = policyFor(testPolicies({ CN: { figures: { SMS_PER_DAY: 0 } } }), 'CN');
    expect(decideContact(facts({}), noSms)).toMatchObject({ allowed: false, rule: 'SMS_PER_DAY', nextAllowedAt: null });
  });
});

describe('standing rules block until lifted, whatever the hour', () => {
  test.each([
    ['cease-contact', { ceaseContact: true }, 'CEASE_CONTACT'],
    ['a hold (bankruptcy)', { hold: 'BANKRUPTCY' }, 'ON_HOLD'],
    ['an opt-out of the channel', { optedOut: true }, 'OPTED_OUT'],
    ['an unrelated third party', { recipientIsBorrower: false }, 'THIRD_PARTY'],
    ['cease-contact at 03:00 local', { ceaseContact: true, at: '2026-06-09T19:00:00Z' }, 'CEASE_CONTACT'],
  ] as const)('%s', (_case, over, rule) => {
    expect(decideContact(facts(over), CN)).toMatchObject({ allowed: false, rule, nextAllowedAt: null });
    expect(decideContact(facts(over), US)).toMatchObject({ allowed: false, rule, nextAllowedAt: null });
  });

  test('the reason of a block names its source', () => {
    const decision = decideContact(facts({ recipientIsBorrower: false }), US);
    expect(decision.allowed === false && decision.reason).toContain('12 CFR 1006.6(d)(1)');
  });
});

describe('a family contact of the borrower (SPEC §3)', () => {
  const family = (over: Partial<ContactFacts> = {}) => facts({ recipientIsBorrower: false, recipientKey: 'spouse', familyContact: { usable: true, consentId: 7 }, ...over });

  test('with consent, verified: allowed like the borrower', () => {
    expect(decideContact(family(), CN)).toEqual({ allowed: true });
    expect(decideContact(family({ timeZone: 'America/New_York', at: '2026-06-10T14:00:00Z' }), US)).toEqual({ allowed: true });
  });

  test.each(['NO_CONSENT', 'CONSENT_WITHDRAWN', 'NOT_VERIFIED', 'SOURCE_NOT_LAWFUL'] as const)('%s: a third party, for good', (reason) => {
    const decision = decideContact(family({ familyContact: { usable: false, reason } }), CN);
    expect(decision).toEqual({ allowed: false, rule: 'THIRD_PARTY', reason: expect.stringContaining(`a family contact the borrower's consent does not let us use (${reason};`), nextAllowedAt: null });
  });

  test('the borrower’s contact hours still apply', () => {
    expect(decideContact(family({ at: '2026-06-10T14:30:00Z' }), CN)).toMatchObject({ allowed: false, rule: 'CONTACT_HOURS_END', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
  });

  test('cease-contact, a hold and an opt-out of the channel still apply', () => {
    expect(decideContact(family({ ceaseContact: true }), CN)).toMatchObject({ rule: 'CEASE_CONTACT' });
    expect(decideContact(family({ hold: 'DISPUTE' }), CN)).toMatchObject({ rule: 'ON_HOLD' });
    expect(decideContact(family({ optedOut: true }), CN)).toMatchObject({ rule: 'OPTED_OUT' });
  });

  test('it counts toward the borrower’s caps: two SMS to the borrower today leave none for the family (CN: 2 a day)', () => {
    const today = [sms('2026-06-10T00:30:00Z'), sms('2026-06-10T01:00:00Z')];
    expect(decideContact(family({ pastContacts: today }), CN)).toMatchObject({ allowed: false, rule: 'SMS_PER_DAY', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
    // and a family SMS leaves one for the borrower
    expect(decideContact(facts({ pastContacts: [{ ...sms('2026-06-10T00:30:00Z'), recipientKey: 'spouse' }] }), CN)).toEqual({ allowed: true });
  });

  test('calls to the family number count toward the per-number cap of that number, not the borrower’s', () => {
    const toSpouse = Array.from({ length: 6 }, (_, n) => call(`2026-06-10T0${n}:10:00Z`, 'UNANSWERED', 'spouse'));
    expect(decideContact(family({ channel: 'CALL', pastContacts: toSpouse }), CN)).toMatchObject({ allowed: false, rule: 'UNANSWERED_CALLS_PER_NUMBER_PER_DAY' });
    expect(decideContact(facts({ channel: 'CALL', pastContacts: toSpouse }), CN)).toEqual({ allowed: true });
  });
});

/**
 * The family call-back request (issue 7 §1, SPEC §3) against the real Postgres: each rule
 * of SPEC §3, proved on what is stored (the contact record, the SMS outbox, the blocks).
 * The SMS provider is the outbox, or a real HTTP gateway on loopback that delivers after
 * the record commits.
 */
import { BORROWER_CONTACT_LOCK_SQL } from '../src/contact-policy/lock';
import { waitingForBorrowerLock } from '../src/contact-policy/test-lock';
import { testPolicies } from '../src/contact-policy/test-policies';
import { addFamilyContact, recordConsent, verifyFamilyContact, withdrawConsent } from '../src/db/family-contacts';
import { placeHoldOnce } from '../src/db/holds';
import type { ContactFamilyInput } from '../src/domain/field-collection';
import { debtWordsIn } from '../src/templates/blocklist';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { borrowerOf, pay } from '../test/early-collection-seeds';
import { startSmsGateway, type SmsGateway } from '../test/sms-gateway';
import { eventually, seedAccount, uniqueId } from '../test/support';
import { HttpSmsProvider } from './providers/sms-http-provider';
import type { SmsProvider } from './providers/sms-provider';

const bed = activityTestbed();
const activities = (over: { smsProvider?: SmsProvider } = {}) => bed.activitiesWith({ businessTimeZone: 'Asia/Shanghai', contactPolicies: testPolicies(), ...over });

// 10:00 on 10 June 2026 in Shanghai
const AT = Date.parse('2026-06-10T02:00:00Z');
const HOUR = 3_600_000;
const GIVEN = new Date('2025-03-01T08:00:00Z');
const VERIFIED = new Date('2025-03-02T08:00:00Z');
const SPOUSE_PHONE = '+8613955550001';
const PARENT_PHONE = '+8613955550002';
const CALLBACK_TEXT = 'Hello. A member of your family gave us this number as a way to reach them. Could you please ask them to call us back on 95555 (08:00-21:00)? Thank you, and sorry to trouble you.';

/** CNY 1,234.56 overdue since 15 May; a borrower in Shanghai (CN) named "Test Borrower". */
async function overdueBorrower() {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-15', amount: 123_456 }], mobilePhone: '+8613800000000', timeZone: 'Asia/Shanghai', jurisdiction: 'CN' });
  return { accountId, borrowerId: borrowerOf(accountId) };
}

interface FamilySetup {
  phone?: string;
  relation?: 'SPOUSE' | 'PARENT';
  /** 'OWN': a consent naming this contact; 'NONE': none (a blanket one may still cover it) */
  consent?: 'OWN' | 'NONE';
  consentGivenAt?: Date;
  verifiedAt?: Date | null;
}

/** A family contact named at loan signing; by default verified, with a written consent naming it. */
async function familyContact(borrowerId: string, { phone = SPOUSE_PHONE, relation = 'SPOUSE', consent = 'OWN', consentGivenAt = GIVEN, verifiedAt = VERIFIED }: FamilySetup = {}) {
  const familyContactId = await addFamilyContact(bed.pool, { borrowerId, relation, source: 'LOAN_APPLICATION', fullName: `Family ${relation}`, phone });
  if (verifiedAt) await verifyFamilyContact(bed.pool, { familyContactId, method: 'SMS', verifiedBy: 'agent-01', at: verifiedAt });
  const consentId =
    consent === 'OWN' ? await recordConsent(bed.pool, { borrowerId, familyContactId, form: 'WRITTEN', purpose: 'contact form at loan signing', documentRef: 'DOC-1', givenAt: consentGivenAt }) : null;
  return { familyContactId, consentId };
}

const request = (accountId: string, over: Partial<ContactFamilyInput> = {}): ContactFamilyInput => ({
  idempotencyKey: uniqueId(`${accountId}:family-callback`),
  accountId,
  workflowId: `arrears-${accountId}`,
  templateId: 'sms-family-callback',
  at: AT,
  ...over,
});

async function attemptsOf(accountId: string) {
  const { rows } = await bed.pool.query(
    `SELECT channel, template_id, rendered_text, status, family_contact_id, consent_id, attempted_at, provider_message_id IS NOT NULL AS handed_off
     FROM contact_attempts WHERE account_id = $1 ORDER BY id`,
    [accountId],
  );
  return rows;
}
async function outboxOf(key: string) {
  const { rows } = await bed.pool.query('SELECT to_phone, body FROM sms_outbox WHERE idempotency_key = $1', [key]);
  return rows;
}
async function blocksOf(accountId: string) {
  const { rows } = await bed.pool.query('SELECT rule, next_allowed_at FROM contact_blocks WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows;
}

/** No family contact was usable: the answer names each with its reason, and nothing was recorded or sent. */
async function expectRefused(input: ContactFamilyInput, skipped: Array<{ familyContactId: number; reason: string }>) {
  expect(await runActivity(activities().contactFamilyForCallback, input)).toEqual({ outcome: 'NO_USABLE_FAMILY_CONTACT', skipped });
  expect(await attemptsOf(input.accountId)).toEqual([]);
  expect(await outboxOf(input.idempotencyKey)).toEqual([]);
}

describe('SPEC §3: a family contact is used only with consent, verified, saying nothing of the debt', () => {
  test('with a standing consent and a verified number: one SMS to that number, recorded with the consent it relied on', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    const input = request(accountId);

    const sent = await runActivity(contactFamilyForCallback, input);
    expect(sent).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number), familyContactId, consentId });
    expect(await outboxOf(input.idempotencyKey)).toEqual([{ to_phone: SPOUSE_PHONE, body: CALLBACK_TEXT }]);
    expect(await attemptsOf(accountId)).toEqual([
      { channel: 'SMS', template_id: 'sms-family-callback', rendered_text: CALLBACK_TEXT, status: 'SENT', family_contact_id: familyContactId, consent_id: consentId, attempted_at: new Date(AT), handed_off: true },
    ]);
  });

  test('the stored message discloses nothing: no amount, no account, no product, no debt words, no name', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    await runActivity(contactFamilyForCallback, request(accountId));
    const [{ rendered_text: text }] = await attemptsOf(accountId);
    expect(debtWordsIn(text)).toEqual([]);
    for (const disclosure of ['1234.56', '1,234.56', 'CNY', accountId, accountId.slice(-4), '2026-05-15', 'loan', 'Test Borrower', 'Arrears', 'overdue', 'visit'])
      expect([disclosure, text.toLowerCase().includes(disclosure.toLowerCase())]).toEqual([disclosure, false]);
    expect(text).toContain('call us back on 95555');
  });

  test('a retry sends nothing again: ALREADY_SENT with the same record, one outbox row', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    const input = request(accountId);
    const first = await runActivity(contactFamilyForCallback, input);
    const retry = await runActivity(contactFamilyForCallback, { ...input, at: AT + 60_000 });
    expect(retry).toEqual({ ...first, outcome: 'ALREADY_SENT' });
    expect(await outboxOf(input.idempotencyKey)).toHaveLength(1);
    expect(await attemptsOf(accountId)).toHaveLength(1);
  });

  test('no consent: refused (NO_CONSENT), nothing sent, nothing recorded', async () => {
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId } = await familyContact(borrowerId, { consent: 'NONE' });
    await expectRefused(request(accountId), [{ familyContactId, reason: 'NO_CONSENT' }]);
  });

  test('a consent given only after the moment is no consent yet', async () => {
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId } = await familyContact(borrowerId, { consentGivenAt: new Date(AT + HOUR) });
    await expectRefused(request(accountId), [{ familyContactId, reason: 'NO_CONSENT' }]);
  });

  test('consent withdrawn at or before the moment: refused (CONSENT_WITHDRAWN), nothing sent', async () => {
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    await withdrawConsent(bed.pool, consentId as number, new Date(AT));
    await expectRefused(request(accountId), [{ familyContactId, reason: 'CONSENT_WITHDRAWN' }]);
  });

  test('a consent withdrawn after the contact does not un-record what it relied on; the next request is refused', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    const sent = await runActivity(contactFamilyForCallback, request(accountId));
    expect(sent).toMatchObject({ outcome: 'SENT', consentId });

    await withdrawConsent(bed.pool, consentId as number, new Date(AT + HOUR));
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'SENT', family_contact_id: familyContactId, consent_id: consentId })]);
    const { rows } = await bed.pool.query('SELECT withdrawn_at FROM contact_consents WHERE id = $1', [consentId]);
    expect(rows).toEqual([{ withdrawn_at: new Date(AT + HOUR) }]);

    const next = await runActivity(contactFamilyForCallback, request(accountId, { at: AT + 2 * HOUR }));
    expect(next).toEqual({ outcome: 'NO_USABLE_FAMILY_CONTACT', skipped: [{ familyContactId, reason: 'CONSENT_WITHDRAWN' }] });
    expect(await attemptsOf(accountId)).toHaveLength(1);
  });

  test('a consent withdrawn between the look and the borrower’s lock: the policy sees it, the contact is skipped, nothing sent', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    const input = request(accountId);
    // Another session holds the borrower's lock (as a contact on another account would) ...
    const holder = await bed.pool.connect();
    let result: Promise<unknown> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT ${BORROWER_CONTACT_LOCK_SQL('$1')}`, [borrowerId]);
      // ... the request finds the consent standing and waits for the lock to check it ...
      result = runActivity(contactFamilyForCallback, input);
      expect(await eventually(() => waitingForBorrowerLock(bed.pool, borrowerId), (n) => n > 0)).toBe(1);
      // ... while the consent is withdrawn, from before the request's moment.
      await holder.query('UPDATE contact_consents SET withdrawn_at = $2 WHERE id = $1', [consentId, new Date(AT - HOUR)]);
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await result).toEqual({ outcome: 'NO_USABLE_FAMILY_CONTACT', skipped: [{ familyContactId, reason: 'CONSENT_WITHDRAWN' }] });
    expect(await attemptsOf(accountId)).toEqual([]);
    expect(await outboxOf(input.idempotencyKey)).toEqual([]);
    // the policy's refusal is on record
    expect(await blocksOf(accountId)).toEqual([{ rule: 'THIRD_PARTY', next_allowed_at: null }]);
  });

  test('a number not verified (or verified only later): refused (NOT_VERIFIED)', async () => {
    const { accountId, borrowerId } = await overdueBorrower();
    const never = await familyContact(borrowerId, { verifiedAt: null });
    const later = await familyContact(borrowerId, { phone: PARENT_PHONE, relation: 'PARENT', verifiedAt: new Date(AT + HOUR) });
    await expectRefused(request(accountId), [
      { familyContactId: never.familyContactId, reason: 'NOT_VERIFIED' },
      { familyContactId: later.familyContactId, reason: 'NOT_VERIFIED' },
    ]);
  });

  test('the contacts are taken in the order named: the unusable are passed over; a blanket consent covers every one', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId, { verifiedAt: null, consent: 'NONE' });
    const parent = await familyContact(borrowerId, { phone: PARENT_PHONE, relation: 'PARENT', consent: 'NONE' });
    const blanket = await recordConsent(bed.pool, { borrowerId, familyContactId: null, form: 'E_SIGNATURE', purpose: 'e-signed contact form', givenAt: GIVEN });
    const input = request(accountId);
    // the first is covered by the blanket consent too, but its number was never verified
    expect(await runActivity(contactFamilyForCallback, input)).toEqual({ outcome: 'SENT', contactAttemptId: expect.any(Number), familyContactId: parent.familyContactId, consentId: blanket });
    expect(await outboxOf(input.idempotencyKey)).toEqual([{ to_phone: PARENT_PHONE, body: CALLBACK_TEXT }]);
  });

  test('a borrower who named no family contact: NO_USABLE_FAMILY_CONTACT with nothing skipped', async () => {
    const { accountId } = await overdueBorrower();
    await expectRefused(request(accountId), []);
  });
});

describe('the contact policy still applies to a family contact', () => {
  test('contact hours: at 22:30 in the borrower’s zone BLOCKED until 08:00, the refusal recorded, nothing sent', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    const input = request(accountId, { at: Date.parse('2026-06-10T14:30:00Z') });
    expect(await runActivity(contactFamilyForCallback, input)).toEqual({
      outcome: 'BLOCKED',
      rule: 'CONTACT_HOURS_END',
      reason: expect.stringContaining('outside contact hours 08:00–22:00'),
      nextAllowedAt: '2026-06-11T00:00:00.000Z',
    });
    expect(await blocksOf(accountId)).toEqual([{ rule: 'CONTACT_HOURS_END', next_allowed_at: new Date('2026-06-11T00:00:00Z') }]);
    expect(await attemptsOf(accountId)).toEqual([]);
    expect(await outboxOf(input.idempotencyKey)).toEqual([]);
  });

  test('it counts toward the borrower’s SMS cap (CN preset: 2 a day): after one reminder and the call-back request, the next SMS waits', async () => {
    const { contactFamilyForCallback, contactBorrower } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    const sms = (at: number) => ({ idempotencyKey: uniqueId('sms'), accountId, workflowId: `arrears-${accountId}`, channel: 'SMS' as const, templateId: 'sms-first-reminder', at });
    expect(await runActivity(contactBorrower, sms(AT - HOUR))).toMatchObject({ outcome: 'SENT' });
    expect(await runActivity(contactFamilyForCallback, request(accountId))).toMatchObject({ outcome: 'SENT' });
    // the cap lifts at midnight, and contact hours open at 08:00 (00:00 UTC)
    expect(await runActivity(contactBorrower, sms(AT + HOUR))).toMatchObject({ outcome: 'BLOCKED', rule: 'SMS_PER_DAY', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
    expect(await runActivity(contactFamilyForCallback, request(accountId, { at: AT + HOUR }))).toMatchObject({ outcome: 'BLOCKED', rule: 'SMS_PER_DAY' });
  });

  test('a hold on the account: BLOCKED, no time lifts it', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    await placeHoldOnce(bed.pool, { holdId: uniqueId('hold'), accountId, workflowId: `arrears-${accountId}`, reason: 'DISPUTE', note: null, placedAt: new Date(AT - HOUR) });
    expect(await runActivity(contactFamilyForCallback, request(accountId))).toMatchObject({ outcome: 'BLOCKED', rule: 'ON_HOLD', nextAllowedAt: null });
    expect(await attemptsOf(accountId)).toEqual([]);
  });
});

describe('as any contact step', () => {
  test('nothing overdue: NOT_NEEDED, nothing recorded, no refusal either', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    await pay(bed.pool, accountId, 123_456, '2026-06-09');
    expect(await runActivity(contactFamilyForCallback, request(accountId))).toEqual({ outcome: 'NOT_NEEDED' });
    expect(await runActivity(contactFamilyForCallback, request(accountId, { at: Date.parse('2026-06-10T14:30:00Z') }))).toEqual({ outcome: 'NOT_NEEDED' });
    expect(await attemptsOf(accountId)).toEqual([]);
    expect(await blocksOf(accountId)).toEqual([]);
  });

  test('a template for the borrower, or none: the worker is misconfigured, nothing is sent', async () => {
    const { contactFamilyForCallback } = activities();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    await expect(runActivity(contactFamilyForCallback, request(accountId, { templateId: 'sms-first-reminder' }))).rejects.toMatchObject({
      type: 'WorkerMisconfigured',
      nonRetryable: true,
      message: 'template sms-first-reminder v2 is for the borrower, not a family member (audience BORROWER)',
    });
    await expect(runActivity(contactFamilyForCallback, request(accountId, { templateId: 'sms-nothing' }))).rejects.toMatchObject({ type: 'WorkerMisconfigured', message: 'no template sms-nothing' });
    expect(await attemptsOf(accountId)).toEqual([]);
  });
});

describe('through an HTTP gateway (delivery after the record commits)', () => {
  let gateway: SmsGateway;
  beforeAll(async () => {
    gateway = await startSmsGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });
  const viaGateway = () => activities({ smsProvider: new HttpSmsProvider({ url: gateway.url, token: 'gw-token' }) });
  const requestsFor = (key: string) => gateway.requests.filter((r) => r.idempotencyKey === key).map((r) => r.json);

  test('the gateway down at the hand-off: the record stays; the retry hands it off with the same key, once', async () => {
    const { contactFamilyForCallback } = viaGateway();
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    const input = request(accountId);

    gateway.failNext(503);
    await expect(runActivity(contactFamilyForCallback, input)).rejects.toThrow('SMS gateway answered HTTP 503');
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'SENT', family_contact_id: familyContactId, consent_id: consentId, handed_off: false })]);

    const retry = await runActivity(contactFamilyForCallback, input);
    expect(retry).toEqual({ outcome: 'ALREADY_SENT', contactAttemptId: expect.any(Number), familyContactId, consentId });
    expect(requestsFor(input.idempotencyKey)).toEqual([
      { to: SPOUSE_PHONE, body: CALLBACK_TEXT },
      { to: SPOUSE_PHONE, body: CALLBACK_TEXT },
    ]);
    expect(gateway.sent.get(input.idempotencyKey)).toEqual({ to: SPOUSE_PHONE, body: CALLBACK_TEXT, messageId: expect.any(String) });
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'SENT', handed_off: true })]);
    expect(await runActivity(contactFamilyForCallback, input)).toEqual(retry);
    expect(requestsFor(input.idempotencyKey)).toHaveLength(2);
  });

  test('the gateway refuses the number (400): UNDELIVERABLE, the record FAILED (not counted); a retry says the same without asking again', async () => {
    const { contactFamilyForCallback } = viaGateway();
    const { accountId, borrowerId } = await overdueBorrower();
    const { familyContactId, consentId } = await familyContact(borrowerId);
    const input = request(accountId);
    const undeliverable = { outcome: 'NO_USABLE_FAMILY_CONTACT', skipped: [{ familyContactId, reason: 'UNDELIVERABLE' }] };

    gateway.failNext(400);
    expect(await runActivity(contactFamilyForCallback, input)).toEqual(undeliverable);
    expect(await runActivity(contactFamilyForCallback, input)).toEqual(undeliverable);
    expect(requestsFor(input.idempotencyKey)).toHaveLength(1);
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'FAILED', family_contact_id: familyContactId, consent_id: consentId, handed_off: false })]);
  });

  test('recorded, never handed off, then paid: the retry hands nothing off (NOT_NEEDED) and the record is FAILED', async () => {
    const { contactFamilyForCallback } = viaGateway();
    const { accountId, borrowerId } = await overdueBorrower();
    await familyContact(borrowerId);
    const input = request(accountId);
    gateway.failNext(503);
    await expect(runActivity(contactFamilyForCallback, input)).rejects.toThrow('503');
    await pay(bed.pool, accountId, 123_456, '2026-06-09');
    expect(await runActivity(contactFamilyForCallback, input)).toEqual({ outcome: 'NOT_NEEDED' });
    expect(requestsFor(input.idempotencyKey)).toHaveLength(1);
    expect(gateway.sent.has(input.idempotencyKey)).toBe(false);
    expect(await attemptsOf(accountId)).toEqual([expect.objectContaining({ status: 'FAILED', handed_off: false })]);
  });
});

import type { Pool } from '../db/pool';
import { eventually, seedAccount, testPool, uniqueId } from '../../test/support';
import { withContactPermit, type ContactRequest, type PermittedContact } from './permit';
import type { ContactPolicySet } from './policy';
import { addFamilyContact, recordConsent, verifyFamilyContact, withdrawConsent } from '../db/family-contacts';
import { placeHoldOnce, recordCeaseRequestOnce, releaseHoldOnce } from '../db/holds';
import { recordCallOutcome, recordOptOut, withdrawOptOut } from './records';
import { waitingForBorrowerLock } from './test-lock';
import { testPolicies } from './test-policies';

let pool: Pool;
beforeAll(() => {
  pool = testPool('shared');
});
afterAll(async () => {
  await pool.end();
});

const MOBILE = '+8613800000000';
// 10:00 in Shanghai, 22:00 the evening before in New York
const AT_SHANGHAI_10 = new Date('2026-06-10T02:00:00Z');

/** A borrower with two accounts; returns the ids. */
async function borrowerWithTwoAccounts(jurisdiction = 'CN', timeZone = 'Asia/Shanghai') {
  const accountA = await seedAccount(pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }], mobilePhone: MOBILE });
  const borrowerId = `B-${accountA}`;
  const accountB = uniqueId('ACC');
  await pool.query(`INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on) VALUES ($1, $2, 'CREDIT_CARD', 'CNY', 0, '2024-01-01')`, [accountB, borrowerId]);
  await pool.query('UPDATE borrowers SET jurisdiction = $2, time_zone = $3 WHERE id = $1', [borrowerId, jurisdiction, timeZone]);
  return { borrowerId, accountA, accountB };
}

const contact = (over: Partial<PermittedContact> = {}): PermittedContact => ({
  idempotencyKey: uniqueId('contact'),
  workflowId: 'wf-test',
  templateId: 'reminder-sms',
  templateVersion: 1,
  renderedText: 'A reminder',
  provider: 'outbox',
  providerMessageId: null,
  ...over,
});

/** Asks for a permit and, when allowed, records the contact; returns the outcome and the attempt id. */
async function ask(policies: ContactPolicySet, request: ContactRequest, over: Partial<PermittedContact> = {}) {
  return withContactPermit(pool, request, policies, async (permit) => (await permit.recordAttempt(contact(over))).id);
}

async function blocksOf(accountId: string) {
  const { rows } = await pool.query('SELECT rule, next_allowed_at, policy_version FROM contact_blocks WHERE account_id = $1 ORDER BY id', [accountId]);
  return rows as Array<{ rule: string; next_allowed_at: Date | null; policy_version: string }>;
}

test('an allowed SMS is recorded with its recipient key and moment; at the cap the next is blocked and the block recorded', async () => {
  const policies = testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } });
  const { borrowerId, accountA } = await borrowerWithTwoAccounts();
  const request: ContactRequest = { borrowerId, accountId: accountA, channel: 'SMS', to: MOBILE, at: AT_SHANGHAI_10 };

  const first = await ask(policies, request);
  expect(first.allowed).toBe(true);
  const { rows } = await pool.query('SELECT status, recipient_key, attempted_at FROM contact_attempts WHERE account_id = $1', [accountA]);
  expect(rows).toEqual([{ status: 'SENT', recipient_key: expect.stringMatching(/^[0-9a-f]{64}$/), attempted_at: AT_SHANGHAI_10 }]);

  let sent = false;
  const second = await withContactPermit(pool, { ...request, at: new Date('2026-06-10T05:00:00Z') }, policies, async () => {
    sent = true;
  });
  expect(second).toMatchObject({ allowed: false, rule: 'SMS_PER_DAY', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
  expect(sent).toBe(false);
  expect(await blocksOf(accountA)).toEqual([{ rule: 'SMS_PER_DAY', next_allowed_at: new Date('2026-06-11T00:00:00Z'), policy_version: 'test' }]);
});

test('two accounts of one borrower asking for the last SMS at once: exactly one is allowed', async () => {
  const policies = testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } });
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts();
  const outcomes = await Promise.all(
    [accountA, accountB].map((accountId) =>
      withContactPermit(pool, { borrowerId, accountId, channel: 'SMS', to: MOBILE, at: AT_SHANGHAI_10 }, policies, async (permit) => {
        // the sender holds the permit a while: without the borrower's lock the other would read meanwhile
        await new Promise((r) => setTimeout(r, 50));
        return (await permit.recordAttempt(contact())).id;
      }),
    ),
  );
  expect(outcomes.filter((o) => o.allowed)).toHaveLength(1);
  expect(outcomes.filter((o) => !o.allowed)).toEqual([expect.objectContaining({ rule: 'SMS_PER_DAY' })]);
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM contact_attempts WHERE borrower_id = $1', [borrowerId]);
  expect(rows[0].n).toBe(1);
  const { rows: blocks } = await pool.query('SELECT count(*)::int AS n FROM contact_blocks WHERE borrower_id = $1', [borrowerId]);
  expect(blocks[0].n).toBe(1);
});

test('US: six calls this week on account A, then A and B both ask for the seventh at once: exactly one is allowed', async () => {
  const policies = testPolicies();
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts('US', 'America/New_York');
  // 10:00 EDT on 4–9 June
  for (let day = 4; day <= 9; day++) {
    const outcome = await ask(policies, { borrowerId, accountId: accountA, channel: 'CALL', to: MOBILE, at: new Date(`2026-06-0${day}T14:00:00Z`) }, { callOutcome: 'UNANSWERED' });
    expect(outcome.allowed).toBe(true);
  }
  const at = new Date('2026-06-10T14:00:00Z');
  const outcomes = await Promise.all([accountA, accountB].map((accountId) => ask(policies, { borrowerId, accountId, channel: 'CALL', to: MOBILE, at })));
  expect(outcomes.filter((o) => o.allowed)).toHaveLength(1);
  // the 4 June call leaves the 7-day window on 11 June; 08:00 EDT is 12:00 UTC
  expect(outcomes.filter((o) => !o.allowed)).toEqual([expect.objectContaining({ rule: 'CALLS_PER_WINDOW', nextAllowedAt: '2026-06-11T12:00:00.000Z' })]);
});

test('a connected call, recorded afterwards, starts the US quiet period for every account of the borrower', async () => {
  const policies = testPolicies();
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts('US', 'America/New_York');
  const first = await ask(policies, { borrowerId, accountId: accountA, channel: 'CALL', to: MOBILE, at: new Date('2026-06-08T14:00:00Z') });
  if (!first.allowed) throw new Error('the first call was blocked');
  await recordCallOutcome(pool, first.value, 'CONNECTED');
  const next = await ask(policies, { borrowerId, accountId: accountB, channel: 'CALL', to: MOBILE, at: new Date('2026-06-10T14:00:00Z') });
  expect(next).toMatchObject({ allowed: false, rule: 'QUIET_DAYS_AFTER_CONVERSATION', nextAllowedAt: '2026-06-15T12:00:00.000Z' });
});

test('only the borrower’s own numbers: another number is a third party; spacing does not matter', async () => {
  const policies = testPolicies();
  const { borrowerId, accountA } = await borrowerWithTwoAccounts();
  const base: ContactRequest = { borrowerId, accountId: accountA, channel: 'CALL', to: '+8613900000001', at: AT_SHANGHAI_10 };
  expect(await ask(policies, base)).toMatchObject({ allowed: false, rule: 'THIRD_PARTY', nextAllowedAt: null });
  await pool.query(`INSERT INTO borrower_contact_points (borrower_id, kind, label, value) VALUES ($1, 'PHONE', 'WORK', '+86 139-0000-0001')`, [borrowerId]);
  expect(await ask(policies, base)).toMatchObject({ allowed: true });
  expect(await ask(policies, { ...base, to: '+86 138 0000 0000' })).toMatchObject({ allowed: true });
});

test('opt-out per channel, hold per account, cease-contact for good', async () => {
  const policies = testPolicies();
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts();
  const sms = (accountId: string, n: number): ContactRequest => ({ borrowerId, accountId, channel: 'SMS', to: MOBILE, at: new Date(AT_SHANGHAI_10.getTime() - n * 86_400_000) });
  const call = (accountId: string): ContactRequest => ({ borrowerId, accountId, channel: 'CALL', to: MOBILE, at: AT_SHANGHAI_10 });

  await recordOptOut(pool, borrowerId, 'SMS', { kind: 'STAFF', recordedBy: 'agent-test' });
  expect(await ask(policies, sms(accountA, 1))).toMatchObject({ allowed: false, rule: 'OPTED_OUT' });
  expect(await ask(policies, call(accountA))).toMatchObject({ allowed: true });
  await withdrawOptOut(pool, borrowerId, 'SMS');
  expect(await ask(policies, sms(accountA, 2))).toMatchObject({ allowed: true });

  const holdId = `hold-${accountA}`;
  await placeHoldOnce(pool, { holdId, accountId: accountA, workflowId: 'test', reason: 'DISPUTE', note: null, placedAt: new Date() });
  expect(await ask(policies, sms(accountA, 3))).toMatchObject({ allowed: false, rule: 'ON_HOLD', reason: expect.stringContaining('DISPUTE') });
  expect(await ask(policies, sms(accountB, 3))).toMatchObject({ allowed: true });
  await releaseHoldOnce(pool, accountA, holdId, new Date());
  expect(await ask(policies, sms(accountA, 4))).toMatchObject({ allowed: true });

  await recordCeaseRequestOnce(pool, { requestId: `cease-${borrowerId}`, borrowerId, accountId: null, workflowId: 'test', requestedAt: new Date() });
  expect(await ask(policies, sms(accountA, 5))).toMatchObject({ allowed: false, rule: 'CEASE_CONTACT' });
  expect(await ask(policies, call(accountB))).toMatchObject({ allowed: false, rule: 'CEASE_CONTACT' });
});

test('a retried check with the same idempotency key records its block once', async () => {
  const policies = testPolicies();
  const { borrowerId, accountA } = await borrowerWithTwoAccounts();
  const request: ContactRequest = { borrowerId, accountId: accountA, channel: 'SMS', to: MOBILE, at: new Date('2026-06-09T23:00:00Z'), idempotencyKey: uniqueId('check') };
  expect(await ask(policies, request)).toMatchObject({ allowed: false, rule: 'CONTACT_HOURS_START', nextAllowedAt: '2026-06-10T00:00:00.000Z' });
  expect(await ask(policies, request)).toMatchObject({ allowed: false });
  expect(await blocksOf(accountA)).toHaveLength(1);
});

test('a retried contact that was already recorded finds its row instead of counting against itself', async () => {
  const policies = testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } });
  const { borrowerId, accountA } = await borrowerWithTwoAccounts();
  const request: ContactRequest = { borrowerId, accountId: accountA, channel: 'SMS', to: MOBILE, at: AT_SHANGHAI_10, idempotencyKey: uniqueId('sms') };
  const send = () => withContactPermit(pool, request, policies, async (permit) => (await permit.recordAttempt({ ...contact(), idempotencyKey: undefined })).id);
  const first = await send();
  const retry = await send();
  expect(first).toMatchObject({ allowed: true });
  expect(retry).toEqual(first);
  expect(await ask(policies, { ...request, idempotencyKey: uniqueId('sms') })).toMatchObject({ allowed: false, rule: 'SMS_PER_DAY' });
  const { rows } = await pool.query('SELECT idempotency_key FROM contact_attempts WHERE account_id = $1', [accountA]);
  expect(rows).toEqual([{ idempotency_key: request.idempotencyKey }]);
});

test('an account that is not the borrower’s is an error, and nothing is recorded', async () => {
  const policies = testPolicies();
  const one = await borrowerWithTwoAccounts();
  const other = await borrowerWithTwoAccounts();
  await expect(ask(policies, { borrowerId: one.borrowerId, accountId: other.accountA, channel: 'SMS', to: MOBILE, at: AT_SHANGHAI_10 })).rejects.toThrow('is not borrower');
  expect(await blocksOf(other.accountA)).toEqual([]);
});

describe('a family contact of the borrower (SPEC §3)', () => {
  const SPOUSE = '+8613977776666';
  const GIVEN = new Date('2025-03-01T00:00:00Z');

  /** A spouse named at loan signing, verified by SMS; with the borrower's written consent unless told. */
  async function spouseOf(borrowerId: string, { consent = true, verified = true } = {}) {
    const familyContactId = await addFamilyContact(pool, { borrowerId, relation: 'SPOUSE', source: 'LOAN_APPLICATION', fullName: 'Test Spouse', phone: SPOUSE });
    if (verified) await verifyFamilyContact(pool, { familyContactId, method: 'SMS', verifiedBy: 'agent-01', at: GIVEN });
    const consentId = consent ? await recordConsent(pool, { borrowerId, familyContactId, form: 'WRITTEN', purpose: 'contact form at loan signing', givenAt: GIVEN }) : null;
    return { familyContactId, consentId };
  }

  const attemptsOf = async (accountId: string) =>
    (await pool.query('SELECT status, family_contact_id, consent_id FROM contact_attempts WHERE account_id = $1 ORDER BY id', [accountId])).rows;

  test('with consent and a verified number: allowed, and the record names the family contact and the consent', async () => {
    const { borrowerId, accountA } = await borrowerWithTwoAccounts();
    const { familyContactId, consentId } = await spouseOf(borrowerId);
    const outcome = await ask(testPolicies(), { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: AT_SHANGHAI_10, familyContactId });
    expect(outcome).toMatchObject({ allowed: true });
    expect(await attemptsOf(accountA)).toEqual([{ status: 'SENT', family_contact_id: familyContactId, consent_id: consentId }]);
  });

  test('without the family contact named, its number is an unrelated third party; named, another number is too', async () => {
    const { borrowerId, accountA } = await borrowerWithTwoAccounts();
    const { familyContactId } = await spouseOf(borrowerId);
    const request: ContactRequest = { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: AT_SHANGHAI_10 };
    expect(await ask(testPolicies(), request)).toMatchObject({ allowed: false, rule: 'THIRD_PARTY', reason: expect.stringContaining("not one of the borrower's own contact points") });
    expect(await ask(testPolicies(), { ...request, to: '+8613900000009', familyContactId })).toMatchObject({ allowed: false, rule: 'THIRD_PARTY' });
    // not even the borrower's own number: a message for a family member is judged as one
    expect(await ask(testPolicies(), { ...request, to: MOBILE, familyContactId })).toMatchObject({ allowed: false, rule: 'THIRD_PARTY' });
    expect(await attemptsOf(accountA)).toEqual([]);
  });

  test.each([
    ['no consent', { consent: false }, 'NO_CONSENT'],
    ['not verified', { verified: false }, 'NOT_VERIFIED'],
  ])('%s: THIRD_PARTY, the block recorded, nothing sent', async (_case, setup, reason) => {
    const { borrowerId, accountA } = await borrowerWithTwoAccounts();
    const { familyContactId } = await spouseOf(borrowerId, setup);
    const outcome = await ask(testPolicies(), { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: AT_SHANGHAI_10, familyContactId, idempotencyKey: uniqueId('family') });
    expect(outcome).toMatchObject({ allowed: false, rule: 'THIRD_PARTY', reason: expect.stringContaining(reason), nextAllowedAt: null });
    expect(await blocksOf(accountA)).toEqual([{ rule: 'THIRD_PARTY', next_allowed_at: null, policy_version: 'test' }]);
    expect(await attemptsOf(accountA)).toEqual([]);
  });

  test('a withdrawal waits for a contact being checked under the lock; that contact keeps its consent, the next is refused', async () => {
    const { borrowerId, accountA } = await borrowerWithTwoAccounts();
    const { familyContactId, consentId } = await spouseOf(borrowerId);
    const withdrawnAt = new Date(AT_SHANGHAI_10.getTime() + 60_000);
    let withdrawal: Promise<Date> | undefined;
    const outcome = await withContactPermit(pool, { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: AT_SHANGHAI_10, familyContactId }, testPolicies(), async (permit) => {
      withdrawal = withdrawConsent(pool, consentId as number, withdrawnAt);
      // the withdrawal is waiting for the borrower's lock, which this permit holds
      const waiting = await eventually(
        () => waitingForBorrowerLock(pool, borrowerId),
        (n) => n > 0,
      );
      expect(waiting).toBeGreaterThan(0);
      return (await permit.recordAttempt(contact())).id;
    });
    expect(outcome).toMatchObject({ allowed: true });
    expect(await withdrawal).toEqual(withdrawnAt);
    expect(await attemptsOf(accountA)).toEqual([{ status: 'SENT', family_contact_id: familyContactId, consent_id: consentId }]);

    const after = await ask(testPolicies(), { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: withdrawnAt, familyContactId });
    expect(after).toMatchObject({ allowed: false, rule: 'THIRD_PARTY', reason: expect.stringContaining('CONSENT_WITHDRAWN') });
  });

  test('the borrower’s hours, caps and hold still apply; a family SMS counts toward the borrower’s caps', async () => {
    const policies = testPolicies({ CN: { figures: { SMS_PER_DAY: 1 } } });
    const { borrowerId, accountA } = await borrowerWithTwoAccounts();
    const { familyContactId } = await spouseOf(borrowerId);
    const family: ContactRequest = { borrowerId, accountId: accountA, channel: 'SMS', to: SPOUSE, at: AT_SHANGHAI_10, familyContactId };
    // 22:30 in Shanghai
    expect(await ask(policies, { ...family, at: new Date('2026-06-10T14:30:00Z') })).toMatchObject({ allowed: false, rule: 'CONTACT_HOURS_END', nextAllowedAt: '2026-06-11T00:00:00.000Z' });
    expect(await ask(policies, family)).toMatchObject({ allowed: true });
    expect(await ask(policies, { ...family, to: MOBILE, familyContactId: undefined })).toMatchObject({ allowed: false, rule: 'SMS_PER_DAY' });
    await placeHoldOnce(pool, { holdId: uniqueId('hold'), accountId: accountA, workflowId: 'test', reason: 'COMPLAINT', note: null, placedAt: new Date() });
    expect(await ask(policies, { ...family, at: new Date('2026-06-12T02:00:00Z') })).toMatchObject({ allowed: false, rule: 'ON_HOLD' });
  });
});

/**
 * The compliance audit on a hand-made contact log (a database of this file's own: the audit
 * reads every contact): one contact of each kind of violation, each on a borrower of its own
 * so it breaks that rule only, beside contacts that keep every rule — so the audit can fail,
 * and says which way.
 */
import { createPool, type Pool } from '../db/pool';
import { ownTestDatabase } from '../../test/own-database';
import { seedAccount, uniqueId } from '../../test/support';
import { auditContacts, type ContactAudit } from './audit';
import { CN_PRESET, US_PRESET } from './presets';
import { parseContactPolicyConfig } from './config';

let pool: Pool;
let audit: ContactAudit;

/** A contact made (SENT) at `at` (UTC); options for calls and family contacts. */
async function contact(accountId: string, channel: 'SMS' | 'EMAIL' | 'CALL', at: string, extra: { callOutcome?: 'CONNECTED' | 'UNANSWERED'; familyContactId?: number; consentId?: number } = {}) {
  await pool.query(
    `INSERT INTO contact_attempts (idempotency_key, account_id, borrower_id, workflow_id, channel, template_id, template_version, rendered_text, status, provider,
                                   attempted_at, recipient_key, call_outcome, family_contact_id, consent_id)
     SELECT $1, a.id, a.borrower_id, 'arrears-' || a.id, $2, 'fixture', 1, 'fixture text', 'SENT', 'fixture', $3, 'number-1', $4, $5, $6 FROM accounts a WHERE a.id = $7`,
    [uniqueId('contact'), channel, at, extra.callOutcome ?? null, extra.familyContactId ?? null, extra.consentId ?? null, accountId],
  );
}

const account = (timeZone: string, jurisdiction: 'CN' | 'US' = 'CN') => seedAccount(pool, { timeZone, jurisdiction, installments: [{ dueDate: '2026-03-01', amount: 1000 }] });
const borrowerOf = (accountId: string) => `B-${accountId}`;

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('contact_audit'), 3);

  // Keeps every rule: two SMS a day at 10:00 and 19:00 in Shanghai (cap 2), a call, an e-mail.
  const fine = await account('Asia/Shanghai');
  await contact(fine, 'SMS', '2026-03-02T02:00:00Z');
  await contact(fine, 'SMS', '2026-03-02T11:00:00Z');
  await contact(fine, 'CALL', '2026-03-02T03:00:00Z', { callOutcome: 'CONNECTED' });
  await contact(fine, 'EMAIL', '2026-03-03T01:00:00Z');
  // 22:30 in Shanghai (14:30 UTC): outside 08:00–22:00.
  const late = await account('Asia/Shanghai');
  await contact(late, 'SMS', '2026-03-02T14:30:00Z');
  // Three SMS in one Shanghai day: the third is over SMS_PER_DAY (2).
  const chatty = await account('Asia/Shanghai');
  for (const at of ['2026-03-02T01:00:00Z', '2026-03-02T05:00:00Z', '2026-03-02T09:00:00Z']) await contact(chatty, 'SMS', at);
  // A hold from 03-02 02:00 to 03-04: an e-mail on 03-03 breaks it; one on 03-05 does not.
  const held = await account('Asia/Shanghai');
  await pool.query(`INSERT INTO contact_holds (account_id, reason, placed_at, released_at) VALUES ($1, 'DISPUTE', '2026-03-02T02:00:00Z', '2026-03-04T00:00:00Z')`, [held]);
  await contact(held, 'EMAIL', '2026-03-03T02:00:00Z');
  await contact(held, 'EMAIL', '2026-03-05T02:00:00Z');
  // Opted out of SMS on 03-02 01:00: an SMS after it breaks it; an e-mail does not.
  const optedOut = await account('Asia/Shanghai');
  await pool.query(`INSERT INTO contact_opt_outs (borrower_id, channel, opted_out_at) VALUES ($1, 'SMS', '2026-03-02T01:00:00Z')`, [borrowerOf(optedOut)]);
  await contact(optedOut, 'SMS', '2026-03-02T03:00:00Z');
  await contact(optedOut, 'EMAIL', '2026-03-02T04:00:00Z');
  // Cease-contact on 03-02 01:00: an SMS before it is fine, a call after it is not.
  const ceased = await account('Asia/Shanghai');
  await pool.query(`INSERT INTO contact_cease_requests (borrower_id, requested_at) VALUES ($1, '2026-03-02T01:00:00Z')`, [borrowerOf(ceased)]);
  await contact(ceased, 'SMS', '2026-03-01T03:00:00Z');
  await contact(ceased, 'CALL', '2026-03-02T03:00:00Z', { callOutcome: 'UNANSWERED' });
  // A family contact whose consent was withdrawn on 03-02: a call-back request on 03-01 relied
  // on it rightly, one on 03-03 did not.
  const family = await account('Asia/Shanghai');
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO family_contacts (borrower_id, relation, source, verified_at, verification_method) VALUES ($1, 'SPOUSE', 'LOAN_APPLICATION', '2025-01-01', 'SMS') RETURNING id`,
    [borrowerOf(family)],
  );
  const familyContactId = rows[0]!.id;
  const consent = await pool.query<{ id: number }>(
    `INSERT INTO contact_consents (borrower_id, scope, family_contact_id, form, purpose, given_at, withdrawn_at)
     VALUES ($1, 'FAMILY_CONTACT', $2, 'WRITTEN', 'to ask the borrower to call back', '2025-01-01', '2026-03-02T00:00:00Z') RETURNING id`,
    [borrowerOf(family), familyContactId],
  );
  await contact(family, 'SMS', '2026-03-01T03:00:00Z', { familyContactId, consentId: consent.rows[0]!.id });
  await contact(family, 'SMS', '2026-03-03T03:00:00Z', { familyContactId, consentId: consent.rows[0]!.id });
  // Under Regulation F, in New York: a call at 20:30 is inside 08:00–21:00 (a CN borrower's
  // 22:00 end would not matter); a call the day after a conversation is inside the quiet period,
  // which the US preset alone has — that is the fixture's one OVER_CAP beyond the SMS above.
  const us = await account('America/New_York', 'US');
  await contact(us, 'CALL', '2026-03-03T01:30:00Z', { callOutcome: 'CONNECTED' }); // 03-02 20:30 local
  await contact(us, 'CALL', '2026-03-03T15:00:00Z', { callOutcome: 'UNANSWERED' }); // 03-03 10:00 local

  const policies = parseContactPolicyConfig({ version: 'test-audit', defaultJurisdiction: 'CN' });
  audit = await auditContacts(pool, policies);
});

afterAll(async () => {
  await pool?.end();
});

test('each kind of violation in the fixture is counted once, and the contacts that keep the rules are not', () => {
  expect(audit.contactsAudited).toBe(18);
  expect(audit.violations).toEqual({ OUTSIDE_HOURS: 1, OVER_CAP: 2, DURING_HOLD: 1, AFTER_OPT_OUT: 1, AFTER_CEASE: 1, FAMILY_WITHOUT_CONSENT: 1 });
});

test('a contact over a cap names the cap it broke', () => {
  expect(audit.overCapByRule).toEqual({ SMS_PER_DAY: 1, QUIET_DAYS_AFTER_CONVERSATION: 1 });
});

test('the hours and caps are the presets\' (so the fixture tests the rules the law sets)', () => {
  expect([CN_PRESET.figures.CONTACT_HOURS_END.value, US_PRESET.figures.CONTACT_HOURS_END.value, CN_PRESET.figures.SMS_PER_DAY.value]).toEqual([22 * 60, 21 * 60, 2]);
  expect(US_PRESET.figures.QUIET_DAYS_AFTER_CONVERSATION.value).toBeGreaterThanOrEqual(2);
});

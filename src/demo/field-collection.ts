/**
 * What the demo needs for field collection (issue 7): the field team's working hours (slots
 * are proposed inside them), and family contacts for a share of the borrowers, in every
 * consent state SPEC §3 tells apart, so the appointment's family call-back request has both
 * contacts it may use and contacts it must refuse. Written through the same queries the
 * `arrears family-contact` commands use. The names and numbers are fictional.
 */
import { z } from 'zod';
import { addFamilyContact, recordConsent, verifyFamilyContact, withdrawConsent } from '../db/family-contacts';
import { inTransaction, type Pool, type Queryable } from '../db/pool';
import type { IsoDate } from '../domain/dates';

/** The field team's working hours, in their zone: visits are proposed inside them. */
export const DEMO_FIELD_HOURS = [
  { id: 'collector-01', timeZone: 'Asia/Shanghai', workFrom: '08:30', workUntil: '18:30' },
  { id: 'collector-02', timeZone: 'Asia/Shanghai', workFrom: '10:00', workUntil: '20:00' },
  { id: 'security-01', timeZone: 'Asia/Shanghai', workFrom: '08:30', workUntil: '20:00' },
] as const;

/**
 * Sets the field team's hours where the table's defaults (09:00–20:00 in Shanghai) still
 * stand: hours changed by hand since are left as they are, and a second start changes
 * nothing. Returns how many were set.
 */
export async function seedDemoFieldHours(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE staff s SET time_zone = h.time_zone, work_from = h.work_from::time, work_until = h.work_until::time
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS h (id, time_zone, work_from, work_until)
      WHERE s.id = h.id AND s.time_zone = 'Asia/Shanghai' AND s.work_from = '09:00' AND s.work_until = '20:00'
        AND (s.work_from, s.work_until) IS DISTINCT FROM (h.work_from::time, h.work_until::time)`,
    [DEMO_FIELD_HOURS.map((h) => h.id), DEMO_FIELD_HOURS.map((h) => h.timeZone), DEMO_FIELD_HOURS.map((h) => h.workFrom), DEMO_FIELD_HOURS.map((h) => h.workUntil)],
  );
  return rowCount ?? 0;
}

/** The consent states of SPEC §3 the demo shows, one per family contact. */
export const FAMILY_CONSENT_STATES = ['CONSENTED_VERIFIED', 'CONSENTED_UNVERIFIED', 'WITHDRAWN', 'NO_CONSENT'] as const;
export type FamilyConsentState = (typeof FAMILY_CONSENT_STATES)[number];

/**
 * Which demo borrowers have a family contact, in which state: four in ten, by the borrower's
 * number (…1 consented and verified, …3 consented by a blanket e-signature but not verified,
 * …5 consent withdrawn, …7 named with no consent).
 */
export function demoFamilyConsentState(n: number): FamilyConsentState | undefined {
  return ({ 1: 'CONSENTED_VERIFIED', 3: 'CONSENTED_UNVERIFIED', 5: 'WITHDRAWN', 7: 'NO_CONSENT' } as const)[n % 10 as 1 | 3 | 5 | 7];
}

const RELATIONS = { CONSENTED_VERIFIED: 'SPOUSE', CONSENTED_UNVERIFIED: 'PARENT', WITHDRAWN: 'SIBLING', NO_CONSENT: 'CHILD' } as const;
const NAMES = ['Wang Li', 'Chen Hong', 'Zhao Ping', 'Sun Yue', 'Zhou Lan', 'Wu Gang', 'Xu Qing', 'Ma Kun'];
const DAY = 86_400_000;

/** Family contacts for at most this many demo borrowers: one query each is fine for the demo's size, not for 100,000. */
export const FAMILY_CONTACT_BORROWERS = 2_000;

/**
 * Adds the family contacts of the first `accounts` demo borrowers (up to
 * FAMILY_CONTACT_BORROWERS) that have none yet, with their consents and verifications,
 * dated before `anchor` (the consent at loan signing, a year before). One transaction.
 * Returns how many were added.
 */
export async function seedDemoFamilyContacts(pool: Pool, { accounts, anchor }: { accounts: number; anchor: IsoDate }): Promise<number> {
  const day0 = Date.parse(`${anchor}T02:00:00Z`);
  const wanted = Array.from({ length: Math.min(accounts, FAMILY_CONTACT_BORROWERS) }, (_, i) => i + 1).filter((n) => demoFamilyConsentState(n) !== undefined);
  if (wanted.length === 0) return 0;
  const borrowerOf = (n: number) => `DEMO-B${String(n).padStart(5, '0')}`;
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `SELECT b.id, EXISTS (SELECT 1 FROM family_contacts f WHERE f.borrower_id = b.id) AS named FROM borrowers b WHERE b.id = ANY($1::text[])`,
      [wanted.map(borrowerOf)],
    );
    const known = new Map(rows.map((r) => z.object({ id: z.string(), named: z.boolean() }).parse(r)).map((r) => [r.id, r.named]));
    let added = 0;
    for (const n of wanted) {
      const borrowerId = borrowerOf(n);
      if (known.get(borrowerId) !== false) continue; // not loaded, or named already
      const state = demoFamilyConsentState(n) as FamilyConsentState;
      const id = await addFamilyContact(client, {
        borrowerId,
        relation: RELATIONS[state],
        source: 'LOAN_APPLICATION',
        fullName: NAMES[n % NAMES.length] as string,
        phone: `+86137${String(n).padStart(8, '0')}`,
      });
      added++;
      if (state !== 'NO_CONSENT') {
        const consentId = await recordConsent(client, {
          borrowerId,
          // the unverified one rests on a blanket consent: every family contact the borrower named
          familyContactId: state === 'CONSENTED_UNVERIFIED' ? null : id,
          form: state === 'CONSENTED_UNVERIFIED' ? 'E_SIGNATURE' : 'WRITTEN',
          purpose: 'Asking my family to have me call the bank back when I cannot be reached',
          documentRef: `loan-form-${borrowerId}`,
          givenAt: new Date(day0 - 365 * DAY),
        });
        if (state === 'WITHDRAWN') await withdrawConsent(client, consentId, new Date(day0 - 30 * DAY));
      }
      if (state !== 'CONSENTED_UNVERIFIED') await verifyFamilyContact(client, { familyContactId: id, method: 'CALL', verifiedBy: 'agent-01', at: new Date(day0 - 360 * DAY) });
    }
    return added;
  });
}

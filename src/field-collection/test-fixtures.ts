/**
 * Accounts for the field-collection tests: borrowers with a time zone, preferred hours on
 * a contact point, addresses on file and a risk tier. Staff and visit reports come from
 * test/field-collection-seeds.ts. Ids are fresh each time (uniqueId), so files never collide.
 */
import type { Pool } from '../db/pool';
import { seedAccount } from '../../test/support';

export interface VisitAccountSeed {
  timeZone: string;
  jurisdiction?: 'CN' | 'US';
  currency?: string;
  riskTier?: string;
  /** the preferred mobile phone's hours, "HH:MM" */
  phoneHours?: [string, string];
  /** a (non-preferred) e-mail address's hours */
  emailHours?: [string, string];
  homeAddress?: string | null;
  workAddress?: string | null;
}

/** An overdue account whose borrower lives in `timeZone`; returns its ids. */
export async function seedVisitAccount(pool: Pool, seed: VisitAccountSeed): Promise<{ accountId: string; borrowerId: string }> {
  const accountId = await seedAccount(pool, {
    timeZone: seed.timeZone,
    jurisdiction: seed.jurisdiction ?? 'CN',
    currency: seed.currency ?? 'CNY',
    installments: [{ dueDate: '2024-06-01', amount: 300_000 }],
  });
  const borrowerId = `B-${accountId}`;
  await pool.query('UPDATE accounts SET risk_tier = $2 WHERE id = $1', [accountId, seed.riskTier ?? null]);
  await pool.query('UPDATE borrower_personal_data SET home_address = $2, work_address = $3 WHERE borrower_id = $1', [
    borrowerId,
    seed.homeAddress === undefined ? '1 Home Street, Test City' : seed.homeAddress,
    seed.workAddress ?? null,
  ]);
  if (seed.phoneHours) {
    await pool.query(
      `INSERT INTO borrower_contact_points (borrower_id, kind, label, value, preferred, contact_from, contact_until) VALUES ($1, 'PHONE', 'MOBILE', '+8613800000000', true, $2, $3)`,
      [borrowerId, ...seed.phoneHours],
    );
  }
  if (seed.emailHours) {
    await pool.query(
      `INSERT INTO borrower_contact_points (borrower_id, kind, label, value, preferred, contact_from, contact_until) VALUES ($1, 'EMAIL', 'HOME', 'borrower@example.test', false, $2, $3)`,
      [borrowerId, ...seed.emailHours],
    );
  }
  return { accountId, borrowerId };
}

/**
 * The simulated loan book: the demo portfolio's generator (src/demo/portfolio.ts: borrowers,
 * contact points, schedules, payment history, family contacts with their consents, loaded
 * through the real import), anchored on the simulation's first day with fewer borrowers
 * behind, and a collections team sized to the book. Under the US preset the borrowers live
 * in US zones and fall under Regulation F.
 */
import { addStaff, type StaffMember } from '../db/staff';
import type { Pool } from '../db/pool';
import { loadDemoPortfolio } from '../demo/portfolio';
import type { IsoDate } from '../domain/dates';
import type { Jurisdiction } from '../contact-policy/policy';

/** Behind at the start: the rest fall behind over the year (behaviour.ts, missInstallment). */
const DELINQUENT_AT_START = 0.12;
/** One call agent per this many accounts, one field collector per this many (at least two each). */
const ACCOUNTS_PER_AGENT = 150;
const ACCOUNTS_PER_COLLECTOR = 200;
const US_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'] as const;

export interface SimulatedBook {
  accounts: number;
  agents: string[];
  collectors: string[];
}

export async function loadSimulatedBook(pool: Pool, { accounts, anchor, seed, preset }: { accounts: number; anchor: IsoDate; seed: number; preset: Jurisdiction }): Promise<SimulatedBook> {
  const loaded = await loadDemoPortfolio(pool, { accounts, anchor, seed, delinquentShare: DELINQUENT_AT_START });
  if (preset === 'US') {
    // Every borrower under Regulation F, in a US zone (spread by borrower so every zone has some).
    await pool.query(
      `UPDATE borrowers SET jurisdiction = 'US', time_zone = ($1::text[])[1 + abs(hashtext(id)) % cardinality($1::text[])]`,
      [US_ZONES],
    );
  }
  const team = (role: StaffMember['role'], prefix: string, count: number): StaffMember[] =>
    Array.from({ length: count }, (_, n) => ({ id: `sim-${prefix}-${String(n + 1).padStart(3, '0')}`, displayName: `Simulated ${prefix} ${n + 1}`, role }));
  const agents = team('AGENT', 'agent', Math.max(2, Math.ceil(accounts / ACCOUNTS_PER_AGENT)));
  const collectors = team('COLLECTOR', 'collector', Math.max(2, Math.ceil(accounts / ACCOUNTS_PER_COLLECTOR)));
  const security = team('SECURITY', 'security', Math.max(1, Math.ceil(collectors.length / 4)));
  await addStaff(pool, [...agents, ...collectors, ...security]);
  // Field staff work where the borrowers live: a visit is proposed inside the collector's hours.
  const fieldZone = preset === 'US' ? 'America/Chicago' : 'Asia/Shanghai';
  await pool.query(`UPDATE staff SET time_zone = $2, work_from = '08:00', work_until = '20:00' WHERE id = ANY($1::text[])`, [[...collectors, ...security].map((s) => s.id), fieldZone]);
  return { accounts: loaded, agents: agents.map((a) => a.id), collectors: collectors.map((c) => c.id) };
}

/**
 * The demo's collections team: three call agents (call tasks are assigned to them), two
 * field collectors and a security colleague for the visits of high-risk accounts, and a
 * supervisor (stage overrides). Display names are roles, not people. The field team's
 * working hours are in field-collection.ts.
 */
import { addStaff, type StaffMember } from '../db/staff';
import type { Queryable } from '../db/pool';

export const DEMO_STAFF: readonly StaffMember[] = [
  { id: 'agent-01', displayName: 'Call agent 1', role: 'AGENT' },
  { id: 'agent-02', displayName: 'Call agent 2', role: 'AGENT' },
  { id: 'agent-03', displayName: 'Call agent 3', role: 'AGENT' },
  { id: 'collector-01', displayName: 'Field collector 1', role: 'COLLECTOR' },
  { id: 'collector-02', displayName: 'Field collector 2', role: 'COLLECTOR' },
  { id: 'security-01', displayName: 'Security colleague 1', role: 'SECURITY' },
  { id: 'supervisor-01', displayName: 'Supervisor 1', role: 'SUPERVISOR' },
];

/** Idempotent: a second start adds nothing. Returns how many were added. */
export function seedDemoStaff(db: Queryable): Promise<number> {
  return addStaff(db, DEMO_STAFF);
}

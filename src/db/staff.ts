/** Collections staff: agents take call tasks; collectors and security colleagues go on visits. */
import { z } from 'zod';
import type { Queryable } from './pool';

export const STAFF_ROLES = ['AGENT', 'COLLECTOR', 'SECURITY', 'SUPERVISOR'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const staffMemberSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  displayName: z.string().min(1).max(200),
  role: z.enum(STAFF_ROLES),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

/**
 * Adds the staff not yet on file, in one statement; those already there (an earlier load,
 * or changed by hand since) are left as they are. Returns how many were added.
 */
export async function addStaff(db: Queryable, staff: readonly StaffMember[]): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO staff (id, display_name, role)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (id) DO NOTHING`,
    [staff.map((s) => s.id), staff.map((s) => s.displayName), staff.map((s) => s.role)],
  );
  return rowCount ?? 0;
}

/** The staff member's role, or undefined when they are not on file or no longer active. */
export async function activeStaffRole(db: Queryable, staffId: string): Promise<StaffRole | undefined> {
  const { rows } = await db.query('SELECT role FROM staff WHERE id = $1 AND active', [staffId]);
  return rows[0] ? z.enum(STAFF_ROLES).parse(rows[0].role) : undefined;
}

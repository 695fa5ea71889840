/**
 * Who may sign in at the local OpenID provider, and with which roles: active collections
 * staff (their role on file) and the sign-in accounts of people who are not (legal,
 * compliance, operators). Read only by the local provider; a bank's provider has its own.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool';
import { STAFF_ROLES } from '../db/staff';
import { ROLE_OF_STAFF, type Role, roleSchema } from './roles';

const directoryRow = z.object({ staff_role: z.enum(STAFF_ROLES).nullable(), roles: z.array(roleSchema).nullable() });

/** The subject's roles, or undefined when nobody active signs in under that name. */
export async function rolesOfSubject(db: Queryable, subject: string): Promise<Role[] | undefined> {
  const { rows } = await db.query(
    `SELECT (SELECT role FROM staff WHERE id = $1 AND active) AS staff_role,
            (SELECT roles FROM sign_in_accounts WHERE subject = $1 AND active) AS roles`,
    [subject],
  );
  const row = directoryRow.parse(rows[0]);
  const roles = new Set<Role>([...(row.staff_role ? [ROLE_OF_STAFF[row.staff_role]] : []), ...(row.roles ?? [])]);
  return roles.size > 0 ? [...roles] : undefined;
}

/** Adds (or, already there, leaves as it is) a sign-in account that is not a staff member. */
export async function addSignInAccount(db: Queryable, account: { subject: string; displayName: string; roles: Role[] }): Promise<void> {
  await db.query('INSERT INTO sign_in_accounts (subject, display_name, roles) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING', [
    account.subject,
    account.displayName,
    account.roles,
  ]);
}

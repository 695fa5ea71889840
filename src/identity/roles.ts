/**
 * The roles a caller can hold (SPEC §5), carried as a claim of the access token, and how a
 * collections staff member's role on file maps to one.
 */
import { z } from 'zod';
import type { StaffRole } from '../db/staff';

export const ROLES = ['AGENT', 'FIELD_COLLECTOR', 'SECURITY', 'SUPERVISOR', 'LEGAL', 'COMPLIANCE', 'SERVICE'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** The staff table says COLLECTOR (their part on a visit); the token says FIELD_COLLECTOR. */
export const ROLE_OF_STAFF: Record<StaffRole, Role> = {
  AGENT: 'AGENT',
  COLLECTOR: 'FIELD_COLLECTOR',
  SECURITY: 'SECURITY',
  SUPERVISOR: 'SUPERVISOR',
};

/** Who a verified token says is calling. */
export interface Caller {
  /** the token's `sub`: a staff id, or a service's client id */
  subject: string;
  roles: Role[];
}

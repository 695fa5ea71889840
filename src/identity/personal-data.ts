/**
 * Who may see which personal data, and where it is shown (issue 15 §2, SPEC §5): the one
 * place in code; docs/identity-and-access.md states the same matrix. Every view writes a
 * row to the access log (src/db/access-log.ts).
 */
import type { Role } from './roles';

export const PERSONAL_DATA_KINDS = ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER', 'INCOME', 'VISIT_REPORT_TEXT'] as const;
export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];
/** A decoded workflow payload may hold any kind: it counts as all of them. */
export const ANY_IN_PAYLOAD = 'ANY_IN_PAYLOAD';
export type LoggedKind = PersonalDataKind | typeof ANY_IN_PAYLOAD;

/** The kinds each role may see. SERVICE (backend services) sends data in but reads none back. */
export const PERSONAL_DATA_BY_ROLE: Record<Role, readonly PersonalDataKind[]> = {
  AGENT: ['NAME', 'PHONE'],
  FIELD_COLLECTOR: ['NAME', 'PHONE', 'ADDRESS'],
  SECURITY: ['NAME', 'ADDRESS'],
  SUPERVISOR: PERSONAL_DATA_KINDS,
  LEGAL: PERSONAL_DATA_KINDS,
  COMPLIANCE: PERSONAL_DATA_KINDS,
  SERVICE: [],
};

/** Where personal data is shown: the route (route-roles.ts key) or command, and the kinds it shows. */
export const PERSONAL_DATA_VIEWS: Record<string, readonly LoggedKind[]> = {
  'GET /staff/:staffId/appointments': ['ADDRESS'],
  'CLI appointments': ['ADDRESS'],
  'POST /codec/decode': [ANY_IN_PAYLOAD],
  // the dispute and court export holds every record of the account
  'GET /accounts/:accountId/export': PERSONAL_DATA_KINDS,
  'CLI export': PERSONAL_DATA_KINDS,
};

/**
 * Views that show each caller only the kinds their roles may see, of these: the route
 * lets in roles that see less, and leaves the rest out (e.g. an agent reads an account
 * with the borrower's name and phone, without address or ID number).
 */
export const PERSONAL_DATA_VIEWS_BY_ROLE: Record<string, readonly PersonalDataKind[]> = {
  'GET /accounts/:accountId': ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER'],
};

/** Of the kinds a view offers, those a caller holding `roles` may see. */
export function kindsShownTo(roles: readonly Role[], offered: readonly PersonalDataKind[]): PersonalDataKind[] {
  return offered.filter((kind) => roles.some((role) => PERSONAL_DATA_BY_ROLE[role].includes(kind)));
}

/** Whether a caller holding `roles` may see every kind of `kinds` (ANY_IN_PAYLOAD: all of them). */
export function maySee(roles: readonly Role[], kinds: readonly LoggedKind[]): boolean {
  const wanted = kinds.flatMap((k) => (k === ANY_IN_PAYLOAD ? PERSONAL_DATA_KINDS : [k]));
  return roles.some((role) => wanted.every((k) => PERSONAL_DATA_BY_ROLE[role].includes(k)));
}

/**
 * Who may call what (SPEC §5): every route of the API and the codec endpoint, with the
 * roles whose tokens it accepts. The one place this is decided; the authentication hook
 * reads it, and a route missing here answers 403 to everyone (route-roles.test.ts walks
 * the whole table and checks every registered route is in it).
 * Routes whose caller must also be the person named in the request (an agent answering
 * their task, a supervisor overriding) check the token's subject as well (caller.ts).
 */
import type { Role } from '../identity/roles';

/** No token needed: the liveness probe (orchestrators cannot sign in; it shows no data) and CORS preflights. */
export const PUBLIC = 'PUBLIC';
/**
 * No bearer token: the SMS provider's webhook. The provider is not one of our signed-in
 * callers (it holds no token of our OpenID provider); it signs each request with a shared
 * key instead, which the route checks (sms-signature.ts) before anything is read.
 */
export const PROVIDER_SIGNED = 'PROVIDER_SIGNED';

const STAFF_WHO_WORK_ACCOUNTS: Role[] = ['AGENT', 'SUPERVISOR'];
const FIELD_STAFF: Role[] = ['FIELD_COLLECTOR', 'SECURITY'];

export type RoleList = readonly Role[];

export const ROUTE_ROLES: Record<string, RoleList | typeof PUBLIC | typeof PROVIDER_SIGNED> = {
  'GET /health': PUBLIC,
  'OPTIONS *': PUBLIC,
  'GET /openapi.json': ['AGENT', 'FIELD_COLLECTOR', 'SECURITY', 'SUPERVISOR', 'LEGAL', 'COMPLIANCE', 'SERVICE'],

  // backend services
  'POST /payments': ['SERVICE'],
  'POST /payments/:eventId/reversal': ['SERVICE', 'SUPERVISOR'],
  'POST /accounts/import': ['SERVICE'],

  // the agent queue and the account's messages
  'GET /agent/tasks': STAFF_WHO_WORK_ACCOUNTS,
  'POST /agent/tasks/:taskId/outcome': ['AGENT'],
  'POST /accounts/:accountId/promises': STAFF_WHO_WORK_ACCOUNTS,
  'POST /accounts/:accountId/holds': [...STAFF_WHO_WORK_ACCOUNTS, 'LEGAL', 'COMPLIANCE'],
  'POST /accounts/:accountId/holds/:holdId/release': [...STAFF_WHO_WORK_ACCOUNTS, 'LEGAL', 'COMPLIANCE'],
  'POST /accounts/:accountId/cease-contact': [...STAFF_WHO_WORK_ACCOUNTS, 'COMPLIANCE'],
  'POST /accounts/:accountId/opt-outs': STAFF_WHO_WORK_ACCOUNTS,
  // personal fields in it only of the kinds each role may see (personal-data.ts)
  'GET /accounts/:accountId': [...STAFF_WHO_WORK_ACCOUNTS, 'LEGAL', 'COMPLIANCE'],
  'POST /sms/inbound': PROVIDER_SIGNED,

  // the field
  'GET /staff/:staffId/appointments': [...FIELD_STAFF, 'SUPERVISOR'],
  'GET /appointments': STAFF_WHO_WORK_ACCOUNTS,
  'POST /appointments/:appointmentId/confirm': [...STAFF_WHO_WORK_ACCOUNTS, 'FIELD_COLLECTOR'],
  'POST /appointments/:appointmentId/no-show': [...FIELD_STAFF, 'SUPERVISOR'],
  'POST /visits/:appointmentId/report': ['FIELD_COLLECTOR'],
  'POST /accounts/:accountId/stage-override': ['SUPERVISOR'],

  // negotiation (the offer's surplus, personal data, is withheld) and the effectiveness report
  'GET /accounts/:accountId/offer': [...STAFF_WHO_WORK_ACCOUNTS, 'LEGAL', 'COMPLIANCE'],
  'GET /accounts/:accountId/plan': [...STAFF_WHO_WORK_ACCOUNTS, 'LEGAL', 'COMPLIANCE'],
  // the borrower's answer, taken by an agent, a collector in the field, or a service (self-service channel)
  'POST /accounts/:accountId/offer/response': [...STAFF_WHO_WORK_ACCOUNTS, 'FIELD_COLLECTOR', 'SERVICE'],
  'POST /waivers/:waiverId/decision': ['SUPERVISOR'],
  'GET /reports/effectiveness': ['SUPERVISOR', 'COMPLIANCE'],

  // the Temporal Web UI's codec endpoint: decoding shows personal data (personal-data.ts)
  // (a decoded payload may hold any kind of personal data: only the roles that may see all)
  'POST /codec/decode': ['SUPERVISOR', 'LEGAL', 'COMPLIANCE'],
  'POST /codec/encode': ['SUPERVISOR', 'LEGAL', 'COMPLIANCE'],

  // compliance
  'GET /access-log': ['COMPLIANCE'],

  // legal, agency placements, write-offs (the read side)
  // and the dispute and court export (every record, personal data included: logged)
  'GET /accounts/:accountId/export': ['LEGAL', 'COMPLIANCE'],
  'GET /legal/cases': ['LEGAL', 'SUPERVISOR', 'COMPLIANCE'],
  'GET /legal/cases/:caseId': ['LEGAL', 'SUPERVISOR', 'COMPLIANCE'],
  'GET /placements': ['LEGAL', 'SUPERVISOR', 'COMPLIANCE'],
  'GET /write-offs': ['LEGAL', 'SUPERVISOR', 'COMPLIANCE'],
  // the LEGAL stage's updates: the legal team reports, a supervisor decides (issue 17 §4)
  'POST /legal/cases/:caseId/outcomes': ['LEGAL'],
  'POST /write-offs/:recommendationId/decision': ['SUPERVISOR'],
  'POST /placements/:placementId/recall': ['SUPERVISOR'],
};

export const routeKey = (method: string, url: string) => `${method} ${url}`;

/**
 * Tokens for tests, from the local OpenID provider global-setup started: a staff member
 * (any subject in its directory, e.g. a staff row a test added), one test account per
 * role, and the demo service client. Cached per subject for the file's run.
 */
import { DEMO_SERVICE_CLIENT_ID } from '../src/identity/local-provider-constants';
import type { Role } from '../src/identity/roles';
import { serviceToken, staffToken } from '../src/identity/tokens';
import type { TokenSettings } from '../src/identity/verify-token';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (global-setup starts the servers)`);
  return value;
}

/** The subject of the sign-in account holding just `role` (SERVICE: the demo service client). */
export const testRoleSubject = (role: Role) => (role === 'SERVICE' ? DEMO_SERVICE_CLIENT_ID : `test-${role.toLowerCase().replaceAll('_', '-')}`);

export const testTokenSettings = (): TokenSettings => ({ issuer: required('ARREARS_TEST_OIDC_ISSUER'), audience: 'urn:arrears:api', rolesClaim: 'roles' });

const tokens = new Map<string, Promise<string>>();

/** A signed-in staff member's (or sign-in account's) access token. */
export function tokenOf(subject: string): Promise<string> {
  let token = tokens.get(subject);
  if (!token) {
    token = staffToken(testTokenSettings().issuer, subject, required('ARREARS_TEST_SIGN_IN_SECRET')).then((t) => t.accessToken);
    tokens.set(subject, token);
  }
  return token;
}

/** The demo service's token (client credentials). */
export function serviceTokenForTests(): Promise<string> {
  let token = tokens.get(`service:${DEMO_SERVICE_CLIENT_ID}`);
  if (!token) {
    token = serviceToken(testTokenSettings().issuer, DEMO_SERVICE_CLIENT_ID, required('ARREARS_TEST_SERVICE_SECRET')).then((t) => t.accessToken);
    tokens.set(`service:${DEMO_SERVICE_CLIENT_ID}`, token);
  }
  return token;
}

/** A token holding `role`: the role's test account, or the service client. */
export const tokenOfRole = (role: Role) => (role === 'SERVICE' ? serviceTokenForTests() : tokenOf(testRoleSubject(role)));

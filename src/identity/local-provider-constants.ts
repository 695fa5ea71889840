/** The local provider's names, apart from the provider itself so that clients load without it. */
export const STAFF_SIGN_IN_GRANT = 'urn:arrears:grant-type:local-staff';
export const CLI_CLIENT_ID = 'arrears-cli';
export const DEMO_SERVICE_CLIENT_ID = 'payments-service';
/** The only scope the API knows; every token is for all of it, and the roles decide. */
export const API_SCOPE = 'arrears';

/** The local provider's issuer on its loopback port. */
export const localIssuer = (port: number) => `http://127.0.0.1:${port}`;

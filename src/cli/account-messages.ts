/**
 * What the staff commands (call-outcome, promise, hold, release-hold, cease-contact) share:
 * a Temporal client from the configuration, speaking through the same encryption as the
 * workers (ARREARS_CODEC_KEY, or the key `npm start` keeps under the data dir), and the
 * API's own logic (src/api/account-messages.ts) to send the message and sort its answer.
 */
import { codecKeysFrom } from '../codec/data-converter';
import { localCodecKey } from '../launcher/codec-key';
import { connectClient } from '../temporal/client';
import type { AccountMessageDeps, SignalOutcome, UpdateOutcome } from '../api/account-messages';
import { ROUTE_ROLES, type RoleList } from '../api/route-roles';
import type { Caller } from '../identity/roles';
import { withCliContext } from './context';
import { signedInCaller } from './sign-in';

/**
 * Runs `body` for the signed-in caller (arrears login), who must hold a role the API's
 * `route` (route-roles.ts) allows, with the database and a Temporal client, and closes both
 * afterwards.
 */
export async function withAccountMessages<T>(route: keyof typeof ROUTE_ROLES, body: (deps: AccountMessageDeps, caller: Caller) => Promise<T>): Promise<T> {
  return withCliContext(async ({ pool, cfg }) => {
    const caller = await signedInCaller(cfg, ROUTE_ROLES[route] as RoleList);
    const key = cfg.ARREARS_CODEC_KEY ? { keyId: cfg.ARREARS_CODEC_KEY_ID, key: cfg.ARREARS_CODEC_KEY } : localCodecKey(cfg.ARREARS_DATA_DIR, cfg.ARREARS_CODEC_KEY_ID);
    const codecKeys = codecKeysFrom({ ...cfg, ARREARS_CODEC_KEY: key.key, ARREARS_CODEC_KEY_ID: key.keyId });
    const temporal = await connectClient({ address: cfg.TEMPORAL_ADDRESS, namespace: cfg.TEMPORAL_NAMESPACE, codecKeys });
    try {
      return await body({ pool, temporal }, caller);
    } finally {
      await temporal.connection.close();
    }
  });
}

/** The answer, or the refusal thrown as an error (`arrears` prints it and exits with code 1). */
export function answerOf<T>(outcome: UpdateOutcome<T>): T;
export function answerOf(outcome: SignalOutcome): { workflowId: string };
export function answerOf<T>(outcome: UpdateOutcome<T> | SignalOutcome): T | { workflowId: string } {
  switch (outcome.kind) {
    case 'DONE':
      return outcome.result;
    case 'SENT':
      return { workflowId: outcome.workflowId };
    case 'INVALID':
      throw new Error(`refused: ${outcome.issues.join('; ')}`);
    case 'NO_ANSWER':
    case 'BUSY':
      // not a refusal: nothing was decided yet
      throw new Error(outcome.error);
    default:
      throw new Error(`refused: ${outcome.error}`);
  }
}

/** The staff member a flag names as acting must be the caller; not named, it is the caller. */
export function actingId(caller: Caller, named: string | undefined, flag: string): string {
  if (named !== undefined && named !== caller.subject) throw new Error(`${flag} must be you (${caller.subject}): you are signed in as them (arrears login)`);
  return caller.subject;
}

export { optionsOf } from './options';

export const writeLine = (line: string) => process.stdout.write(`${line}\n`);

/**
 * What `arrears` prints when a command fails: the command's own message, or, for a failure
 * the SDK or the driver raised (a bare "Workflow Update failed", an ECONNREFUSED with a
 * host and port), what happened and what to do (issue 19 §3b).
 */
import { ServiceError } from '@temporalio/client';
import { DEPENDENCY_NAMES, unavailableDependency } from '../api/dependency-errors';

export function cliFailureMessage(err: unknown): string {
  const down = unavailableDependency(err);
  if (down) return `${DEPENDENCY_NAMES[down]} is not reachable: is \`npm start\` running (or DATABASE_URL / TEMPORAL_ADDRESS right)? Retry once it is up`;
  if (err instanceof ServiceError) {
    const details = (err.cause as { details?: unknown } | undefined)?.details;
    return `Temporal refused the request${typeof details === 'string' && details ? `: ${details}` : ''} (${err.message}); check that the account's workflow is running, then retry`;
  }
  return err instanceof Error ? err.message : String(err);
}

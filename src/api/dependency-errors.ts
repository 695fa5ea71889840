/**
 * When Postgres or Temporal is down, a caller should wait and retry, not read a bare 500:
 * a request that failed for that reason is answered `503` with `Retry-After` and a message
 * naming the dependency, never the driver's raw error (it carries hosts and ports).
 */
import { isGrpcServiceError } from '@temporalio/client';

export type Dependency = 'postgres' | 'temporal';

/** Seconds a caller waits before retrying: about what a supervised restart takes. */
export const RETRY_AFTER_SECONDS = 5;

// Node's socket errors, as the pg driver passes them on.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
// SQLSTATEs of a server that is going away or not taking connections yet.
const SERVER_GONE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_GONE_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /^Client has encountered a connection error/];
// gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): the server is not answering.
const GRPC_UNAVAILABLE = new Set<number>([14, 4]);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Which dependency's absence made `err`, if any (looking through its causes). */
export function unavailableDependency(err: unknown): Dependency | undefined {
  for (const e of causes(err)) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (isGrpcServiceError(e) && GRPC_UNAVAILABLE.has(e.code)) return 'temporal';
    // the pg driver's and Node's codes are strings
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || SERVER_GONE_SQLSTATES.has(code))) return 'postgres';
    if (typeof message === 'string' && PG_GONE_MESSAGES.some((m) => m.test(message))) return 'postgres';
  }
  return undefined;
}

export const DEPENDENCY_NAMES: Record<Dependency, string> = { postgres: 'the database (PostgreSQL)', temporal: 'the workflow engine (Temporal)' };

export const unavailableMessage = (dependency: Dependency) =>
  `${DEPENDENCY_NAMES[dependency]} is not reachable right now; retry in ${RETRY_AFTER_SECONDS} seconds`;

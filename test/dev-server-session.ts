/**
 * A file's session on the Temporal dev server and the shared test Postgres: a client with
 * payload keys of its own, the pool, and whatever the tests start (workers, processes),
 * stopped after them in reverse order. For tests that start their own workers when they
 * choose (a run started before anybody polls, a worker killed and replaced).
 */
import type { Client } from '@temporalio/client';
import type { CodecKeys } from '../src/codec/data-converter';
import type { Pool } from '../src/db/pool';
import { connectClient } from '../src/temporal/client';
import { newCodecKeys, testPool, testTemporalAddress } from './support';

export interface DevServerSession {
  readonly pool: Pool;
  readonly client: Client;
  readonly codecKeys: CodecKeys;
  /** Stops `stop` after the file's tests (last started, first stopped). */
  onStop(stop: () => Promise<void>): void;
}

export function devServerSession(): DevServerSession {
  const stops: (() => Promise<void>)[] = [];
  const session = { codecKeys: newCodecKeys(), onStop: (stop: () => Promise<void>) => void stops.push(stop) } as { -readonly [K in keyof DevServerSession]: DevServerSession[K] };
  beforeAll(async () => {
    session.pool = testPool();
    session.client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: session.codecKeys });
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await session.client?.connection.close();
    await session.pool?.end();
  });
  return session;
}

/**
 * What the simulated actors share: the database, the messages the API sends to account
 * workflows (src/api/account-messages.ts, field-messages.ts), the dice, the agenda, the
 * tally, and each account's segment as the last screening saw it.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AccountMessageDeps, UpdateOutcome, SignalOutcome } from '../api/account-messages';
import type { Pool } from '../db/pool';
import type { IsoDate } from '../domain/dates';
import type { Agenda } from './agenda';
import type { BorrowerSegment } from './behaviour';
import type { SimulatedBook } from './book';
import type { Chance } from './chance';
import type { Tally } from './tally';

export interface World {
  pool: Pool;
  messages: AccountMessageDeps;
  chance: Chance;
  agenda: Agenda;
  tally: Tally;
  book: SimulatedBook;
  log: Logger;
  /** accounts on the latest collection list, with their segment */
  segments: Map<string, BorrowerSegment>;
  /** at most this many messages to workflows in flight: each waits for a workflow task */
  inFlight: ReturnType<typeof pLimit>;
  /** messages sent to workflows since the driver last let the worker settle */
  sent: number;
}

export const MESSAGES_IN_FLIGHT = 24;

/** Counts a message's outcome under `kind` ("call outcome: DONE", "visit report: REJECTED"). */
export function countOutcome(world: World, kind: string, outcome: UpdateOutcome<unknown> | SignalOutcome): void {
  world.tally.count(`${kind}: ${outcome.kind}`);
  if (outcome.kind !== 'DONE' && outcome.kind !== 'SENT') world.log.debug({ kind, outcome: outcome.kind, error: 'error' in outcome ? outcome.error : undefined }, 'simulated message not taken');
}

/** Runs `act` for every item, a bounded number at once. */
export async function forEach<T>(world: World, items: readonly T[], act: (item: T) => Promise<void>): Promise<void> {
  world.sent += items.length;
  await Promise.all(items.map((item) => world.inFlight(() => act(item))));
}

const segmentRow = z.object({ account_id: z.string(), risk_tier: z.string(), bucket: z.string(), product: z.string() });

/** Reads the segments of the accounts on the latest screening's collection list. */
export async function refreshSegments(world: World, asOf: IsoDate): Promise<void> {
  const { rows } = await world.pool.query(
    `SELECT c.account_id, c.risk_tier, c.bucket, a.product
       FROM collection_list c JOIN accounts a ON a.id = c.account_id
      WHERE c.screening_run_id = (SELECT max(id) FROM screening_runs WHERE as_of = $1)`,
    [asOf],
  );
  world.segments = new Map(rows.map((r) => segmentRow.parse(r)).map((r) => [r.account_id, { riskTier: r.risk_tier, bucket: r.bucket, product: r.product }]));
}

/** An account's segment; one not on today's list is taken as a fresh, low-risk one. */
export const segmentOf = (world: World, accountId: string): BorrowerSegment => world.segments.get(accountId) ?? { riskTier: 'LOW', bucket: '1-30', product: 'LOAN' };

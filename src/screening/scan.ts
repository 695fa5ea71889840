/**
 * The daily screening scan (SPEC §2.1): being built. The signatures are the contract
 * shared with the loan-book import and the screening workflow.
 */
import type { Logger } from 'pino';
import type { Bucket } from '../domain/buckets';
import type { IsoDate } from '../domain/dates';
import type { Pool, Queryable } from '../db/pool';
import type { ScreeningConfig } from './config';

export interface ScreeningRunSummary {
  screeningRunId: number;
  asOf: IsoDate;
  paymentsThrough: IsoDate | null;
  configVersion: string;
  accountsScanned: number;
  overdueAccounts: number;
  countsByBucket: Record<string, number>;
  countsByTier: Record<string, number>;
  durationMs: number;
  /** true when the idempotency key named a run already written: nothing was scanned */
  reused: boolean;
}

export interface RunScreeningOptions {
  asOf: IsoDate;
  idempotencyKey?: string;
  paymentsThrough?: IsoDate | null;
  config?: ScreeningConfig;
  log?: Logger;
}

export interface CollectionListEntry {
  rank: number;
  accountId: string;
  amountOverdue: number;
  daysPastDue: number;
  bucket: Bucket;
  riskTier: string;
  priority: number;
}

export async function runScreening(_pool: Pool, _opts: RunScreeningOptions): Promise<ScreeningRunSummary> {
  throw new Error('runScreening is being built');
}

export async function readCollectionList(_db: Queryable, _screeningRunId: number, _page: { afterRank: number; limit: number }): Promise<CollectionListEntry[]> {
  throw new Error('readCollectionList is being built');
}

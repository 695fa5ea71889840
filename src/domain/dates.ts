/**
 * Calendar dates are ISO strings (YYYY-MM-DD), business dates in UTC.
 * Workflow-safe: callers pass the instant (workflow time in workflows).
 */
import { z } from 'zod';

export const isoDateSchema = z.iso.date();
export type IsoDate = string;

const MS_PER_DAY = 86_400_000;

export function isoDateOf(instant: Date | number): IsoDate {
  return new Date(instant).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/**
 * What collection effort costs (config/collection-costs.json, versioned): a price in minor
 * units per SMS, e-mail, call minute, visit and legal step, for the report's cost per unit
 * recovered. Parsed by zod once; a wrong file stops with every wrong value named.
 */
import path from 'node:path';
import { z } from 'zod';
import { issueLines } from '../domain/input-problems';
import { readJsonFile } from '../json-file';
import { currencySchema } from '../domain/money';
import { PROJECT_ROOT } from '../paths';

export const DEFAULT_COSTS_PATH = path.join(PROJECT_ROOT, 'config', 'collection-costs.json');

const price = z.number().int('minor units: a whole number').min(0);
const minutes = z.number().min(0).max(240);

export const collectionCostsSchema = z.strictObject({
  version: z.string().min(1),
  currency: currencySchema,
  note: z.string().optional(),
  perUnit: z.strictObject({ SMS: price, EMAIL: price, CALL_MINUTE: price, VISIT: price, LEGAL_STEP: price }),
  /** call durations are not recorded: each call counts these minutes */
  minutesPerCall: z.strictObject({ CONNECTED: minutes, UNANSWERED: minutes }),
});
export type CollectionCosts = z.infer<typeof collectionCostsSchema>;

/** The units collection_cost_units counts (see the effectiveness migration). */
export const COST_UNITS = ['SMS', 'EMAIL', 'CALL_CONNECTED', 'CALL_UNANSWERED', 'VISIT', 'LEGAL_STEP'] as const;
export type CostUnit = (typeof COST_UNITS)[number];

export class CollectionCostsError extends Error {}

export function parseCollectionCosts(raw: unknown, source: string): CollectionCosts {
  const parsed = collectionCostsSchema.safeParse(raw);
  if (!parsed.success) throw new CollectionCostsError(`${source} is not a valid cost config:\n  ${issueLines(parsed.error).join('\n  ')}`);
  return parsed.data;
}

export function loadCollectionCosts(file = DEFAULT_COSTS_PATH): CollectionCosts {
  return parseCollectionCosts(readJsonFile(file, (message) => new CollectionCostsError(message)), file);
}

/** The price of `count` units, in minor units (calls: the config's minutes times the minute's price). */
export function costOf(unit: CostUnit, count: number, costs: CollectionCosts): number {
  const { perUnit, minutesPerCall } = costs;
  switch (unit) {
    case 'CALL_CONNECTED':
      return Math.round(count * minutesPerCall.CONNECTED * perUnit.CALL_MINUTE);
    case 'CALL_UNANSWERED':
      return Math.round(count * minutesPerCall.UNANSWERED * perUnit.CALL_MINUTE);
    default:
      return count * perUnit[unit];
  }
}

/**
 * Reads and validates config/field-collection.json (activities, CLI, tests), once per
 * worker: a wrong value stops the worker at start, with the path of every wrong value
 * and the file, never at a borrower's visit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { fieldCollectionConfigSchema, type FieldCollectionConfig } from './schema';
import { issueLines } from '../domain/input-problems';

export const DEFAULT_FIELD_COLLECTION_PATH = path.join(PROJECT_ROOT, 'config', 'field-collection.json');

export class FieldCollectionConfigError extends Error {
  override name = 'FieldCollectionConfigError';
}

export function parseFieldCollectionConfig(raw: unknown, source = 'field collection config'): FieldCollectionConfig {
  const parsed = fieldCollectionConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FieldCollectionConfigError(`Invalid ${source}:\n  ${issueLines(parsed.error).join('\n  ')}`);
  }
  return parsed.data;
}

export function loadFieldCollectionConfig(file = DEFAULT_FIELD_COLLECTION_PATH): FieldCollectionConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FieldCollectionConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseFieldCollectionConfig(raw, file);
}

/**
 * Reads and validates config/field-collection.json (activities, CLI, tests), once per
 * worker: a wrong value stops the worker at start, with the path of every wrong value
 * and the file, never at a borrower's visit.
 */
import path from 'node:path';
import { readJsonFile } from '../json-file';
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
  return parseFieldCollectionConfig(readJsonFile(file, (message) => new FieldCollectionConfigError(message)), file);
}

/**
 * Reads and validates config/legal.json once, when the worker starts: a wrong value stops
 * it there with the file and the path of every wrong value, never at an account's decision.
 */
import path from 'node:path';
import { readJsonFile } from '../json-file';
import { PROJECT_ROOT } from '../paths';
import { LegalConfigError, parseLegalConfig, type LegalConfig } from './schema';

export const DEFAULT_LEGAL_PATH = path.join(PROJECT_ROOT, 'config', 'legal.json');

export function loadLegalConfig(file = DEFAULT_LEGAL_PATH): LegalConfig {
  return parseLegalConfig(readJsonFile(file, (message) => new LegalConfigError(message)), file);
}

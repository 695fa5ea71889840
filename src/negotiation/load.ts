/**
 * Reads and validates config/negotiation.json once, when the worker starts: a wrong value
 * stops it there with the file and the path of every wrong value, never at a borrower's offer.
 */
import path from 'node:path';
import { readJsonFile } from '../json-file';
import { PROJECT_ROOT } from '../paths';
import { NegotiationConfigError, parseNegotiationConfig, type NegotiationConfig } from './schema';

export const DEFAULT_NEGOTIATION_PATH = path.join(PROJECT_ROOT, 'config', 'negotiation.json');

export function loadNegotiationConfig(file = DEFAULT_NEGOTIATION_PATH): NegotiationConfig {
  return parseNegotiationConfig(readJsonFile(file, (message) => new NegotiationConfigError(message)), file);
}

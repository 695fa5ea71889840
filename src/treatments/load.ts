/**
 * Reads and validates a treatments file from disk (activities, CLI, tests). The
 * error names the file and the path of every wrong value, and nothing is used from
 * a file that fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { parseTreatments, TreatmentsConfigError, type TreatmentsConfig } from './schema';

export const DEFAULT_TREATMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'treatments.json');

export function loadTreatments(file = DEFAULT_TREATMENTS_PATH): TreatmentsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TreatmentsConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseTreatments(raw, file);
}

/**
 * Reads and validates a treatments file from disk (activities, CLI, tests). The
 * error names the file and the path of every wrong value, and nothing is used from
 * a file that fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { ExperimentsConfigError, parseExperiments, type ExperimentsConfig } from './experiments';
import { parseTreatments, TreatmentsConfigError, type TreatmentsConfig } from './schema';

export const DEFAULT_TREATMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'treatments.json');

export const DEFAULT_EXPERIMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'experiments.json');

function readJson(file: string, fail: (message: string) => Error): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

export function loadTreatments(file = DEFAULT_TREATMENTS_PATH): TreatmentsConfig {
  return parseTreatments(readJson(file, (m) => new TreatmentsConfigError(m)), file);
}

/** config/experiments.json, each arm checked against the treatments it will pick from. */
export function loadExperiments(file = DEFAULT_EXPERIMENTS_PATH, treatments: TreatmentsConfig = loadTreatments()): ExperimentsConfig {
  return parseExperiments(readJson(file, (m) => new ExperimentsConfigError(m)), file, treatments);
}

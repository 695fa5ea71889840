/**
 * Reads and validates a treatments file from disk (activities, CLI, tests). The
 * error names the file and the path of every wrong value, and nothing is used from
 * a file that fails.
 */
import path from 'node:path';
import { readJsonFile } from '../json-file';
import { PROJECT_ROOT } from '../paths';
import { ExperimentsConfigError, parseExperiments, type ExperimentsConfig } from './experiments';
import { parseTreatments, TreatmentsConfigError, type TreatmentsConfig } from './schema';

export const DEFAULT_TREATMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'treatments.json');

export function loadTreatments(file = DEFAULT_TREATMENTS_PATH): TreatmentsConfig {
  return parseTreatments(readJsonFile(file, (message) => new TreatmentsConfigError(message)), file);
}

export const DEFAULT_EXPERIMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'experiments.json');

/** config/experiments.json, each arm checked against the treatments it will pick from. */
export function loadExperiments(file = DEFAULT_EXPERIMENTS_PATH, treatments: TreatmentsConfig = loadTreatments()): ExperimentsConfig {
  return parseExperiments(readJsonFile(file, (message) => new ExperimentsConfigError(message)), file, treatments);
}

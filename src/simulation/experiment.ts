/**
 * The simulation's experiment: config/simulation-experiments.json (the shipped
 * config/experiments.json stays as the bank set it), whose challenger is a treatment of the
 * simulation's own (config/simulation-treatments.json) beside the shipped ones: a cadence
 * that truly differs, so the report's comparison has something to find.
 */
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../json-file';
import { PROJECT_ROOT } from '../paths';
import { loadExperiments, loadTreatments } from '../treatments/load';
import { parseTreatments, treatmentSchema, TreatmentsConfigError } from '../treatments/schema';

export const SIMULATION_EXPERIMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'simulation-experiments.json');
export const SIMULATION_TREATMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'simulation-treatments.json');

export function loadSimulationExperiments() {
  const shipped = loadTreatments();
  const extra = z.record(z.string(), treatmentSchema).parse(readJsonFile(SIMULATION_TREATMENTS_PATH, (message) => new TreatmentsConfigError(message)));
  const treatments = parseTreatments({ ...shipped, treatments: { ...shipped.treatments, ...extra } }, `${SIMULATION_TREATMENTS_PATH} over the shipped treatments`);
  return { treatments, experiments: loadExperiments(SIMULATION_EXPERIMENTS_PATH, treatments) };
}

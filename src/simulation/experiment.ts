/**
 * The simulation's experiment: config/simulation-experiments.json (the shipped
 * config/experiments.json stays as the bank set it), over the shipped treatments.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { loadExperiments, loadTreatments } from '../treatments/load';

export const SIMULATION_EXPERIMENTS_PATH = path.join(PROJECT_ROOT, 'config', 'simulation-experiments.json');

export function loadSimulationExperiments() {
  const treatments = loadTreatments();
  return { treatments, experiments: loadExperiments(SIMULATION_EXPERIMENTS_PATH, treatments) };
}

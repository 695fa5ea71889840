/**
 * Which arm of an experiment a new run is in (issue 18 §4). Pure and workflow-safe: the
 * same account always lands in the same arm of an experiment (a MurmurHash3 of the
 * experiment id and the account id), whichever worker asks and however often, so a
 * replayed or continued run never changes treatment. The experiment id is in the hash, so
 * one account's arms in two experiments are independent.
 */
import murmurhash from 'murmurhash';
import type { ExperimentsConfig } from './experiments';

import { experimentLabel, type ExperimentArm, type ExperimentPlace } from '../domain/experiment';

export { experimentLabel, type ExperimentArm };

export interface ExperimentAssignment {
  /** the treatment the run gets: the rules' choice, or the challenger */
  treatmentId: string;
  /** null: no active experiment has the rules' choice as its champion */
  experiment: ExperimentPlace | null;
}

/** Where an account falls in [0, 1) for an experiment: uniform over account ids. */
export function experimentPosition(experimentId: string, accountId: string): number {
  return murmurhash.v3(`${experimentId}\u0000${accountId}`) / 2 ** 32;
}

/** `chosenTreatmentId`: what the treatment rules chose for the account's segment (the champion's place). */
export function assignExperiment(accountId: string, chosenTreatmentId: string, config: ExperimentsConfig): ExperimentAssignment {
  const experiment = config.experiments.find((e) => e.active && e.champion === chosenTreatmentId);
  if (!experiment) return { treatmentId: chosenTreatmentId, experiment: null };
  const arm: ExperimentArm = experimentPosition(experiment.id, accountId) < experiment.challengerShare ? 'challenger' : 'champion';
  return { treatmentId: arm === 'challenger' ? experiment.challenger : experiment.champion, experiment: { id: experiment.id, arm, configVersion: config.version } };
}

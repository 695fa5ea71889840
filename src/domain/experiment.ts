/** A run's place in a champion/challenger experiment (issue 18 §4), as the workflow, the reports and the UI name it. */
export type ExperimentArm = 'champion' | 'challenger';

export interface ExperimentPlace {
  id: string;
  arm: ExperimentArm;
  configVersion: string;
}

/** `<experiment id>:<arm>`, or `none`: the Experiment search attribute's value and the field the reports group by. */
export const experimentLabel = ({ experiment }: { experiment?: Pick<ExperimentPlace, 'id' | 'arm'> | null }): string =>
  experiment ? `${experiment.id}:${experiment.arm}` : 'none';

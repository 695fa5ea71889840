/**
 * Champion/challenger experiments (issue 18 §4), config/experiments.json, versioned: while
 * an experiment is active, a share of the new runs whose rules chose its champion treatment
 * run its challenger instead. Workflow-safe (zod only): the workflow may validate the file
 * it was started with.
 */
import { z } from 'zod';
import { issueLines } from '../domain/input-problems';
import type { TreatmentsConfig } from './schema';

const treatmentId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lower-case treatment id such as standard');

export const experimentSchema = z
  .strictObject({
    /** Recorded on each run (search attribute Experiment, memo, audit): never reuse one for a different test. */
    id: z.string().regex(/^[a-z][a-z0-9-]{0,47}$/, 'a lower-case id such as standard-vs-fast-2026'),
    description: z.string().min(1),
    champion: treatmentId,
    challenger: treatmentId,
    /** Share of the champion's new runs that get the challenger, 0 to 1. */
    challengerShare: z.number().gt(0).lt(1),
    active: z.boolean(),
  })
  .refine((e) => e.champion !== e.challenger, { path: ['challenger'], message: 'the challenger is another treatment than the champion' });

export const experimentsConfigSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d+$/, 'a version such as 2026.1'),
    experiments: z.array(experimentSchema),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    const activeChampions = new Set<string>();
    cfg.experiments.forEach((e, i) => {
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: ['experiments', i, 'id'], message: `experiment ${e.id} appears twice` });
      ids.add(e.id);
      if (!e.active) return;
      // two active experiments on one champion would split its runs in an order nobody wrote down
      if (activeChampions.has(e.champion)) ctx.addIssue({ code: 'custom', path: ['experiments', i, 'champion'], message: `another active experiment already has champion ${e.champion}` });
      activeChampions.add(e.champion);
    });
  });

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentsConfig = z.infer<typeof experimentsConfigSchema>;

export class ExperimentsConfigError extends Error {
  override name = 'ExperimentsConfigError';
}

/** Validates parsed JSON, and (given the treatments) that every arm is a known treatment. */
export function parseExperiments(raw: unknown, source = 'experiments config', treatments?: TreatmentsConfig): ExperimentsConfig {
  const parsed = experimentsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ExperimentsConfigError(`Invalid ${source}:\n  ${issueLines(parsed.error).join('\n  ')}`);
  if (treatments) {
    const unknown = parsed.data.experiments.flatMap((e, i) =>
      (['champion', 'challenger'] as const).filter((arm) => !Object.hasOwn(treatments.treatments, e[arm])).map((arm) => `experiments.${i}.${arm}: no treatment named ${e[arm]}`),
    );
    if (unknown.length > 0) throw new ExperimentsConfigError(`Invalid ${source}:\n  ${unknown.join('\n  ')}`);
  }
  return parsed.data;
}

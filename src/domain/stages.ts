/**
 * The stages of one overdue account (SPEC §2). Workflow-safe: no Node imports.
 */
export const ACTIVE_STAGES = [
  'SCREENED',
  'REMINDING',
  'APPOINTMENT',
  'VISIT',
  'NEGOTIATION',
  'PLAN_ACTIVE',
  'LEGAL',
] as const;

/** Exits: once here, the account's workflow run is over. */
export const EXIT_STAGES = ['CURED', 'SETTLED', 'WRITTEN_OFF', 'CLOSED'] as const;

export const STAGES = [...ACTIVE_STAGES, ...EXIT_STAGES, 'ON_HOLD'] as const;

export type ActiveStage = (typeof ACTIVE_STAGES)[number];
export type ExitStage = (typeof EXIT_STAGES)[number];
export type Stage = (typeof STAGES)[number];

export function isExitStage(stage: Stage): stage is ExitStage {
  return (EXIT_STAGES as readonly string[]).includes(stage);
}

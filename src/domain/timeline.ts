/**
 * An account's timeline (issue 15 §3, SPEC §8): its events in the domain's words, newest
 * first, bounded. The same shape for the record in Postgres (GET /accounts/:id) and for the
 * run's own recent events (the workflow's `timeline` query). No personal data: ids, stages,
 * channels, rules, amounts, staff ids. Workflow-safe.
 */
export const TIMELINE_KINDS = ['STAGE', 'CONTACT', 'BLOCK', 'PROMISE', 'CALL', 'APPOINTMENT', 'VISIT', 'HOLD', 'PAYMENT', 'OPT_OUT', 'CEASE_CONTACT'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEvent {
  /** ISO instant */
  at: string;
  kind: TimelineKind;
  text: string;
}

/** How many events a timeline holds at most. */
export const TIMELINE_LIMIT = 50;

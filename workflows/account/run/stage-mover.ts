/**
 * Moving an account to a stage (SPEC §2): the run's state, its search attributes and the
 * append-only record in Postgres (stage_transitions, once per key), the same in every
 * generation of accountCollection.
 */
import { log, workflowInfo } from '@temporalio/workflow';
import type { createAuditActivities } from '../../../activities/audit';
import type { StageTransition } from '../../../src/db/audit';
import type { Stage } from '../../../src/domain/stages';

export interface StageState {
  stage: Stage;
  /** transitions so far in this chain of runs: numbers each one's idempotency key */
  transitionCount: number;
  remindingStartedAt: number | null;
}

export interface StageMoves {
  accountId: string;
  state: StageState;
  db: Pick<ReturnType<typeof createAuditActivities>, 'recordStageTransition'>;
  /** the run's idempotency key for the n-th effect of a kind */
  effectKey: (kind: string, n: number) => string;
  publishSearchAttributes: () => void;
  /**
   * Each move carries its place in the chain of runs (one transition per move, issue 14 §4):
   * Postgres records one move per place. False for runs on older code (their history says so).
   */
  chained?: boolean;
  /**
   * The run follows the place Postgres answers for each move (the moves-follow-the-chain
   * patch): after a failed workflow task left a move of another path in the chain, the next
   * move takes the next free place instead of a place past a gap. False on older histories.
   */
  followChain?: boolean;
}

export interface StageMover {
  /** Moves the run to `to` and records the transition (a local activity). */
  (to: Stage, reason: string): Promise<void>;
  /** The record of a move from the current stage, for a step that writes it itself (its key given). */
  transition(to: Stage, reason: string, idempotencyKey: string): StageTransition;
  /** Moves the run as `transition` says, once Postgres holds it (at `seq`); the caller publishes the search attributes. */
  recorded(transition: StageTransition, seq?: number): void;
}

export function stageMover({ accountId, state, db, effectKey, publishSearchAttributes, chained = false, followChain = false }: StageMoves): StageMover {
  const info = workflowInfo();
  /** What every run of the chain shares (continue-as-new and re-openings keep the first run's id). */
  const chainId = `${info.workflowId}/${info.firstExecutionRunId}`;
  const transition = (to: Stage, reason: string, idempotencyKey: string): StageTransition => ({
    idempotencyKey,
    accountId,
    workflowId: info.workflowId,
    runId: info.runId,
    fromStage: state.transitionCount === 0 ? null : state.stage,
    toStage: to,
    reason,
    occurredAt: new Date().toISOString(),
    ...(chained ? { chain: { chainId, seq: state.transitionCount } } : {}),
  });
  const enter = (t: StageTransition) => {
    state.transitionCount++;
    state.stage = t.toStage as Stage;
    if (t.toStage === 'REMINDING') state.remindingStartedAt ??= Date.now();
    log.info('stage changed', { accountId, from: t.fromStage, to: t.toStage, reason: t.reason });
  };
  /**
   * The next move's place: after the place Postgres gave `t`. If no other move was counted
   * since `t`, that is exact (even one place back: `t` was the same move as the one before);
   * otherwise never behind a place already counted.
   */
  const follow = (t: StageTransition, seq: number | undefined) => {
    if (!followChain || seq === undefined || !t.chain) return;
    state.transitionCount = state.transitionCount === t.chain.seq + 1 ? seq + 1 : Math.max(state.transitionCount, seq + 1);
  };
  const moveTo = async (to: Stage, reason: string) => {
    const t = transition(to, reason, effectKey('stage', state.transitionCount));
    enter(t);
    publishSearchAttributes();
    // Older histories' markers answer nothing here (the activity returned void then).
    const placed: { seq: number | null } | void = await db.recordStageTransition(t);
    follow(t, placed?.seq ?? undefined);
  };
  const recorded = (t: StageTransition, seq?: number) => {
    enter(t);
    follow(t, seq);
  };
  return Object.assign(moveTo, { transition, recorded });
}

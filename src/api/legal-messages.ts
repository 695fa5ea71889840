/**
 * The LEGAL stage's messages (issue 17 §4): the legal team's report on a case
 * (recordLegalOutcome), a supervisor's write-off decision (approveWriteOff) and recall of an
 * agency placement (recallPlacement), each an update the account's workflow validates and
 * answers once stored. The API's routes and the `arrears` CLI both send them through here.
 *
 * Postgres is read only to find the account the case, write-off or placement belongs to; the
 * workflow writes everything. Each update id derives from the request, so a client's retry
 * gets the first answer back.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { loadCase } from '../db/legal';
import { loadPlacement } from '../db/placements';
import { loadWriteOff } from '../db/write-offs';
import { approveWriteOffSchema, recallPlacementSchema, recordLegalOutcomeSchema, type LegalCaseView, type PlacementView, type WriteOffView } from '../domain/legal';
import { accountHandle } from '../temporal/account-workflow';
import { approveWriteOffUpdate, recallPlacementUpdate, recordLegalOutcomeUpdate } from '../../workflows/account/contract';
import { issuesOf, runUpdate, type AccountMessageDeps, type UpdateOutcome } from './account-messages';

interface LegalMessage<S extends z.ZodType, T> {
  schema: S;
  payload: Record<string, unknown>;
  /** what the id names, for a 404 */
  what: string;
  accountOf(): Promise<string | undefined>;
  update: UpdateDefinition<T, [z.output<S>]>;
  updateId(parsed: z.output<S>): string;
}

async function sendLegalMessage<S extends z.ZodType, T>(deps: AccountMessageDeps, m: LegalMessage<S, T>): Promise<UpdateOutcome<T>> {
  const parsed = m.schema.safeParse(m.payload);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, m.payload) };
  const accountId = await m.accountOf();
  if (!accountId) return { kind: 'NOT_FOUND', error: `no ${m.what}` };
  const handle = accountHandle(deps.temporal, accountId);
  return runUpdate(deps, accountId, () => handle.executeUpdate(m.update, { args: [parsed.data], updateId: m.updateId(parsed.data) }));
}

/** The legal team's report on case `caseId` (one update per outcome and day: filed once, judged once, ended once). */
export const sendLegalOutcome = (deps: AccountMessageDeps, caseId: number, report: Record<string, unknown>): Promise<UpdateOutcome<LegalCaseView>> =>
  sendLegalMessage(deps, {
    schema: recordLegalOutcomeSchema,
    payload: { ...report, caseId },
    what: `legal case ${caseId}`,
    accountOf: async () => (await loadCase(deps.pool, caseId))?.account_id,
    update: recordLegalOutcomeUpdate,
    updateId: (o) => `legal-outcome-${caseId}-${o.outcome}-${o.occurredOn}`,
  });

/** A supervisor's decision on write-off recommendation `recommendationId` (one per recommendation). */
export const sendWriteOffDecision = (deps: AccountMessageDeps, recommendationId: number, decision: Record<string, unknown>): Promise<UpdateOutcome<WriteOffView>> =>
  sendLegalMessage(deps, {
    schema: approveWriteOffSchema,
    payload: { ...decision, recommendationId },
    what: `write-off ${recommendationId}`,
    accountOf: async () => (await loadWriteOff(deps.pool, recommendationId))?.account_id,
    update: approveWriteOffUpdate,
    updateId: () => `write-off-decision-${recommendationId}`,
  });

/** A supervisor's recall of placement `placementId` (one per placement). */
export const sendPlacementRecall = (deps: AccountMessageDeps, placementId: number, recall: Record<string, unknown>): Promise<UpdateOutcome<PlacementView>> =>
  sendLegalMessage(deps, {
    schema: recallPlacementSchema,
    payload: { ...recall, placementId },
    what: `placement ${placementId}`,
    accountOf: async () => (await loadPlacement(deps.pool, placementId))?.account_id,
    update: recallPlacementUpdate,
    updateId: () => `placement-recall-${placementId}`,
  });

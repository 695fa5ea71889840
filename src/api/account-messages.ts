/**
 * Staff's messages to an account's workflow (SPEC §8): the agent's call outcome and a promise
 * to pay as updates (validated and answered), holds and cease-contact as signals. The API's
 * routes and the `arrears` CLI both send them through here, and turn the outcome into an
 * HTTP status or an exit code.
 *
 * Postgres is read only to tell "no such task or account" (404) apart from "its workflow
 * is not running" (409). The workflow writes everything, through its activities.
 */
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import { findAgentTask } from '../db/agent-queue';
import { accountCurrency } from '../db/payments';
import type { Queryable } from '../db/pool';
import { callOutcomeSchema, type CallOutcome, type CallOutcomeRecorded, type CeaseContact, type HoldPlaced, type HoldReleased, type PromiseToPay } from '../domain/early-collection';
import { accountHandle, accountWorkflowId } from '../temporal/account-workflow';
import { payloadProblems } from '../domain/input-problems';
import { noAnswerMessage, serverRefusalMessage, workerPolling } from '../temporal/update-failure';
import { ceaseContactSignal, holdPlacedSignal, holdReleasedSignal, recordCallOutcomeUpdate, recordPromiseUpdate, type PromiseAccepted } from '../../workflows/account/contract';

export interface AccountMessageDeps {
  pool: Queryable;
  temporal: Client;
  /** how long to wait for the workflow's answer to an update (default 30 s) */
  updateTimeoutMs?: number;
}

export type UpdateOutcome<T> =
  | { kind: 'DONE'; result: T }
  /** the message itself is malformed; each issue names a field, never its value */
  | { kind: 'INVALID'; issues: string[] }
  | { kind: 'NOT_FOUND'; error: string }
  /** the workflow's validator refused it, or the workflow could not store it */
  | { kind: 'REJECTED'; error: string }
  | { kind: 'NOT_RUNNING'; error: string }
  /** no answer in time: the workflow may still take it (a repeated call outcome finds the first) */
  | { kind: 'NO_ANSWER'; error: string }
  /** Temporal turned it away for load (RESOURCE_EXHAUSTED): retry shortly */
  | { kind: 'BUSY'; error: string };

export type SignalOutcome = { kind: 'SENT'; workflowId: string } | Extract<UpdateOutcome<never>, { kind: 'NOT_FOUND' | 'NOT_RUNNING' }>;

/** The agent's call outcome, without the task id: the task names it. */
export type CallOutcomeReport = Omit<CallOutcome, 'taskId'>;

export const issuesOf = (error: z.ZodError, body: unknown) => payloadProblems(error, body, '(body)');
const notRunning = (accountId: string) => ({ kind: 'NOT_RUNNING' as const, error: `no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})` });
export const unknownAccount = (accountId: string) => ({ kind: 'NOT_FOUND' as const, error: `account ${accountId} is not in the loan book` });

/** The validator's (or the failed store's) reason; never the SDK's bare "Workflow Update failed". */
function refusalOf(err: WorkflowUpdateFailedError): string {
  const reason = err.cause instanceof Error ? err.cause.message : '';
  return reason ? reason : 'the workflow refused the update without giving a reason; look at the account (its summary) and retry';
}

/** Runs an update and sorts its failures; anything else (Temporal unreachable) is thrown. */
export async function runUpdate<T>(deps: AccountMessageDeps, accountId: string, send: () => Promise<T>): Promise<UpdateOutcome<T>> {
  const timeoutMs = deps.updateTimeoutMs ?? 30_000;
  try {
    return { kind: 'DONE', result: await deps.temporal.withDeadline(Date.now() + timeoutMs, send) };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { kind: 'REJECTED', error: refusalOf(err) };
    if (err instanceof WorkflowNotFoundError) return notRunning(accountId);
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { kind: 'NO_ANSWER', error: noAnswerMessage(accountId, timeoutMs, await workerPolling(deps.temporal, accountId)) };
    const refused = serverRefusalMessage(err, accountId);
    if (refused) return refused.busy ? { kind: 'BUSY', error: refused.error } : { kind: 'REJECTED', error: refused.error };
    throw err;
  }
}

async function signalAccount<A>(deps: AccountMessageDeps, accountId: string, send: (workflowId: string) => Promise<A>): Promise<SignalOutcome> {
  if (!(await accountCurrency(deps.pool, accountId))) return unknownAccount(accountId);
  const workflowId = accountWorkflowId(accountId);
  try {
    await send(workflowId);
    return { kind: 'SENT', workflowId };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return notRunning(accountId);
    throw err;
  }
}

/**
 * Answers call task `taskId` on its account's workflow. The update id is the task's, so a
 * repeated request (a client retry) gets the first answer back instead of a rejection.
 */
export async function sendCallOutcome(deps: AccountMessageDeps, taskId: number, report: CallOutcomeReport): Promise<UpdateOutcome<CallOutcomeRecorded>> {
  const payload = { ...report, taskId };
  const parsed = callOutcomeSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'INVALID', issues: issuesOf(parsed.error, payload) };
  const task = await findAgentTask(deps.pool, taskId);
  if (!task) return { kind: 'NOT_FOUND', error: `no call task ${taskId}` };
  const handle = accountHandle(deps.temporal, task.accountId);
  return runUpdate(deps, task.accountId, () => handle.executeUpdate(recordCallOutcomeUpdate, { args: [parsed.data], updateId: `call-outcome-${taskId}` }));
}

/** A promise to pay; the workflow's validator judges the date against its treatment's horizon. */
export async function sendPromise(deps: AccountMessageDeps, accountId: string, promise: PromiseToPay): Promise<UpdateOutcome<PromiseAccepted>> {
  if (!(await accountCurrency(deps.pool, accountId))) return unknownAccount(accountId);
  const handle = accountHandle(deps.temporal, accountId);
  return runUpdate(deps, accountId, () => handle.executeUpdate(recordPromiseUpdate, { args: [promise] }));
}

export const sendHoldPlaced = (deps: AccountMessageDeps, accountId: string, hold: HoldPlaced) =>
  signalAccount(deps, accountId, (id) => deps.temporal.workflow.getHandle(id).signal(holdPlacedSignal, hold));

export const sendHoldReleased = (deps: AccountMessageDeps, accountId: string, release: HoldReleased) =>
  signalAccount(deps, accountId, (id) => deps.temporal.workflow.getHandle(id).signal(holdReleasedSignal, release));

export const sendCeaseContact = (deps: AccountMessageDeps, accountId: string, request: CeaseContact) =>
  signalAccount(deps, accountId, (id) => deps.temporal.workflow.getHandle(id).signal(ceaseContactSignal, request));

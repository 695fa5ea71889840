/**
 * "In the demo some accounts reach APPOINTMENT and VISIT" (issue 7): the demo's accounts fall
 * overdue today, so their reminders have weeks to run before a treatment escalates. After the
 * screening has started their workflows, supervisor-01 moves a few of them on with the
 * overrideStage update, as a supervisor would: some to APPOINTMENT (slots proposed, the
 * borrower contacted), some to VISIT (an unannounced visit booked). The workflows do the rest.
 *
 * Idempotent across starts: accounts already in APPOINTMENT or VISIT count, and only
 * accounts still in REMINDING are moved. Workflows that cannot take an override (a worker
 * from before field collection) are left alone, and the answer says why.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { AccountMessageDeps } from '../api/account-messages';
import { sendStageOverride } from '../api/field-messages';
import type { OVERRIDABLE_STAGES } from '../domain/field-collection';
import { accountHandle } from '../temporal/account-workflow';
import type { Stage } from '../domain/stages';
import { summaryQuery, type AccountSummary } from '../../workflows/account/contract';
import { demoTimeZone } from './portfolio';

export const DEMO_SUPERVISOR = 'supervisor-01';
export const DEMO_OVERRIDE_REASON = 'demo: reminders already exhausted';

export interface FieldDemo {
  /** the accounts now in APPOINTMENT and in VISIT */
  appointment: string[];
  visit: string[];
  /** why none could be moved (the workflows cannot take an override) */
  unavailable?: string;
  /** a proposal waiting for a confirmation, to try confirm-appointment on */
  proposal?: { appointmentId: number; accountId: string; slotIds: string[] };
  /** a visit in the calendar (collector-01's when there is one), to try no-show and visit-report on */
  visitBooked?: { appointmentId: number; accountId: string; collectorId: string; startsAt: string };
}

interface Options {
  /** how many accounts each stage should have */
  perStage?: number;
  /** how long to wait for workflows to be ready, and for their proposals and visits to show */
  settleMs?: number;
}

/**
 * The demo accounts a supervisor would move first, in the order given (the overdue list is
 * longest overdue first): those of borrowers in Shanghai, where the field team works.
 */
export function fieldDemoCandidates(overdue: readonly { accountId: string }[]): string[] {
  return overdue.map((a) => a.accountId).filter((id) => {
    const n = /^DEMO-A(\d+)$/.exec(id)?.[1];
    return n !== undefined && demoTimeZone(Number(n)) === 'Asia/Shanghai';
  });
}

/** `read` again until `done` or the deadline; the last value (undefined when it kept failing). */
export async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean, deadline: number): Promise<T | undefined> {
  for (;;) {
    const value = await read().catch(() => undefined);
    if ((value !== undefined && done(value)) || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Moves candidates (in order) until each stage has `perStage` accounts; see the module's comment. */
export async function moveDemoAccountsToTheField(deps: AccountMessageDeps, candidates: readonly string[], { perStage = 3, settleMs = 20_000 }: Options = {}): Promise<FieldDemo> {
  const deadline = Date.now() + settleMs;
  const demo: FieldDemo = { appointment: [], visit: [] };
  // No workflow (the account was cured, or never overdue), or one that cannot answer (its
  // task failing): null at once, not a wait; the next candidate will do.
  const summaryOf = (handle: WorkflowHandle) => () => handle.query(summaryQuery).catch(() => null);
  const wanted = (): (typeof OVERRIDABLE_STAGES)[number] | null => (demo.appointment.length < perStage ? 'APPOINTMENT' : demo.visit.length < perStage ? 'VISIT' : null);

  for (const accountId of candidates) {
    const to = wanted();
    if (!to) break;
    const handle = accountHandle(deps.temporal, accountId);
    // a run just started by the screening is SCREENED until its treatment is chosen
    const summary = await settle(summaryOf(handle), (s) => s === null || s.stage !== 'SCREENED', deadline);
    const stage: Stage | undefined = summary?.stage;
    if (stage === 'APPOINTMENT' || stage === 'VISIT') {
      (stage === 'APPOINTMENT' ? demo.appointment : demo.visit).push(accountId);
      continue;
    }
    if (stage !== 'REMINDING') continue;
    const outcome = await sendStageOverride(deps, accountId, { to, supervisorId: DEMO_SUPERVISOR, reason: DEMO_OVERRIDE_REASON });
    if (outcome.kind === 'DONE') (to === 'APPOINTMENT' ? demo.appointment : demo.visit).push(accountId);
    else if (outcome.kind === 'REJECTED' && /handler/i.test(outcome.error)) {
      demo.unavailable = `the workflows cannot take a stage override yet (${outcome.error})`;
      break;
    }
  }
  await findSamples(deps, demo, deadline);
  return demo;
}

/** A proposal and a visit to try the commands on, once the workflows have made them. */
async function findSamples(deps: AccountMessageDeps, demo: FieldDemo, deadline: number): Promise<void> {
  const summaries = async (accountIds: string[]) =>
    (await Promise.all(accountIds.map((id) => accountHandle(deps.temporal, id).query(summaryQuery).catch(() => undefined)))).filter(
      (s): s is AccountSummary => s !== undefined,
    );
  const proposals = demo.appointment.length ? await settle(() => summaries(demo.appointment), (all) => all.some((s) => s.appointment), deadline) : [];
  const proposed = proposals?.find((s) => s.appointment);
  if (proposed?.appointment) demo.proposal = { appointmentId: proposed.appointment.appointmentId, accountId: proposed.accountId, slotIds: proposed.appointment.slots.map((s) => s.slotId) };

  const visits = demo.visit.length ? await settle(() => summaries(demo.visit), (all) => all.every((s) => s.visit || s.stage !== 'VISIT'), deadline) : [];
  const booked = visits?.filter((s) => s.visit) ?? [];
  const sample = booked.find((s) => s.visit?.collectorId === 'collector-01') ?? booked[0];
  if (sample?.visit) demo.visitBooked = { appointmentId: sample.visit.appointmentId, accountId: sample.accountId, collectorId: sample.visit.collectorId, startsAt: sample.visit.startsAt };
}

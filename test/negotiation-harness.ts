/**
 * Bringing an account to NEGOTIATION on the time-skipping server, for the negotiation and
 * plan stage tests: an account overdue for a while with nothing more to come, its risk tier,
 * the supervisor's override to a visit, and the collector's report stating the borrower's
 * income and outgoings (the surplus the offer is sized from).
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Pool } from '../src/db/pool';
import type { Offer } from '../src/domain/negotiation';
import { overrideStageUpdate, submitVisitReportUpdate, summaryQuery, type AccountSummary } from '../workflows/account/contract';
import type { CollectionHarness } from './collection-harness';
import { setRiskTier } from './early-collection-seeds';
import { validVisitReport } from './field-collection-seeds';
import { daytimeZoneAt, eventually, isoDateFrom, seedAccount } from './support';

const MINUTE = 60_000;

export interface NegotiationSeed {
  tier?: string;
  /** days past due of each CNY 1000.00 installment (all overdue: nothing more to come) */
  overdueDays?: number[];
  /** days from now of each CNY 1000.00 installment still to come (default none) */
  toComeDays?: number[];
  /** the visit report's monthly income and outgoings, decimal CNY */
  income?: string;
  outgoings?: string;
}

export function negotiationSteps(harness: CollectionHarness, supervisor: () => string) {
  const summaryOf = (handle: WorkflowHandle) => handle.query(summaryQuery);
  const until = (handle: WorkflowHandle, done: (s: AccountSummary) => boolean) => eventually(() => summaryOf(handle), done);

  async function sleepUntil(at: number | string): Promise<void> {
    const left = (typeof at === 'string' ? Date.parse(at) : at) - (await harness.serverNow());
    if (left > 0) await harness.env.sleep(left + MINUTE);
  }

  async function overdueAccount(pool: Pool, seed: NegotiationSeed): Promise<string> {
    const now = await harness.serverNow();
    const accountId = await seedAccount(pool, {
      timeZone: daytimeZoneAt(now),
      installments: [...(seed.overdueDays ?? [80, 50, 20]).map((days) => -days), ...(seed.toComeDays ?? [])].map((days) => ({ dueDate: isoDateFrom(now, days), amount: 100_000 })),
    });
    await setRiskTier(pool, accountId, seed.tier ?? 'LOW');
    return accountId;
  }

  /** An overdue account's run in REMINDING, its first SMS sent and the agent's call next (a timer: nothing in flight). */
  async function reminding(seed: NegotiationSeed) {
    const accountId = await overdueAccount(harness.pool, seed);
    const handle = await harness.start(accountId, 'standard');
    const first = await until(handle, (s) => s.stage === 'REMINDING' && (!!s.nextStep?.action.startsWith('CALL') || !!s.nextStep?.action.includes('refused')));
    if (!first.nextStep!.action.startsWith('CALL')) await sleepUntil(first.nextStep!.at);
    await until(handle, (s) => s.stage === 'REMINDING' && !!s.nextStep?.action.startsWith('CALL'));
    return { accountId, handle };
  }

  /**
   * An account a supervisor moved from REMINDING straight to NEGOTIATION (no visit, no report:
   * the offer is sized from the book), its first offer out or waiting for a supervisor.
   */
  async function overriddenToNegotiation(seed: NegotiationSeed = {}) {
    const { accountId, handle } = await reminding(seed);
    const moved = await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'NEGOTIATION', supervisorId: supervisor(), reason: 'test: the borrower asked for a plan' }] });
    const s = await offerOut(handle);
    return { accountId, handle, moved, offer: s.offer! };
  }

  /**
   * An account in NEGOTIATION with its first offer made: reminders begun, the supervisor's
   * override to a visit, the visit, and a report recommending a plan. Waits until the offer
   * is out (OFFERED and sent) or waiting for a supervisor, so no activity is in flight.
   */
  async function inNegotiation(seed: NegotiationSeed = {}) {
    const { accountId, handle } = await reminding(seed);
    await handle.executeUpdate(overrideStageUpdate, { args: [{ to: 'VISIT', supervisorId: supervisor(), reason: 'test: straight to a visit' }] });
    const { visit } = await until(handle, (s) => s.stage === 'VISIT' && !!s.visit);
    await sleepUntil(visit!.startsAt);
    const report = validVisitReport(visit!.appointmentId, visit!.collectorId, new Date(await harness.serverNow()).toISOString(), 'PLAN');
    report.interview.monthlyIncome = seed.income ?? '6600.00';
    report.interview.monthlyOutgoings = seed.outgoings ?? '6100.00';
    await handle.executeUpdate(submitVisitReportUpdate, { args: [report] });
    const s = await offerOut(handle);
    return { accountId, handle, offer: s.offer! };
  }

  /**
   * Until the offer is settled and `done` holds; a message the contact policy refused for the
   * borrower's hours (time skipping may land in their night) is waited out.
   */
  async function offerOut(handle: WorkflowHandle, done: (s: AccountSummary) => boolean = () => true): Promise<AccountSummary> {
    for (;;) {
      const s = await until(handle, (x) => (offerSettled(x) && done(x)) || (x.stage === 'NEGOTIATION' && !!x.nextStep?.action.includes('refused')));
      if (offerSettled(s) && done(s)) return s;
      await sleepUntil(s.nextStep!.at);
    }
  }

  /** The offer is out and waiting for the borrower, or waiting for a supervisor: the story is in a timer. */
  const offerSettled = (s: AccountSummary) =>
    s.stage === 'NEGOTIATION' && !!s.offer && (s.offer.status === 'AWAITING_APPROVAL' ? !!s.nextStep?.action.includes('supervisor') : !!s.nextStep?.action.includes("borrower's answer"));

  const optionOf = (offer: Offer, kind: Offer['options'][number]['kind']) => {
    const found = offer.options.find((o) => o.kind === kind);
    if (!found) throw new Error(`offer ${offer.offerId} has no ${kind} (${offer.options.map((o) => o.kind).join(', ')})`);
    return found;
  };

  return { summaryOf, until, sleepUntil, reminding, inNegotiation, overriddenToNegotiation, offerSettled, offerOut, optionOf };
}

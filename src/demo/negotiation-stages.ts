/**
 * "In the demo some accounts reach NEGOTIATION with offers" (issue 16): of the demo accounts
 * supervisor-01 sent to a visit (field-stages.ts), the collector booked on the first few
 * files the report of examples/visit-report.json, recommending a plan, with the submitVisitReport
 * update as the field app would. The workflow moves the account to NEGOTIATION and makes its
 * offer (three options sized from the report's income and outgoings); an operator approves
 * its waivers (arrears waiver), answers for the borrower (arrears respond) and watches the
 * plan run (PlanStatus in the UI).
 *
 * Idempotent across starts: the report's update id is per appointment, so a second start
 * gets the first answer back; accounts already in NEGOTIATION or PLAN_ACTIVE count.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccountMessageDeps } from '../api/account-messages';
import { sendVisitReport, type VisitReportBody } from '../api/field-messages';
import type { Offer } from '../domain/negotiation';
import { PROJECT_ROOT } from '../paths';
import { accountHandle } from '../temporal/account-workflow';
import { summaryQuery } from '../../workflows/account/contract';

export interface NegotiationDemo {
  /** the accounts now negotiating (or on a plan) */
  negotiation: string[];
  /** one account's offer, to try arrears offer, waiver and respond on */
  offer?: Offer;
}

/** The example report (the collector's own id and today's time put in). */
function demoReport(collectorId: string, visitedAt: string): VisitReportBody {
  const example = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'visit-report.json'), 'utf8')) as VisitReportBody & { appointmentId?: number };
  const { appointmentId: _ignored, ...report } = example;
  return { ...report, submittedBy: collectorId, visitedAt };
}

/** Reports for the first `count` visits in hand; waits up to `settleMs` for the offers. */
export async function moveDemoAccountsToNegotiation(deps: AccountMessageDeps, visitAccounts: readonly string[], { count = 2, settleMs = 20_000 } = {}): Promise<NegotiationDemo> {
  const deadline = Date.now() + settleMs;
  const demo: NegotiationDemo = { negotiation: [] };
  for (const accountId of visitAccounts) {
    if (demo.negotiation.length >= count) break;
    const summary = await accountHandle(deps.temporal, accountId)
      .query(summaryQuery)
      .catch(() => undefined);
    if (summary?.stage === 'NEGOTIATION' || summary?.stage === 'PLAN_ACTIVE') {
      demo.negotiation.push(accountId);
      continue;
    }
    if (summary?.stage !== 'VISIT' || !summary.visit) continue;
    const { appointmentId, collectorId } = summary.visit;
    const outcome = await sendVisitReport(deps, appointmentId, demoReport(collectorId, new Date().toISOString()));
    if (outcome.kind === 'DONE' && outcome.result.nextStage === 'NEGOTIATION') demo.negotiation.push(accountId);
  }
  // The offer of the first one, once its workflow has made it.
  for (const accountId of demo.negotiation) {
    for (;;) {
      const s = await accountHandle(deps.temporal, accountId)
        .query(summaryQuery)
        .catch(() => undefined);
      if (s?.offer) {
        demo.offer = s.offer;
        return demo;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return demo;
}

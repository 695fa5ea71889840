/**
 * Issue 17: the activities under the LEGAL stage and the exits. Each is idempotent: a
 * decision, a referral, an outcome, a placement, a recommendation once per key; a recall
 * once per placement; a write-off decided once (the same decision again is answered as
 * before); a recovery once per payment event; a closure once per account.
 *
 * - decideLegal: weighs cost against expected recovery (src/legal/decision.ts) from the
 *   account's figures and the latest visit report; records it with its figures and audits it.
 * - referToLegal: writes the evidence bundle (the account export, src/account-export) where
 *   config says and opens the case for the legal team with the bundle's SHA-256.
 * - recordLegalOutcome: the legal team's report, checked in order against the case.
 * - placeWithAgency / recallPlacement / resendRecalls: the placement saga. The record and
 *   the message commit together through the outbox; over HTTP the message goes after the
 *   commit, once per key. A recall is recorded before it is sent; a send that fails is
 *   retried (same key); one the agency refuses is escalated to staff (audit), and
 *   resendRecalls tries the unsent ones again.
 * - recommendWriteOff / decideWriteOff / recordRecovery: the write-off and what comes after.
 * - closeAccount / releaseAccountWork: the CLOSED exit, and every exit's clean-up.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { exportAccount } from '../src/account-export/export-account';
import { addDays } from '../src/contact-policy/local-time';
import { JURISDICTIONS } from '../src/contact-policy/policy';
import { loadAccountFigures } from '../src/db/account-figures';
import { recordAccess } from '../src/db/access-log';
import { recordAuditEvent } from '../src/db/audit';
import { caseOutcomes, caseView, findCaseByKey, findDecisionByKey, findOutcomeCaseByKey, insertCase, insertDecision, insertOutcome, latestDecision, legalBasisFacts, loadCase, loadDecision, type DecisionRow } from '../src/db/legal';
import { loadAccountBalance } from '../src/db/negotiations';
import {
  findPlacementByKey,
  insertPlacement,
  insertRecall,
  loadPlacement,
  markPlacementSent,
  placementInForce,
  placementView,
  recallAttempted,
  recallKeyOf,
  recallSent,
  unsentRecalls,
  type PlacementRow,
} from '../src/db/placements';
import { inTransaction, type Queryable } from '../src/db/pool';
import { activeStaffRole } from '../src/db/staff';
import { approvedWriteOffOf, decideWriteOffRow, findWriteOffByKey, insertClosure, insertRecommendation, loadWriteOff, recordWriteOffRecovery, writeOffView } from '../src/db/write-offs';
import { FailureType } from '../src/domain/failures';
import { balanceTotal, PRODUCTS } from '../src/domain/negotiation';
import {
  outcomeOutOfOrder,
  type AccountClosed,
  type LegalBasis,
  type LegalCaseView,
  type LegalDecision,
  type LegalOutcome,
  type PlacementView,
  type RecallReason,
  type WriteOffDecision,
  type WriteOffView,
} from '../src/domain/legal';
import { DEFAULT_BUSINESS_TIME_ZONE } from '../src/domain/time-zones';
import { decideLegalAction, LegalDecisionError } from '../src/legal/decision';
import { loadLegalConfig } from '../src/legal/load';
import { DEFAULT_DATA_DIR } from '../src/paths';
import { failure } from './appointments';
import { businessDayOf } from './business-day';
import { accountNotFound } from './contact';
import type { ActivityDeps } from './deps';
import { OutboxAgencyProvider, type AgencyMessage } from './providers/agency-provider';

export interface DecideLegalInput {
  /** one per decision of one run chain: a retry finds the first */
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  at: number;
}
export interface LegalDecided {
  decisionId: number;
  decision: LegalDecision;
}
export interface DecisionRef {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  decisionId: number;
  at: number;
}
export interface RecordLegalOutcomeInput {
  /** the update's id: a retry finds the first */
  idempotencyKey: string;
  accountId: string;
  outcome: LegalOutcome;
  at: number;
}
export interface RecallPlacementInput {
  idempotencyKey: string;
  accountId: string;
  placementId: number;
  reason: RecallReason;
  /** the supervisor, for a SUPERVISOR recall (checked as an active supervisor) */
  requestedBy?: string;
  note?: string;
  at: number;
}
export interface RecommendWriteOffInput {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  basis: 'CHARGE_OFF_REACHED' | 'LEGAL_DOES_NOT_PAY';
  decisionId?: number;
  at: number;
}
export interface DecideWriteOffInput {
  accountId: string;
  decision: WriteOffDecision;
  at: number;
}
export interface CloseAccountInput {
  accountId: string;
  workflowId: string;
  event: AccountClosed;
  at: number;
}

/** What the LEGAL stage follows, with the config's version: recorded in the run's history. */
export interface LegalPolicy {
  configVersion: string;
  chargeOffDays: Record<(typeof JURISDICTIONS)[number], Record<(typeof PRODUCTS)[number], number>>;
}

export function createLegalActivities({ pool, businessTimeZone = DEFAULT_BUSINESS_TIME_ZONE, ...deps }: ActivityDeps) {
  // Loaded once, when the worker starts: a bad file stops it there.
  const config = deps.legal ?? loadLegalConfig();
  const agencyProvider = deps.agencyProvider ?? new OutboxAgencyProvider(pool);
  const bundleDir = deps.legalBundleDir ?? path.join(DEFAULT_DATA_DIR, 'legal-bundles');

  const audit = (db: Queryable, key: string, accountId: string, workflowId: string | null, kind: string, detail: Record<string, unknown>, at: number) =>
    recordAuditEvent(db, { idempotencyKey: `${kind}:${key}`, accountId, workflowId, kind, detail, occurredAt: new Date(at).toISOString() });

  async function decisionOf(accountId: string, decisionId: number, action: LegalDecision['action']): Promise<DecisionRow> {
    const row = await loadDecision(pool, decisionId);
    if (!row || row.accountId !== accountId) throw failure(FailureType.UnknownLegalDecision, `legal decision ${decisionId} is not account ${accountId}'s`);
    if (row.decision.action !== action) throw failure(FailureType.UnknownLegalDecision, `legal decision ${decisionId} is ${row.decision.action}, not ${action}`);
    return row;
  }

  /** The balance still owed (overdue and not yet due), minor units. */
  async function balanceOf(db: Queryable, accountId: string, at: number): Promise<{ currency: string; amount: number }> {
    const balance = await loadAccountBalance(db, accountId, businessDayOf({ at }, businessTimeZone));
    if (!balance) throw accountNotFound(accountId);
    return { currency: balance.currency, amount: balanceTotal(balance.overdue) + balanceTotal(balance.notYetDue) };
  }

  /** Sends a message through the agency provider: within the caller's transaction for an outbox, after it otherwise. */
  async function sendToAgency(message: AgencyMessage, tx?: Queryable): Promise<{ agencyReference: string }> {
    const provider = tx && agencyProvider.within ? agencyProvider.within(tx) : agencyProvider;
    return provider.send(message);
  }

  async function placementOf(accountId: string, placementId: number): Promise<PlacementRow> {
    const row = await loadPlacement(pool, placementId);
    if (!row || row.account_id !== accountId) throw failure(FailureType.UnknownPlacement, `placement ${placementId} is not account ${accountId}'s`);
    return row;
  }

  /** Sends the recorded recall (its own key); marks it sent, or counts the failure: a refusal escalates (the compensation), anything else is retried. */
  async function sendRecall(row: PlacementRow, at: number): Promise<PlacementView> {
    const recall = await recallKeyOf(pool, row.id);
    if (!recall) throw new Error(`placement ${row.id} has no recall recorded`);
    const message: AgencyMessage = { idempotencyKey: recall.idempotencyKey, kind: 'RECALL', agencyId: row.agency_id, accountId: row.account_id, placementId: row.id, reason: recall.reason };
    try {
      await inTransaction(pool, async (tx) => {
        await sendToAgency(message, agencyProvider.within ? tx : undefined);
        await recallSent(tx, row.id, new Date(at));
        await audit(tx, recall.idempotencyKey, row.account_id, null, 'PLACEMENT_RECALLED', { placementId: row.id, agencyId: row.agency_id, reason: recall.reason }, at);
      });
    } catch (err) {
      const refused = err instanceof ApplicationFailure && err.type === FailureType.ProviderRejected;
      await recallAttempted(pool, row.id, (err as Error).message, refused ? 'ESCALATED' : 'PENDING');
      if (!refused) throw err;
      // The agency will not take the recall: staff must reach it another way. The placement stays
      // RECALL_PENDING (the bank treats the account as recalled) and resendRecalls tries again.
      await audit(pool, recall.idempotencyKey, row.account_id, null, 'PLACEMENT_RECALL_ESCALATED', { placementId: row.id, agencyId: row.agency_id, reason: recall.reason, error: (err as Error).message }, at);
      log.warn('agency refused a recall: escalated to staff', { placementId: row.id, agencyId: row.agency_id });
    }
    return placementView((await loadPlacement(pool, row.id))!);
  }

  return {
    async loadLegalPolicy(): Promise<LegalPolicy> {
      const p = config.chargeOff.presets;
      return { configVersion: config.version, chargeOffDays: { CN: p.CN.daysPastDue, US: p.US.daysPastDue } };
    },

    async decideLegal({ idempotencyKey, accountId, workflowId, at }: DecideLegalInput): Promise<LegalDecided> {
      const earlier = await findDecisionByKey(pool, idempotencyKey);
      if (earlier) return { decisionId: earlier.decisionId, decision: earlier.decision };
      const asOf = businessDayOf({ at }, businessTimeZone);
      const [figures, facts, balance] = await Promise.all([loadAccountFigures(pool, accountId, asOf), legalBasisFacts(pool, accountId), balanceOf(pool, accountId, at)]);
      if (!figures || !facts) throw accountNotFound(accountId);
      const jurisdiction = JURISDICTIONS.find((j) => j === facts.jurisdiction);
      const product = PRODUCTS.find((p) => p === facts.product);
      if (!jurisdiction || !product) throw failure(FailureType.LegalDecisionNotPossible, `account ${accountId}: no legal costs for jurisdiction ${facts.jurisdiction} or product ${facts.product}`);
      const basis: LegalBasis = {
        accountId,
        jurisdiction,
        currency: balance.currency,
        product,
        riskTier: figures.riskTier,
        bucket: figures.bucket,
        daysPastDue: figures.daysPastDue,
        claim: balance.amount,
        assetsSeen: facts.assetsSeen,
        collateral: facts.collateral,
        oldestUnpaidDueDate: figures.oldestUnpaidDueDate,
        asOf,
      };
      let decision: LegalDecision;
      try {
        decision = decideLegalAction(config, basis);
      } catch (err) {
        if (err instanceof LegalDecisionError) throw failure(FailureType.LegalDecisionNotPossible, `account ${accountId}: ${err.message}`);
        throw err;
      }
      const decisionId = await inTransaction(pool, async (tx) => {
        const id = await insertDecision(tx, { idempotencyKey, workflowId, basis, decision, at: new Date(at) });
        if (id === undefined) return undefined;
        await audit(tx, idempotencyKey, accountId, workflowId, 'LEGAL_DECISION', { decisionId: id, action: decision.action, configVersion: decision.configVersion, claim: decision.claim, cost: decision.cost.total, discountedRecovery: decision.discountedRecovery, reason: decision.reason }, at);
        return id;
      });
      // Raced by a retry of the same key: the first one's decision stands.
      if (decisionId === undefined) {
        const first = (await findDecisionByKey(pool, idempotencyKey))!;
        return { decisionId: first.decisionId, decision: first.decision };
      }
      log.info('legal decision recorded', { accountId, decisionId, action: decision.action });
      return { decisionId, decision };
    },

    async latestLegalDecision({ accountId }: { accountId: string }): Promise<LegalDecided | null> {
      const row = await latestDecision(pool, accountId);
      return row ? { decisionId: row.decisionId, decision: row.decision } : null;
    },

    async referToLegal({ idempotencyKey, accountId, workflowId, decisionId, at }: DecisionRef): Promise<LegalCaseView> {
      const earlier = await findCaseByKey(pool, idempotencyKey);
      if (earlier) return caseView(pool, earlier);
      const decision = await decisionOf(accountId, decisionId, 'REFER');
      // The bundle is the account's export as of the referral; a retry writes it again under the same name.
      const bundle = await exportAccount(pool, accountId, { generatedBy: `legal referral ${idempotencyKey}`, generatedAt: new Date(at) });
      await fs.mkdir(bundleDir, { recursive: true });
      const bundlePath = path.join(bundleDir, `${accountId}-decision-${decisionId}.zip`);
      await fs.writeFile(bundlePath, bundle.zip);
      const caseId = await inTransaction(pool, async (tx) => {
        const id = await insertCase(tx, { idempotencyKey, accountId, workflowId, decisionId, currency: decision.decision.currency, claim: decision.decision.claim, bundlePath, bundleSha256: bundle.sha256, at: new Date(at) });
        if (id === undefined) return undefined;
        // The bundle holds personal data: its making is a view for the legal team, logged as one.
        await recordAccess(tx, { caller: { subject: workflowId, roles: ['LEGAL'] }, kinds: ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER', 'INCOME', 'VISIT_REPORT_TEXT'], accountIds: [accountId], via: 'EXPORT', purpose: 'legal referral evidence bundle', at: new Date(at) });
        await audit(tx, idempotencyKey, accountId, workflowId, 'LEGAL_REFERRAL', { caseId: id, decisionId, bundleSha256: bundle.sha256, files: bundle.manifest.files.length }, at);
        return id;
      });
      const row = caseId === undefined ? await findCaseByKey(pool, idempotencyKey) : await loadCase(pool, caseId);
      log.info('referred to legal', { accountId, caseId: row!.id });
      return caseView(pool, row!);
    },

    async loadLegalCase({ accountId, caseId }: { accountId: string; caseId: number }): Promise<LegalCaseView> {
      const row = await loadCase(pool, caseId);
      if (!row || row.account_id !== accountId) throw failure(FailureType.UnknownLegalCase, `legal case ${caseId} is not account ${accountId}'s`);
      return caseView(pool, row);
    },

    async recordLegalOutcome({ idempotencyKey, accountId, outcome, at }: RecordLegalOutcomeInput): Promise<LegalCaseView> {
      const known = await findOutcomeCaseByKey(pool, idempotencyKey);
      if (known !== undefined) return caseView(pool, (await loadCase(pool, known))!);
      const row = await inTransaction(pool, async (tx) => {
        const c = await loadCase(tx, outcome.caseId, { lock: true });
        if (!c || c.account_id !== accountId) throw failure(FailureType.UnknownLegalCase, `legal case ${outcome.caseId} is not account ${accountId}'s`);
        const earlier = await caseOutcomes(tx, c.id);
        const problem = outcomeOutOfOrder(
          earlier.map((o) => ({ outcome: o.outcome, occurredOn: o.occurred_on })),
          { ...outcome, ...('currency' in outcome ? { currency: outcome.currency } : {}) },
          businessDayOf({ at }, businessTimeZone),
          c.currency,
        );
        if (problem) throw failure(FailureType.LegalOutcomeNotAccepted, `case ${c.id}: ${problem}`);
        await insertOutcome(tx, { idempotencyKey, outcome, at: new Date(at) });
        await audit(tx, idempotencyKey, accountId, null, 'LEGAL_OUTCOME', { caseId: c.id, outcome: outcome.outcome, occurredOn: outcome.occurredOn, reportedBy: outcome.reportedBy, ...('amount' in outcome ? { amount: outcome.amount } : {}) }, at);
        return (await loadCase(tx, c.id))!;
      });
      return caseView(pool, row);
    },

    async placeWithAgency({ idempotencyKey, accountId, workflowId, decisionId, at }: DecisionRef): Promise<PlacementView> {
      let row = await findPlacementByKey(pool, idempotencyKey);
      if (!row) {
        const decision = await decisionOf(accountId, decisionId, 'PLACE_WITH_AGENCY');
        const agency = decision.decision.agency!;
        const balance = await balanceOf(pool, accountId, at);
        const recallBy = addDays(businessDayOf({ at }, businessTimeZone), agency.placementTermDays);
        const placed = { agencyId: agency.agencyId, commissionRate: agency.commissionRate, currency: balance.currency, placedAmount: balance.amount, recallBy };
        await inTransaction(pool, async (tx) => {
          const id = await insertPlacement(tx, { idempotencyKey, accountId, workflowId, decisionId, ...placed, at: new Date(at) });
          if (id === undefined) return;
          await audit(tx, idempotencyKey, accountId, workflowId, 'AGENCY_PLACEMENT', { placementId: id, decisionId, ...placed }, at);
          // The outbox's message commits with the record; an HTTP agency hears after the commit (below).
          if (agencyProvider.within) {
            const sent = await sendToAgency({ idempotencyKey, kind: 'PLACEMENT', accountId, placementId: id, agencyId: placed.agencyId, currency: placed.currency, amount: placed.placedAmount, commissionRate: placed.commissionRate, recallBy }, tx);
            await markPlacementSent(tx, id, sent.agencyReference, new Date(at));
          }
        });
        row = (await findPlacementByKey(pool, idempotencyKey))!;
      }
      if (row.sent_at === null) {
        const sent = await sendToAgency({ idempotencyKey, kind: 'PLACEMENT', accountId, placementId: row.id, agencyId: row.agency_id, currency: row.currency, amount: row.placed_amount, commissionRate: row.commission_rate, recallBy: row.recall_by });
        await markPlacementSent(pool, row.id, sent.agencyReference, new Date(at));
        row = (await loadPlacement(pool, row.id))!;
      }
      return placementView(row);
    },

    async placementOfAccount({ accountId }: { accountId: string }): Promise<PlacementView | null> {
      const row = await placementInForce(pool, accountId);
      return row ? placementView(row) : null;
    },

    async recallPlacement({ idempotencyKey, accountId, placementId, reason, requestedBy, note, at }: RecallPlacementInput): Promise<PlacementView> {
      const row = await placementOf(accountId, placementId);
      if (row.status === 'RECALLED') return placementView(row);
      if (reason === 'SUPERVISOR' && (!requestedBy || (await activeStaffRole(pool, requestedBy)) !== 'SUPERVISOR'))
        throw failure(FailureType.NotASupervisor, `${requestedBy ?? 'nobody'} is not an active supervisor: only a supervisor recalls a placement by hand`);
      await inTransaction(pool, async (tx) => {
        await insertRecall(tx, { idempotencyKey, placementId, reason, requestedBy: requestedBy ?? null, note: note ?? null, at: new Date(at) });
        await audit(tx, idempotencyKey, accountId, null, 'PLACEMENT_RECALL_REQUESTED', { placementId, agencyId: row.agency_id, reason, requestedBy: requestedBy ?? null }, at);
      });
      return sendRecall((await loadPlacement(pool, placementId))!, at);
    },

    /** The compensation's retry: every recall not yet taken (pending or escalated) sent again with its own key. */
    async resendRecalls({ limit = 100, at }: { limit?: number; at: number }): Promise<{ sent: number; unsent: number }> {
      let sent = 0;
      const work = await unsentRecalls(pool, limit);
      for (const { placementId } of work) {
        const view = await sendRecall((await loadPlacement(pool, placementId))!, at).catch(() => undefined);
        if (view?.status === 'RECALLED') sent += 1;
      }
      return { sent, unsent: work.length - sent };
    },

    async recommendWriteOff({ idempotencyKey, accountId, workflowId, basis, decisionId, at }: RecommendWriteOffInput): Promise<WriteOffView> {
      const earlier = await findWriteOffByKey(pool, idempotencyKey);
      if (earlier) return writeOffView(earlier);
      if (decisionId !== undefined) await decisionOf(accountId, decisionId, 'RECOMMEND_WRITE_OFF');
      const balance = await balanceOf(pool, accountId, at);
      const id = await inTransaction(pool, async (tx) => {
        const recommended = await insertRecommendation(tx, { idempotencyKey, accountId, workflowId, decisionId: decisionId ?? null, basis, currency: balance.currency, amount: balance.amount, at: new Date(at) });
        await audit(tx, idempotencyKey, accountId, workflowId, 'WRITE_OFF_RECOMMENDED', { recommendationId: recommended, basis, amount: balance.amount, currency: balance.currency }, at);
        return recommended!;
      });
      return writeOffView((await loadWriteOff(pool, id))!);
    },

    async decideWriteOff({ accountId, decision, at }: DecideWriteOffInput): Promise<WriteOffView> {
      if ((await activeStaffRole(pool, decision.supervisorId)) !== 'SUPERVISOR') throw failure(FailureType.NotASupervisor, `${decision.supervisorId} is not an active supervisor: only a supervisor decides a write-off`);
      const row = await inTransaction(pool, async (tx) => {
        const w = await loadWriteOff(tx, decision.recommendationId, { lock: true });
        if (!w || w.account_id !== accountId) throw failure(FailureType.UnknownWriteOff, `write-off ${decision.recommendationId} is not account ${accountId}'s`);
        const status = decision.decision === 'APPROVE' ? 'APPROVED' : 'DECLINED';
        if (w.status !== 'RECOMMENDED') {
          if (w.status === status && w.decided_by === decision.supervisorId) return w;
          throw failure(FailureType.WriteOffNotOpen, `write-off ${w.id} is already ${w.status}`);
        }
        // Approved: the balance owed that day is what is written off.
        const amount = status === 'APPROVED' ? (await balanceOf(tx, accountId, at)).amount : w.amount;
        await decideWriteOffRow(tx, { id: w.id, status, amount, decidedBy: decision.supervisorId, reason: decision.reason, at: new Date(at) });
        await audit(tx, `${w.id}`, accountId, null, 'WRITE_OFF_DECIDED', { recommendationId: w.id, decision: decision.decision, supervisorId: decision.supervisorId, reason: decision.reason, amount }, at);
        return (await loadWriteOff(tx, w.id))!;
      });
      return writeOffView(row);
    },

    /** A payment on a written-off account: a recovery, reported; it re-opens nothing. Not written off: nothing recorded. */
    async recordRecovery({ accountId, paymentEventId, at }: { accountId: string; paymentEventId: string; at: number }): Promise<{ recorded: boolean; writeOff: WriteOffView | null }> {
      const recorded = await recordWriteOffRecovery(pool, { accountId, paymentEventId, at: new Date(at) });
      const w = await approvedWriteOffOf(pool, accountId);
      return { recorded, writeOff: w ? writeOffView(w) : null };
    },

    async closeAccount({ accountId, workflowId, event, at }: CloseAccountInput): Promise<{ closureId: number; reason: AccountClosed['reason']; closedOn: string; firstEvent: string }> {
      const closure = await inTransaction(pool, async (tx) => {
        const c = await insertClosure(tx, { accountId, event, at: new Date(at) });
        await audit(tx, c.idempotency_key, accountId, workflowId, 'ACCOUNT_CLOSED', { reason: c.reason, closedOn: c.closed_on, source: c.source }, at);
        return c;
      });
      return { closureId: closure.id, reason: closure.reason, closedOn: closure.closed_on, firstEvent: closure.idempotency_key };
    },

    /** An exit's clean-up: open agent tasks cancelled, open appointments cancelled and their staff released. */
    async releaseAccountWork({ accountId, at }: { accountId: string; at: number }): Promise<{ tasks: number; appointments: number }> {
      return inTransaction(pool, async (tx) => {
        const tasks = await tx.query(`UPDATE agent_tasks SET status = 'CANCELLED', closed_at = $2 WHERE account_id = $1 AND status = 'OPEN'`, [accountId, new Date(at)]);
        const appointments = await tx.query<{ id: number }>(
          `UPDATE appointments SET status = 'CANCELLED', closed_at = $2, close_note = 'account left collection' WHERE account_id = $1 AND status IN ('PROPOSED', 'CONFIRMED') RETURNING id`,
          [accountId, new Date(at)],
        );
        await tx.query(`UPDATE staff_bookings SET status = 'RELEASED', released_at = $2 WHERE appointment_id = ANY($1::bigint[]) AND status = 'BOOKED' AND lower(during) > $2`, [appointments.rows.map((r) => r.id), new Date(at)]);
        return { tasks: tasks.rowCount ?? 0, appointments: appointments.rowCount ?? 0 };
      });
    },
  };
}

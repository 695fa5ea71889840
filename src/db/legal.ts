/**
 * Legal escalation in Postgres (issue 17, migration …70_legal-and-exits.sql): the decision
 * with its figures, the case the legal team works and its outcomes. Each writer inserts
 * once per idempotency key; rows are parsed with zod at the edge.
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import { LEGAL_ACTIONS, LEGAL_CASE_STATUSES, LEGAL_OUTCOMES, legalDecisionSchema, type LegalBasis, type LegalCaseView, type LegalDecision, type LegalOutcome } from '../domain/legal';
import type { Queryable } from './pool';

const iso = (d: Date) => d.toISOString();

// ---------- decisions ----------

const decisionRow = z.object({ id: z.number().int(), account_id: z.string(), action: z.enum(LEGAL_ACTIONS), decision: z.unknown() });
export interface DecisionRow {
  decisionId: number;
  accountId: string;
  decision: LegalDecision;
}
const toDecision = (row: unknown): DecisionRow => {
  const r = decisionRow.parse(row);
  return { decisionId: r.id, accountId: r.account_id, decision: legalDecisionSchema.parse(r.decision) };
};

export async function findDecisionByKey(db: Queryable, idempotencyKey: string): Promise<DecisionRow | undefined> {
  const { rows } = await db.query('SELECT id, account_id, action, decision FROM legal_decisions WHERE idempotency_key = $1', [idempotencyKey]);
  return rows[0] ? toDecision(rows[0]) : undefined;
}

export async function loadDecision(db: Queryable, decisionId: number): Promise<DecisionRow | undefined> {
  const { rows } = await db.query('SELECT id, account_id, action, decision FROM legal_decisions WHERE id = $1', [decisionId]);
  return rows[0] ? toDecision(rows[0]) : undefined;
}

export async function latestDecision(db: Queryable, accountId: string): Promise<DecisionRow | undefined> {
  const { rows } = await db.query('SELECT id, account_id, action, decision FROM legal_decisions WHERE account_id = $1 ORDER BY decided_at DESC, id DESC LIMIT 1', [accountId]);
  return rows[0] ? toDecision(rows[0]) : undefined;
}

export async function insertDecision(db: Queryable, d: { idempotencyKey: string; workflowId: string; basis: LegalBasis; decision: LegalDecision; at: Date }): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO legal_decisions (idempotency_key, account_id, workflow_id, action, config_version, currency, claim, legal_cost, discounted_recovery, charge_off_due_on, basis, decision, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [d.idempotencyKey, d.basis.accountId, d.workflowId, d.decision.action, d.decision.configVersion, d.decision.currency, d.decision.claim, d.decision.cost.total, d.decision.discountedRecovery, d.decision.chargeOff.dueOn, JSON.stringify(d.basis), JSON.stringify(d.decision), d.at],
  );
  return rows[0] ? z.number().int().parse(rows[0].id) : undefined;
}

/** What the decision weighs, read from the loan book and the latest visit report (the figures come from account_figures). */
export async function legalBasisFacts(db: Queryable, accountId: string): Promise<{ jurisdiction: string; product: string; collateral: boolean; assetsSeen: boolean } | undefined> {
  const { rows } = await db.query(
    `SELECT b.jurisdiction, a.product, a.collateral,
            coalesce((SELECT r.documents ->> 'proofOfAssets' = 'SEEN' FROM visit_reports r WHERE r.account_id = a.id ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1), false) AS assets_seen
       FROM accounts a JOIN borrowers b ON b.id = a.borrower_id WHERE a.id = $1`,
    [accountId],
  );
  if (!rows[0]) return undefined;
  const r = z.object({ jurisdiction: z.string(), product: z.string(), collateral: z.boolean(), assets_seen: z.boolean() }).parse(rows[0]);
  return { jurisdiction: r.jurisdiction, product: r.product, collateral: r.collateral, assetsSeen: r.assets_seen };
}

// ---------- cases ----------

const caseRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  decision_id: z.number().int(),
  status: z.enum(LEGAL_CASE_STATUSES),
  assigned_team: z.string(),
  currency: z.string(),
  claim: z.number().int(),
  bundle_path: z.string(),
  bundle_sha256: z.string(),
  referred_at: z.date(),
  next_hearing_on: z.string().nullable(),
});
export type CaseRow = z.infer<typeof caseRow>;

const outcomeRow = z.object({
  id: z.number().int(),
  outcome: z.enum(LEGAL_OUTCOMES),
  occurred_on: z.string(),
  amount: z.number().int().nullable(),
  court_reference: z.string().nullable(),
  hearing_on: z.string().nullable(),
  reported_by: z.string(),
  recorded_at: z.date(),
});

const CASE_COLUMNS = 'id, account_id, decision_id, status, assigned_team, currency, claim, bundle_path, bundle_sha256, referred_at, next_hearing_on';

export async function findCaseByKey(db: Queryable, idempotencyKey: string): Promise<CaseRow | undefined> {
  const { rows } = await db.query(`SELECT ${CASE_COLUMNS} FROM legal_cases WHERE idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? caseRow.parse(rows[0]) : undefined;
}

export async function loadCase(db: Queryable, caseId: number, { lock = false } = {}): Promise<CaseRow | undefined> {
  const { rows } = await db.query(`SELECT ${CASE_COLUMNS} FROM legal_cases WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [caseId]);
  return rows[0] ? caseRow.parse(rows[0]) : undefined;
}

export async function insertCase(db: Queryable, c: { idempotencyKey: string; accountId: string; workflowId: string; decisionId: number; currency: string; claim: number; bundlePath: string; bundleSha256: string; at: Date }): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO legal_cases (idempotency_key, account_id, workflow_id, decision_id, currency, claim, bundle_path, bundle_sha256, referred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [c.idempotencyKey, c.accountId, c.workflowId, c.decisionId, c.currency, c.claim, c.bundlePath, c.bundleSha256, c.at],
  );
  return rows[0] ? z.number().int().parse(rows[0].id) : undefined;
}

export async function caseOutcomes(db: Queryable, caseId: number): Promise<z.infer<typeof outcomeRow>[]> {
  const { rows } = await db.query('SELECT id, outcome, occurred_on, amount, court_reference, hearing_on, reported_by, recorded_at FROM legal_outcomes WHERE case_id = $1 ORDER BY occurred_on, id', [caseId]);
  return rows.map((r) => outcomeRow.parse(r));
}

export async function findOutcomeCaseByKey(db: Queryable, idempotencyKey: string): Promise<number | undefined> {
  const { rows } = await db.query('SELECT case_id FROM legal_outcomes WHERE idempotency_key = $1', [idempotencyKey]);
  return rows[0] ? z.number().int().parse(rows[0].case_id) : undefined;
}

/** The outcome, and the case moved to it (its next hearing, its end); in the caller's transaction. */
export async function insertOutcome(db: Queryable, o: { idempotencyKey: string; outcome: LegalOutcome; at: Date }): Promise<void> {
  const x = o.outcome;
  await db.query(
    `INSERT INTO legal_outcomes (idempotency_key, case_id, outcome, occurred_on, amount, court_reference, hearing_on, reported_by, note, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [o.idempotencyKey, x.caseId, x.outcome, x.occurredOn, 'amount' in x ? x.amount : null, 'courtReference' in x ? x.courtReference : null, 'hearingOn' in x ? (x.hearingOn ?? null) : null, x.reportedBy, x.note ?? null, o.at],
  );
  const ends = x.outcome === 'SETTLED_IN_COURT' || x.outcome === 'RECOVERED' || x.outcome === 'UNRECOVERABLE';
  await db.query(
    `UPDATE legal_cases SET status = $2, next_hearing_on = CASE WHEN $4 THEN NULL ELSE coalesce($3::date, next_hearing_on) END, ended_at = CASE WHEN $4 THEN $5::timestamptz ELSE NULL END WHERE id = $1`,
    [x.caseId, x.outcome, 'hearingOn' in x ? (x.hearingOn ?? null) : null, ends, o.at],
  );
}

export async function caseView(db: Queryable, row: CaseRow): Promise<LegalCaseView> {
  const outcomes = await caseOutcomes(db, row.id);
  return {
    caseId: row.id,
    accountId: row.account_id,
    decisionId: row.decision_id,
    status: row.status,
    assignedTeam: row.assigned_team,
    currency: row.currency,
    claim: row.claim,
    bundlePath: row.bundle_path,
    bundleSha256: row.bundle_sha256,
    referredAt: iso(row.referred_at),
    nextHearingOn: row.next_hearing_on,
    recovered: outcomes.filter((o) => o.outcome === 'RECOVERED' || o.outcome === 'SETTLED_IN_COURT').reduce((s, o) => s + (o.amount ?? 0), 0),
    outcomes: outcomes.map((o) => ({ outcomeId: o.id, outcome: o.outcome, occurredOn: o.occurred_on, amount: o.amount, courtReference: o.court_reference, hearingOn: o.hearing_on, reportedBy: o.reported_by, recordedAt: iso(o.recorded_at) })),
  };
}

/** The legal team's list: open cases (or all), a hearing within the dates when asked, newest referral first. */
export async function listCases(db: Queryable, filter: { accountId?: string; open?: boolean; hearingFrom?: IsoDate; hearingTo?: IsoDate; limit: number }): Promise<CaseRow[]> {
  const { rows } = await db.query(
    `SELECT ${CASE_COLUMNS} FROM legal_cases
      WHERE ($1::text IS NULL OR account_id = $1) AND (NOT $2 OR ended_at IS NULL)
        AND ($3::date IS NULL OR next_hearing_on >= $3) AND ($4::date IS NULL OR next_hearing_on <= $4)
      ORDER BY referred_at DESC, id DESC LIMIT $5`,
    [filter.accountId ?? null, filter.open ?? false, filter.hearingFrom ?? null, filter.hearingTo ?? null, filter.limit],
  );
  return rows.map((r) => caseRow.parse(r));
}

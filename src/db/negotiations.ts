/**
 * Offers and their waivers (issue 16 §2-3): what an offer is sized from (the account's
 * balance by component, the borrower's surplus), the offer once made, the waivers beyond
 * the limits that wait for a supervisor, and the borrower's answer. Rows parsed by zod at
 * the edge; the surplus and a stated income are personal data and live apart.
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import {
  OFFER_STATUSES,
  OPTION_KINDS,
  offerOptionSchema,
  PRODUCTS,
  SURPLUS_SOURCES,
  UNAVAILABLE_REASONS,
  WAIVER_SUBJECTS,
  type Balance,
  type Offer,
  type OfferBasis,
  type OfferStatus,
  type OptionKind,
  type OfferTerms,
} from '../domain/negotiation';
import type { Queryable } from './pool';

// ---------- what an offer is sized from ----------

const balanceRow = z.object({
  product: z.enum(PRODUCTS),
  currency: z.string().length(3),
  overdue_principal: z.number().int(),
  overdue_interest: z.number().int(),
  overdue_fees: z.number().int(),
  due_principal: z.number().int(),
  due_interest: z.number().int(),
  due_fees: z.number().int(),
  due_instalments: z.number().int(),
  next_instalment: z.number().int().nullable(),
});

export interface AccountBalance {
  product: (typeof PRODUCTS)[number];
  currency: string;
  overdue: Balance;
  notYetDue: Balance & { instalments: number; nextInstalment: number };
}

/**
 * The account's unpaid balance by component as of the business day: overdue (due before it)
 * and not yet due, with the installments' repayment state (every known payment applied
 * oldest-due first) and the statement's split (payments settle fees, then interest, then
 * principal). The loan book has no late interest: it is 0 until it has.
 */
export async function loadAccountBalance(db: Queryable, accountId: string, asOf: IsoDate): Promise<AccountBalance | undefined> {
  const { rows } = await db.query(
    `WITH unpaid AS (
       SELECT i.due_date, i.seq, i.amount_due, i.amount_due - coalesce(i.allocated_paid, 0) AS u,
              least(i.principal_due, i.amount_due - coalesce(i.allocated_paid, 0)) AS up,
              least(i.interest_due, i.amount_due - coalesce(i.allocated_paid, 0) - least(i.principal_due, i.amount_due - coalesce(i.allocated_paid, 0))) AS ui
       FROM installments i WHERE i.account_id = $1
     )
     SELECT a.product, a.currency,
            coalesce(sum(u.up) FILTER (WHERE u.due_date < $2::date), 0)::bigint AS overdue_principal,
            coalesce(sum(u.ui) FILTER (WHERE u.due_date < $2::date), 0)::bigint AS overdue_interest,
            coalesce(sum(u.u - u.up - u.ui) FILTER (WHERE u.due_date < $2::date), 0)::bigint AS overdue_fees,
            coalesce(sum(u.up) FILTER (WHERE u.due_date >= $2::date), 0)::bigint AS due_principal,
            coalesce(sum(u.ui) FILTER (WHERE u.due_date >= $2::date), 0)::bigint AS due_interest,
            coalesce(sum(u.u - u.up - u.ui) FILTER (WHERE u.due_date >= $2::date), 0)::bigint AS due_fees,
            count(*) FILTER (WHERE u.due_date >= $2::date AND u.u > 0)::int AS due_instalments,
            (array_agg(u.amount_due ORDER BY u.due_date, u.seq) FILTER (WHERE u.due_date >= $2::date AND u.u > 0))[1] AS next_instalment
     FROM accounts a LEFT JOIN unpaid u ON true
     WHERE a.id = $1
     GROUP BY a.id`,
    [accountId, asOf],
  );
  if (!rows[0]) return undefined;
  const r = balanceRow.parse(rows[0]);
  return {
    product: r.product,
    currency: r.currency,
    overdue: { principal: r.overdue_principal, contractInterest: r.overdue_interest, lateInterest: 0, penaltyFees: r.overdue_fees },
    notYetDue: { principal: r.due_principal, contractInterest: r.due_interest, lateInterest: 0, penaltyFees: r.due_fees, instalments: r.due_instalments, nextInstalment: r.next_instalment ?? 0 },
  };
}

/** The latest visit report's monthly income minus outgoings, minor units; undefined without one. */
export async function latestVisitSurplus(db: Queryable, accountId: string): Promise<number | undefined> {
  const { rows } = await db.query(
    `SELECT pd.monthly_income - pd.monthly_outgoings AS surplus
       FROM visit_reports r JOIN visit_report_personal_data pd ON pd.visit_report_id = r.id
      WHERE r.account_id = $1 ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1`,
    [accountId],
  );
  return rows[0] ? z.number().int().parse(rows[0].surplus) : undefined;
}

/** Of the given accounts, those with an installment due on or after the day: a term extension has something to extend. */
export async function accountsWithInstallmentsToCome(db: Queryable, accountIds: readonly string[], asOf: IsoDate): Promise<Set<string>> {
  const { rows } = await db.query('SELECT DISTINCT account_id FROM installments WHERE account_id = ANY($1::text[]) AND due_date >= $2::date', [accountIds, asOf]);
  return new Set(rows.map((r) => z.string().parse(r.account_id)));
}

// ---------- offers ----------

const offerRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  workflow_id: z.string(),
  round: z.number().int(),
  status: z.enum(OFFER_STATUSES),
  config_version: z.string(),
  currency: z.string(),
  as_of: z.string(),
  valid_until: z.string(),
  approval_deadline: z.date().nullable(),
  options: z.array(offerOptionSchema),
  unavailable: z.array(z.object({ kind: z.enum(OPTION_KINDS), reason: z.enum(UNAVAILABLE_REASONS) })),
  answer: z.enum(['ACCEPT', 'DECLINE', 'COUNTER']).nullable(),
  accepted_option: z.enum(OPTION_KINDS).nullable(),
  response_key: z.string().nullable(),
  basis: z.record(z.string(), z.unknown()),
  surplus_source: z.enum(SURPLUS_SOURCES).nullable(),
  monthly_surplus: z.number().int().nullable(),
  instalment_budget: z.number().int().nullable(),
});
export type OfferRow = z.infer<typeof offerRow>;

const OFFER_COLUMNS = `o.id, o.account_id, o.workflow_id, o.round, o.status, o.config_version, o.currency, o.as_of, o.valid_until, o.approval_deadline,
  o.basis, o.options, o.unavailable, o.answer, o.accepted_option, o.response_key, pd.surplus_source, pd.monthly_surplus, pd.instalment_budget`;
const OFFER_FROM = 'negotiation_offers o LEFT JOIN negotiation_offer_personal_data pd ON pd.offer_id = o.id';

const parseOffer = (row: unknown) => offerRow.parse(row);

export async function findOfferByKey(db: Queryable, idempotencyKey: string): Promise<OfferRow | undefined> {
  const { rows } = await db.query(`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE o.idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? parseOffer(rows[0]) : undefined;
}

export async function loadOffer(db: Queryable, offerId: number, { lock = false } = {}): Promise<OfferRow | undefined> {
  const { rows } = await db.query(`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE o.id = $1${lock ? ' FOR UPDATE OF o' : ''}`, [offerId]);
  return rows[0] ? parseOffer(rows[0]) : undefined;
}

/** The account's newest offer (the one the API and the CLI show). */
export async function latestOffer(db: Queryable, accountId: string): Promise<OfferRow | undefined> {
  const { rows } = await db.query(`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE o.account_id = $1 ORDER BY o.round DESC, o.id DESC LIMIT 1`, [accountId]);
  return rows[0] ? parseOffer(rows[0]) : undefined;
}

export async function openOfferOf(db: Queryable, accountId: string): Promise<OfferRow | undefined> {
  const { rows } = await db.query(`SELECT ${OFFER_COLUMNS} FROM ${OFFER_FROM} WHERE o.account_id = $1 AND o.status IN ('AWAITING_APPROVAL', 'OFFERED')`, [accountId]);
  return rows[0] ? parseOffer(rows[0]) : undefined;
}

/** The round the next offer of this run chain takes: one more than the last. */
export async function nextRound(db: Queryable, accountId: string, workflowId: string): Promise<number> {
  const { rows } = await db.query('SELECT coalesce(max(round), 0) + 1 AS n FROM negotiation_offers WHERE account_id = $1 AND workflow_id = $2', [accountId, workflowId]);
  return z.number().int().parse(rows[0]?.n);
}

export interface NewOffer {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  round: number;
  status: OfferStatus;
  /** what it was sized from; its surplus is stored apart */
  basis: OfferBasis;
  terms: OfferTerms;
  validUntil: IsoDate;
  approvalDeadline: Date | null;
  createdAt: Date;
}

/** Inserts the offer, its personal data and its waivers awaiting approval; undefined when the key is taken (a retry). */
export async function insertOffer(db: Queryable, o: NewOffer): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO negotiation_offers (idempotency_key, account_id, workflow_id, round, status, config_version, currency, as_of, valid_until, approval_deadline, basis, options, unavailable, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      o.idempotencyKey,
      o.accountId,
      o.workflowId,
      o.round,
      o.status,
      o.terms.configVersion,
      o.terms.currency,
      o.terms.asOf,
      o.validUntil,
      o.approvalDeadline,
      JSON.stringify({ ...o.basis, surplus: null }),
      JSON.stringify(o.terms.options),
      JSON.stringify(o.terms.unavailable),
      o.createdAt,
    ],
  );
  const offerId = rows[0] ? z.number().int().parse(rows[0].id) : undefined;
  if (offerId === undefined) return undefined;
  await db.query('INSERT INTO negotiation_offer_personal_data (offer_id, surplus_source, monthly_surplus, instalment_budget) VALUES ($1, $2, $3, $4)', [
    offerId,
    o.terms.surplus?.source ?? null,
    o.terms.surplus?.monthly ?? null,
    o.terms.instalmentBudget,
  ]);
  const waiting = o.terms.options.flatMap((opt) => opt.waivers.filter((w) => w.needsApproval > 0).map((w) => ({ kind: opt.kind, ...w })));
  if (waiting.length > 0) {
    await db.query(
      `INSERT INTO offer_waivers (offer_id, option_kind, subject, owed, within_limit, needs_approval)
       SELECT $1, w.kind, w.subject, w.owed, w.within, w.needs
       FROM jsonb_to_recordset($2::jsonb) AS w(kind text, subject text, owed bigint, within bigint, needs bigint)`,
      [offerId, JSON.stringify(waiting.map((w) => ({ kind: w.kind, subject: w.subject, owed: w.owed, within: w.withinLimit, needs: w.needsApproval })))],
    );
  }
  return offerId;
}

/** The options after a waiver decision (or the deadline), and the status that follows. */
export async function updateOfferTerms(db: Queryable, offerId: number, terms: OfferTerms, status: OfferStatus): Promise<void> {
  await db.query('UPDATE negotiation_offers SET options = $2, unavailable = $3, config_version = $4, status = $5 WHERE id = $1', [
    offerId,
    JSON.stringify(terms.options),
    JSON.stringify(terms.unavailable),
    terms.configVersion,
    status,
  ]);
}

export async function closeOffer(db: Queryable, offerId: number, status: 'EXPIRED' | 'WITHDRAWN', closedAt: Date): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE negotiation_offers SET status = $2, closed_at = $3 WHERE id = $1 AND status IN ('AWAITING_APPROVAL', 'OFFERED')`, [offerId, status, closedAt]);
  return rowCount === 1;
}

export interface OfferAnswer {
  offerId: number;
  responseKey: string;
  answer: 'ACCEPT' | 'DECLINE' | 'COUNTER';
  acceptedOption: OptionKind | null;
  respondedBy: string;
  via: string;
  statedIncome: number | null;
  statedOutgoings: number | null;
  note: string | null;
  at: Date;
}

export async function recordAnswer(db: Queryable, a: OfferAnswer): Promise<void> {
  const status: OfferStatus = a.answer === 'ACCEPT' ? 'ACCEPTED' : a.answer === 'DECLINE' ? 'DECLINED' : 'COUNTERED';
  await db.query(
    `UPDATE negotiation_offers SET status = $2, answer = $3, accepted_option = $4, responded_by = $5, responded_via = $6, response_key = $7, closed_at = $8
      WHERE id = $1`,
    [a.offerId, status, a.answer, a.acceptedOption, a.respondedBy, a.via, a.responseKey, a.at],
  );
  await db.query('UPDATE negotiation_offer_personal_data SET stated_monthly_income = $2, stated_monthly_outgoings = $3, response_note = $4 WHERE offer_id = $1', [
    a.offerId,
    a.statedIncome,
    a.statedOutgoings,
    a.note,
  ]);
}

// ---------- waivers awaiting a supervisor ----------

const waiverRow = z.object({
  id: z.number().int(),
  offer_id: z.number().int(),
  option_kind: z.enum(OPTION_KINDS),
  subject: z.enum(WAIVER_SUBJECTS),
  needs_approval: z.number().int(),
  status: z.enum(['PENDING', 'APPROVED', 'REDUCED', 'REFUSED', 'LAPSED']),
  approved_amount: z.number().int().nullable(),
  decided_by: z.string().nullable(),
  account_id: z.string(),
});
export type WaiverRow = z.infer<typeof waiverRow>;

const WAIVER_COLUMNS = 'w.id, w.offer_id, w.option_kind, w.subject, w.needs_approval, w.status, w.approved_amount, w.decided_by, o.account_id';

export async function loadWaiver(db: Queryable, waiverId: number, { lock = false } = {}): Promise<WaiverRow | undefined> {
  const { rows } = await db.query(`SELECT ${WAIVER_COLUMNS} FROM offer_waivers w JOIN negotiation_offers o ON o.id = w.offer_id WHERE w.id = $1${lock ? ' FOR UPDATE OF w' : ''}`, [waiverId]);
  return rows[0] ? waiverRow.parse(rows[0]) : undefined;
}

export async function offerWaivers(db: Queryable, offerId: number): Promise<WaiverRow[]> {
  const { rows } = await db.query(`SELECT ${WAIVER_COLUMNS} FROM offer_waivers w JOIN negotiation_offers o ON o.id = w.offer_id WHERE w.offer_id = $1 ORDER BY w.id`, [offerId]);
  return rows.map((row) => waiverRow.parse(row));
}

export interface WaiverDecisionRow {
  waiverId: number;
  status: 'APPROVED' | 'REDUCED' | 'REFUSED';
  approvedAmount: number;
  decidedBy: string;
  reason: string;
  at: Date;
}

export async function decideWaiverRow(db: Queryable, d: WaiverDecisionRow): Promise<void> {
  await db.query(`UPDATE offer_waivers SET status = $2, approved_amount = $3, decided_by = $4, decision_reason = $5, decided_at = $6 WHERE id = $1 AND status = 'PENDING'`, [
    d.waiverId,
    d.status,
    d.approvedAmount,
    d.decidedBy,
    d.reason,
    d.at,
  ]);
}

/** The deadline passed: every waiver still PENDING lapses (the offer goes out without its excess). */
export async function lapsePendingWaivers(db: Queryable, offerId: number, at: Date): Promise<number> {
  const { rowCount } = await db.query(`UPDATE offer_waivers SET status = 'LAPSED', approved_amount = 0, decided_at = $2 WHERE offer_id = $1 AND status = 'PENDING'`, [offerId, at]);
  return rowCount ?? 0;
}

/** The offer as the `offer` query, the API and the CLI show it. */
export function offerView(row: OfferRow, waivers: WaiverRow[]): Offer {
  return {
    offerId: row.id,
    accountId: row.account_id,
    status: row.status,
    round: row.round,
    currency: row.currency,
    asOf: row.as_of,
    validUntil: row.valid_until,
    configVersion: row.config_version,
    surplus: row.surplus_source === null || row.monthly_surplus === null ? null : { monthly: row.monthly_surplus, source: row.surplus_source },
    instalmentBudget: row.instalment_budget,
    options: row.options,
    unavailable: row.unavailable,
    pendingWaivers: waivers.filter((w) => w.status === 'PENDING').map((w) => ({ waiverId: w.id, kind: w.option_kind, subject: w.subject, needsApproval: w.needs_approval })),
    approvalDeadline: row.approval_deadline?.toISOString() ?? null,
  };
}

/** The account's newest offer as shown; undefined when it was never offered one. */
export async function loadLatestOfferView(db: Queryable, accountId: string): Promise<Offer | undefined> {
  const row = await latestOffer(db, accountId);
  return row ? offerView(row, await offerWaivers(db, row.id)) : undefined;
}

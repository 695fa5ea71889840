/**
 * Plans followed (issue 16 §3): an accepted option written once (the plan, its
 * instalments, its non-cash adjustments with the approval each rests on), and where it
 * stands: payments received since its offer was made, allocated set-based to its obligations
 * oldest-due first (the plan_obligations view, migrations …40_negotiation.sql and
 * …75_plan-scope.sql: a plan's scope starts where its offer's basis stopped).
 */
import { z } from 'zod';
import type { IsoDate } from '../domain/dates';
import { BUCKETS } from '../domain/buckets';
import { OPTION_KINDS, type OfferOption, type PlanView, type WaivableComponent } from '../domain/negotiation';
import type { Queryable } from './pool';

export const PLAN_ROW_STATUSES = ['ACTIVE', 'LATE', 'BROKEN', 'COMPLETED', 'CANCELLED'] as const;
export type PlanRowStatus = (typeof PLAN_ROW_STATUSES)[number];

const planRow = z.object({
  id: z.number().int(),
  account_id: z.string(),
  offer_id: z.number().int(),
  kind: z.enum(OPTION_KINDS),
  currency: z.string(),
  total: z.number().int(),
  status: z.enum(PLAN_ROW_STATUSES),
  bucket_at_start: z.enum(BUCKETS),
});

const instalmentRow = z.object({
  instalment_no: z.number().int(),
  due_date: z.string(),
  amount: z.number().int(),
  interest: z.number().int(),
  paid: z.number().int(),
});

export interface Adjustment {
  kind: 'WAIVER' | 'WRITE_DOWN';
  component: WaivableComponent | 'PRINCIPAL';
  amount: number;
  waiverId: number | null;
  approvedBy: string | null;
}

export interface NewPlan {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  offerId: number;
  option: OfferOption;
  currency: string;
  bucketAtStart: string;
  startedOn: IsoDate;
  /** when the plan started (its adjustments are recorded then); its payments count from the offer's making (plan_obligations, …75_plan-scope.sql) */
  paymentsFrom: Date;
  adjustments: Adjustment[];
}

export async function findPlanIdByKey(db: Queryable, idempotencyKey: string): Promise<number | undefined> {
  const { rows } = await db.query('SELECT id FROM payment_plans WHERE idempotency_key = $1', [idempotencyKey]);
  return rows[0] ? z.number().int().parse(rows[0].id) : undefined;
}

/** The plan, its instalments and adjustments, in the caller's transaction; the plan's id. */
export async function insertPlan(db: Queryable, p: NewPlan): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO payment_plans (idempotency_key, account_id, workflow_id, offer_id, kind, currency, total, bucket_at_start, started_on, payments_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [p.idempotencyKey, p.accountId, p.workflowId, p.offerId, p.option.kind, p.currency, p.option.total, p.bucketAtStart, p.startedOn, p.paymentsFrom],
  );
  const planId = z.number().int().parse(rows[0]?.id);
  await db.query(
    `INSERT INTO plan_instalments (plan_id, instalment_no, due_date, amount, interest)
     SELECT $1, s."instalmentNo", s."dueDate", s.amount, s.interest
     FROM jsonb_to_recordset($2::jsonb) AS s("instalmentNo" int, "dueDate" date, amount bigint, interest bigint)`,
    [planId, JSON.stringify(p.option.schedule)],
  );
  if (p.adjustments.length > 0) {
    // A waiver applies with the plan; a settlement's write-down once the settlement is paid.
    await db.query(
      `INSERT INTO account_adjustments (account_id, plan_id, kind, component, amount, waiver_id, approved_by, recorded_at, applied)
       SELECT $1, $2, a.kind, a.component, a.amount, a."waiverId", a."approvedBy", $3, a.kind = 'WAIVER'
       FROM jsonb_to_recordset($4::jsonb) AS a(kind text, component text, amount bigint, "waiverId" bigint, "approvedBy" text)`,
      [p.accountId, planId, p.paymentsFrom, JSON.stringify(p.adjustments)],
    );
  }
  return planId;
}

/** The plan with each instalment's share of the payments so far; the account's plan in force when no id is given. */
export async function loadPlanView(db: Queryable, ref: { planId: number } | { accountId: string }): Promise<PlanView | undefined> {
  const where = 'planId' in ref ? 'p.id = $1' : `p.account_id = $1 AND p.status IN ('ACTIVE', 'LATE')`;
  const { rows } = await db.query(`SELECT p.id, p.account_id, p.offer_id, p.kind, p.currency, p.total, p.status, p.bucket_at_start FROM payment_plans p WHERE ${where}`, [
    'planId' in ref ? ref.planId : ref.accountId,
  ]);
  if (!rows[0]) return undefined;
  const plan = planRow.parse(rows[0]);
  const lines = await db.query(
    `SELECT pi.instalment_no, pi.due_date, pi.amount, pi.interest, o.paid
       FROM plan_instalments pi JOIN plan_obligations o ON o.plan_id = pi.plan_id AND o.source = 'PLAN' AND o.ref = pi.instalment_no
      WHERE pi.plan_id = $1 ORDER BY pi.instalment_no`,
    [plan.id],
  );
  const instalments = lines.rows.map((row) => {
    const r = instalmentRow.parse(row);
    return { instalmentNo: r.instalment_no, dueDate: r.due_date, amount: r.amount, interest: r.interest, paid: r.paid };
  });
  const paid = instalments.reduce((s, i) => s + i.paid, 0);
  return {
    planId: plan.id,
    accountId: plan.account_id,
    offerId: plan.offer_id,
    kind: plan.kind,
    currency: plan.currency,
    // CANCELLED is not a PlanStatus a supervisor filters on: a cancelled plan is over, like a completed one
    status: plan.status === 'CANCELLED' ? 'COMPLETED' : plan.status,
    total: plan.total,
    paid,
    instalments,
    nextDue: instalments.find((i) => i.paid < i.amount) ?? null,
    bucketAtStart: plan.bucket_at_start,
  };
}

/**
 * What of the contract's own installments beside an arrears plan is unpaid and falls due by
 * the instalment's date (0 for an extension or a settlement, which replace them): asked for
 * with the instalment, since the plan's payments meet what is due oldest-due first.
 */
export async function contractDueBy(db: Queryable, planId: number, instalmentNo: number): Promise<number> {
  const { rows } = await db.query(
    `SELECT coalesce(sum(o.outstanding), 0)::bigint AS due
       FROM plan_obligations o JOIN plan_instalments pi ON pi.plan_id = o.plan_id AND pi.instalment_no = $2
      WHERE o.plan_id = $1 AND o.source = 'CONTRACT' AND o.due_date <= pi.due_date`,
    [planId, instalmentNo],
  );
  return z.number().int().parse(rows[0]?.due ?? 0);
}

/** Moves a plan on; a plan that has ended stays as it ended. Returns whether it changed. */
export async function setPlanStatus(db: Queryable, planId: number, status: PlanRowStatus, at: Date): Promise<boolean> {
  const ends = status !== 'ACTIVE' && status !== 'LATE';
  const { rowCount } = await db.query(
    `UPDATE payment_plans SET status = $2, ended_at = CASE WHEN $3 THEN $4::timestamptz END
      WHERE id = $1 AND status IN ('ACTIVE', 'LATE') AND status <> $2`,
    [planId, status, ends, at],
  );
  return rowCount === 1;
}

/** A settlement paid: its write-down is applied (recorded; the rest of the balance is written off). */
export async function applyWriteDowns(db: Queryable, planId: number): Promise<number> {
  const { rowCount } = await db.query(`UPDATE account_adjustments SET applied = true WHERE plan_id = $1 AND kind = 'WRITE_DOWN' AND NOT applied`, [planId]);
  return rowCount ?? 0;
}

const adjustmentRow = z.object({ kind: z.enum(['WAIVER', 'WRITE_DOWN']), component: z.string(), amount: z.number().int(), approved_by: z.string().nullable(), applied: z.boolean() });

export async function planAdjustments(db: Queryable, planId: number): Promise<z.infer<typeof adjustmentRow>[]> {
  const { rows } = await db.query('SELECT kind, component, amount, approved_by, applied FROM account_adjustments WHERE plan_id = $1 ORDER BY id', [planId]);
  return rows.map((row) => adjustmentRow.parse(row));
}

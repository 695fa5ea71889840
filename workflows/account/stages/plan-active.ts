/**
 * PLAN_ACTIVE (SPEC §2 step 8, issue 16 §3): the plan an accepted offer started, followed to
 * its end. Generation 3 of accountCollection runs it behind patched('negotiation-stages').
 *
 * Before each instalment the borrower gets a reminder; an instalment still unpaid some days
 * after it fell due makes the plan LATE and opens an agent's call-back; unpaid at the end of
 * the grace period the plan is BROKEN: the first break is renegotiated (NEGOTIATION), the
 * policy's last one sends the case to LEGAL. A plan paid up ends the case (the kernel records
 * CURED, or SETTLED for a settlement, once the plan is COMPLETED).
 *
 * The plan's dates count on the plan's clock, which stands still while the account is on hold
 * (a hold pauses the plan as it pauses the cadence) and is carried across continue-as-new.
 * While a plan is in force the figures are the plan's (Postgres's plan_standing): an account
 * keeping its plan shows nothing overdue, so the kernel asks this stage whether it is cured.
 */
import { condition, log, proxyActivities } from '@temporalio/workflow';
import type { createNegotiationActivities } from '../../../activities/negotiation';
import type { PlanInstalment, PlanStatus, PlanView } from '../../../src/domain/negotiation';
import type { NegotiationPolicy } from '../../../src/negotiation/schema';
import type { PlanCarried, PlanSummary } from '../contract';
import { CadenceClock } from '../run/cadence-clock';
import { postgresStepOptions } from '../run/step-options';
import type { StageRun } from './stage';

/**
 * Regular activities, not local ones: the plan is read while a payment's own steps run
 * beside it, and a regular activity's place in history is fixed when it is scheduled,
 * where a local activity's marker lands where it resolved (replay would see another order).
 */
const plans = proxyActivities<Pick<ReturnType<typeof createNegotiationActivities>, 'loadPlan' | 'setPlanStatus'>>(postgresStepOptions);

const DAY_MS = 86_400_000;
/** An instalment's date as the plan's clock reads it: the start of its business day. */
const dayStart = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

const IN_FORCE: readonly PlanStatus[] = ['ACTIVE', 'LATE'];

export interface PlanFollowUp {
  /** An accepted option's plan: the clock starts now. */
  start(plan: PlanView): void;
  /** PLAN_ACTIVE until the plan is paid up, broken (→ NEGOTIATION or LEGAL), or something interrupts. */
  run(policy: () => Promise<NegotiationPolicy>): Promise<void>;
  /**
   * Whether the account is cured, as far as a plan decides it: false while a plan in force is
   * not paid up (whatever the plan's figures say), true once it is; undefined: no plan in
   * force, the figures decide.
   */
  cured(): boolean | undefined;
  /** The exit a paid-up plan leads to: SETTLED for a settlement, CURED otherwise. */
  exit(): 'CURED' | 'SETTLED';
  /** The plan paid up: COMPLETED in Postgres (a settlement's write-down applied then). */
  complete(): Promise<void>;
  planStatus(): PlanStatus | null;
  summary(): PlanSummary | null;
  carried(): PlanCarried;
}

export interface PlanRun extends StageRun {
  /** an answer is being stored: an accepted plan may be in Postgres before the run knows it */
  answerInFlight(): boolean;
  /** the first break: a new negotiation */
  renegotiate(): void;
}

export function planActive(run: PlanRun, carried?: PlanCarried): PlanFollowUp {
  const { accountId } = run;
  const now = () => ({ at: Date.now() });
  const follow = {
    plan: carried?.plan ?? null,
    startedAt: carried?.startedAt ?? null,
    breaks: carried?.breaks ?? 0,
    reminded: new Set(carried?.remindedInstalments ?? []),
    calledBack: new Set(carried?.calledBackInstalments ?? []),
    /** payments seen when the plan was last read */
    paymentsRead: -1,
  };
  let clock = new CadenceClock(carried?.clockElapsedMs ?? 0, run.onHold);
  if (follow.startedAt !== null) clock.start();

  const inForce = () => follow.plan !== null && IN_FORCE.includes(follow.plan.status);
  const paidUp = (p: PlanView) => p.paid >= p.total;

  /** The plan as Postgres allocates the payments to it, read again whenever a payment came. */
  async function readPlan(): Promise<PlanView | null> {
    const seen = run.paymentsSeen();
    if (follow.plan && follow.paymentsRead === seen) return follow.plan;
    const plan = await plans.loadPlan({ accountId });
    follow.paymentsRead = seen;
    if (plan && follow.plan && plan.planId !== follow.plan.planId) return follow.plan; // another plan? keep ours
    if (plan) follow.plan = plan;
    return follow.plan;
  }

  async function setStatus(status: Exclude<PlanStatus, 'OFFERED'>): Promise<void> {
    const plan = follow.plan;
    if (!plan || plan.status === status) return;
    follow.plan = await plans.setPlanStatus({ accountId, planId: plan.planId, status, ...now() });
    run.publishSearchAttributes();
  }

  /** The plan's clock reading at the instant `at` would be reached if nothing pauses it. */
  const planTime = (at: number) => at - (follow.startedAt ?? at);
  const projectedAt = (at: number) => new Date(Date.now() + Math.max(0, planTime(at) - clock.elapsed())).toISOString();

  /**
   * Until the plan's clock reaches the instant `at` (showing `action` as the next step),
   * standing still on hold. 'TIME': reached; 'PAYMENT': the figures moved (read the plan
   * again); 'STOP': cured or overridden.
   */
  async function waitFor(at: number, action: string): Promise<'TIME' | 'PAYMENT' | 'STOP'> {
    const seen = run.paymentsSeen();
    const stop = () => run.isCured() || run.overridePending();
    for (;;) {
      clock.sync();
      if (stop()) return 'STOP';
      if (run.paymentsSeen() !== seen) return 'PAYMENT';
      if (run.onHold()) {
        run.setNextStep(null);
        await condition(() => !run.onHold() || stop() || run.paymentsSeen() !== seen);
        continue;
      }
      const left = planTime(at) - clock.elapsed();
      if (left <= 0) return 'TIME';
      run.setNextStep({ action, at: projectedAt(at) });
      await condition(() => run.onHold() || stop() || run.paymentsSeen() !== seen, left);
    }
  }

  async function remind(p: NegotiationPolicy, plan: PlanView, due: PlanInstalment): Promise<void> {
    follow.reminded.add(due.instalmentNo);
    const key = `${plan.planId}/${due.instalmentNo}`;
    await run.contact(
      { channel: p.messages.reminder.channel, templateId: p.messages.reminder.templateId, callWindowHours: run.callWindowHours(), planInstalment: { planId: plan.planId, instalmentNo: due.instalmentNo } },
      (n) => run.effectKey('plan-reminder', key) + (n ? `/attempt-${n}` : ''),
    );
  }

  async function callBack(p: NegotiationPolicy, plan: PlanView, due: PlanInstalment): Promise<void> {
    follow.calledBack.add(due.instalmentNo);
    await setStatus('LATE');
    await run.audit('PLAN_INSTALMENT_LATE', `${plan.planId}/${due.instalmentNo}`, { planId: plan.planId, instalmentNo: due.instalmentNo, dueDate: due.dueDate, unpaid: due.amount - due.paid });
    const key = `${plan.planId}/${due.instalmentNo}`;
    await run.contact(
      { channel: p.messages.callBack.channel, templateId: p.messages.callBack.templateId, callWindowHours: run.callWindowHours(), planInstalment: { planId: plan.planId, instalmentNo: due.instalmentNo } },
      (n) => run.effectKey('plan-call-back', key) + (n ? `/attempt-${n}` : ''),
    );
  }

  async function broken(p: NegotiationPolicy, plan: PlanView, due: PlanInstalment): Promise<void> {
    await setStatus('BROKEN');
    await run.refreshFigures(); // judged by the contract again
    follow.breaks++;
    run.setNextStep(null);
    await run.audit('PLAN_BROKEN', String(plan.planId), { planId: plan.planId, instalmentNo: due.instalmentNo, dueDate: due.dueDate, breaks: follow.breaks });
    log.info('plan broken', { accountId, planId: plan.planId, instalmentNo: due.instalmentNo, breaks: follow.breaks });
    if (follow.breaks >= p.followUp.breaksBeforeLegal) {
      await run.advanceTo('LEGAL', `plan ${plan.planId} broken ${follow.breaks} times: the case goes to legal review`);
      return;
    }
    run.renegotiate();
    await run.advanceTo('NEGOTIATION', `plan ${plan.planId} broken (instalment ${due.instalmentNo} unpaid past its grace): renegotiating`);
  }

  async function followPlan(policy: () => Promise<NegotiationPolicy>): Promise<void> {
    const p = await policy();
    for (;;) {
      const plan = await readPlan();
      if (!plan || !inForce() || run.isCured() || run.overridePending()) return;
      const due = plan.nextDue;
      if (!due || paidUp(plan)) return; // paid up: the kernel records the cure
      // Paid what was late: back to ACTIVE.
      if (plan.status === 'LATE' && Date.now() < dayStart(due.dueDate) + p.followUp.callBackAfterDays * DAY_MS) await setStatus('ACTIVE');
      const dueAt = dayStart(due.dueDate);
      const steps: { at: number; action: string; done: boolean; step: () => Promise<void> }[] = [
        { at: dueAt - p.followUp.reminderDaysBefore * DAY_MS, action: `reminder of instalment ${due.instalmentNo}`, done: follow.reminded.has(due.instalmentNo), step: () => remind(p, plan, due) },
        { at: dueAt + p.followUp.callBackAfterDays * DAY_MS, action: `call-back if instalment ${due.instalmentNo} is unpaid`, done: follow.calledBack.has(due.instalmentNo), step: () => callBack(p, plan, due) },
        { at: dueAt + (p.followUp.graceDays + 1) * DAY_MS, action: `plan broken if instalment ${due.instalmentNo} is still unpaid`, done: false, step: () => broken(p, plan, due) },
      ];
      const next = steps.find((s) => !s.done)!;
      const woke = await waitFor(next.at, next.action);
      if (woke === 'STOP') return;
      if (woke === 'PAYMENT') continue;
      // The plan as it stands now decides (a payment may have landed just before).
      follow.paymentsRead = -1;
      const now_ = await readPlan();
      if (!now_ || now_.nextDue?.instalmentNo !== due.instalmentNo) continue;
      await next.step();
      if (!inForce()) return; // broken: the account moved on
    }
  }

  return {
    start(plan) {
      follow.plan = plan;
      follow.startedAt = Date.now();
      follow.reminded.clear();
      follow.calledBack.clear();
      follow.paymentsRead = run.paymentsSeen();
      clock = new CadenceClock(0, run.onHold);
      clock.start();
      run.publishSearchAttributes();
    },
    run: followPlan,
    cured() {
      if (run.answerInFlight()) return false;
      const plan = follow.plan;
      if (!plan || plan.status === 'BROKEN') return undefined;
      return plan.status === 'COMPLETED' || paidUp(plan);
    },
    exit: () => (follow.plan?.kind === 'SETTLEMENT' && follow.plan.status !== 'BROKEN' ? 'SETTLED' : 'CURED'),
    async complete() {
      const plan = follow.plan;
      if (!plan || plan.status === 'COMPLETED' || !inForce()) return;
      follow.paymentsRead = -1;
      const read = await readPlan();
      if (read && paidUp(read)) await setStatus('COMPLETED');
    },
    planStatus: () => follow.plan?.status ?? null,
    summary() {
      const plan = follow.plan;
      if (!plan) return null;
      const next = plan.nextDue;
      return {
        planId: plan.planId,
        kind: plan.kind,
        status: plan.status,
        currency: plan.currency,
        total: plan.total,
        paid: plan.paid,
        instalments: plan.instalments.length,
        nextDue: next ? { instalmentNo: next.instalmentNo, dueDate: next.dueDate, amount: next.amount, paid: next.paid } : null,
        breaks: follow.breaks,
      };
    },
    carried: () => ({
      plan: follow.plan,
      clockElapsedMs: clock.elapsed(),
      startedAt: follow.startedAt,
      breaks: follow.breaks,
      remindedInstalments: [...follow.reminded].slice(-100),
      calledBackInstalments: [...follow.calledBack].slice(-100),
    }),
  };
}

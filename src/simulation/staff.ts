/**
 * The simulated collections team answering its tasks as staff do through the API: call
 * agents work the open call tasks (the borrower picks up or not, by segment; one who picks up
 * may promise to pay, and keeps it or not), and field collectors go to each confirmed visit
 * when its slot comes (nobody at the door: a no-show; otherwise the written report). The
 * borrowers' side of it (the answer, the promise kept, a payment after the visit) is
 * decided by behaviour.ts.
 */
import { z } from 'zod';
import { sendCallOutcome, sendPromise } from '../api/account-messages';
import { sendVisitNoShow, sendVisitReport } from '../api/field-messages';
import { loadAccountFigures } from '../db/account-figures';
import { isoDateOf } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { calendarDateIn } from '../domain/time-zones';
import { decides, propensities } from './behaviour';
import { payOverdue, SIMULATION_BUSINESS_ZONE } from './borrowers';
import { simulatedVisitReport } from './visit-report';
import { countOutcome, forEach, segmentOf, type World } from './world';

const DAY = 86_400_000;
/** The promised date: this many days ahead, and kept (when it is) a day before it. */
const PROMISE_DAYS_MIN = 3;
const PROMISE_DAYS_SPAN = 5;

const taskRow = z.object({ id: z.number(), account_id: z.string(), assigned_agent: z.string().nullable() });

/** Every open call task not yet worked: the agent calls, records the outcome, and a promise if one is made. */
export async function workCallTasks(world: World, now: number, worked: Set<number>): Promise<void> {
  const { rows } = await world.pool.query(`SELECT id, account_id, assigned_agent FROM agent_tasks WHERE status = 'OPEN' AND opened_at <= $1 ORDER BY id`, [new Date(now)]);
  const tasks = rows.map((r) => taskRow.parse(r)).filter((t) => !worked.has(t.id));
  await forEach(world, tasks, async (task) => {
    worked.add(task.id);
    const p = propensities(segmentOf(world, task.account_id));
    const agentId = task.assigned_agent ?? world.book.agents[task.id % world.book.agents.length]!;
    const reached = decides(world.chance, p.answerCall, 'answer', task.id);
    const outcome = await sendCallOutcome(world.messages, task.id, reached ? { agentId, rightPartyReached: true, reason: 'INCOME_DROP' } : { agentId, rightPartyReached: false });
    countOutcome(world, `call outcome (${reached ? 'reached' : 'no answer'})`, outcome);
    if (outcome.kind !== 'DONE' || !reached || !decides(world.chance, p.promise, 'promise', task.id)) return;
    await promiseToPay(world, task.account_id, task.id, agentId, now, decides(world.chance, p.keepPromise, 'keep', task.id));
  });
}

async function promiseToPay(world: World, accountId: string, taskId: number, agentId: string, now: number, keeps: boolean): Promise<void> {
  const figures = await loadAccountFigures(world.pool, accountId, calendarDateIn(now, SIMULATION_BUSINESS_ZONE));
  if (!figures || figures.amountOverdue <= 0) return;
  const days = PROMISE_DAYS_MIN + Math.floor(world.chance('promise-days', taskId) * PROMISE_DAYS_SPAN);
  const promisedFor = isoDateOf(now + days * DAY);
  // "CNY 1234.50" → "1234.50": the promise's amount is written in major units.
  const amount = formatMoney(figures.amountOverdue, figures.currency).split(' ')[1]!;
  const outcome = await sendPromise(world.messages, accountId, { amount, currency: figures.currency, promisedFor, channel: 'CALL', recordedBy: agentId });
  countOutcome(world, 'promise to pay', outcome);
  if (outcome.kind !== 'DONE') return;
  if (keeps) {
    const at = now + (days - 1) * DAY;
    world.agenda.plan(at, 'promise kept', () => payOverdue(world, accountId, 1, at, `SIM-PROMISE-${taskId}`));
  } else world.tally.count('promise to be broken');
}

const visitRow = z.object({ id: z.number(), account_id: z.string(), collector_id: z.string(), starts_at: z.date() });

/** Confirmed visits whose slot has come: the collector reports a no-show or submits the report. */
export async function makeDueVisits(world: World, now: number, visited: Set<number>): Promise<void> {
  const { rows } = await world.pool.query(`SELECT id, account_id, collector_id, starts_at FROM appointments WHERE status = 'CONFIRMED' AND ends_at <= $1 ORDER BY id`, [new Date(now)]);
  const visits = rows.map((r) => visitRow.parse(r)).filter((v) => !visited.has(v.id));
  await forEach(world, visits, async (visit) => {
    visited.add(visit.id);
    const p = propensities(segmentOf(world, visit.account_id));
    if (!decides(world.chance, p.attendVisit, 'attend', visit.id)) {
      countOutcome(world, 'visit no-show', await sendVisitNoShow(world.messages, visit.id, { reportedBy: visit.collector_id }));
      return;
    }
    const willPay = decides(world.chance, p.payAfterVisit, 'pay-after-visit', visit.id);
    const outcome = await sendVisitReport(world.messages, visit.id, simulatedVisitReport(visit.collector_id, visit.starts_at, willPay));
    countOutcome(world, 'visit report', outcome);
    if (outcome.kind === 'DONE' && willPay) {
      const at = now + (2 + Math.floor(world.chance('visit-pay-delay', visit.id) * 5)) * DAY;
      world.agenda.plan(at, 'payment after a visit', () => payOverdue(world, visit.account_id, 1, at, `SIM-VISITED-${visit.id}`));
    }
  });
}

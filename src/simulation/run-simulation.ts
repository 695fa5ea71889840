/**
 * The simulated days, on the time-skipping server's clock. Each day, in the bank's calendar:
 * the core-banking feed pays the installments due (or not), the daily screening runs (the
 * real `dailyScreening` workflow, as the Schedule would start it) and starts or refreshes the
 * account workflows. Then, every `tickHours`, the borrowers and the staff act on what the
 * workflows left for them (call tasks, promises, proposals, visits) and on their own plans
 * (payments, disputes), and only then does the clock move on: the server skips time only
 * while no workflow task or activity is pending, so every message is taken at its instant.
 */
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { IsoDate } from '../domain/dates';
import { isoDateOf } from '../domain/dates';
import { calendarDateIn } from '../domain/time-zones';
import { DAILY_SCREENING_WORKFLOW } from '../../workflows/screening-messages';
import { Agenda } from './agenda';
import { loadSimulatedBook, type SimulatedBook } from './book';
import { answerProposals, planEpisodeEvents, planTodaysPayments, reactToReminders, SIMULATION_BUSINESS_ZONE } from './borrowers';
import { seededChance } from './chance';
import { payInstallmentsDueToday } from './core-banking';
import type { SimulationOptions } from './options';
import type { SimulationStack } from './stack';
import { makeDueVisits, workCallTasks } from './staff';
import { Tally } from './tally';
import { MESSAGES_IN_FLIGHT, forEach, refreshSegments, type World } from './world';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SimulationResult {
  book: SimulatedBook;
  /** the simulated period, first and last business day */
  from: IsoDate;
  to: IsoDate;
  wallMs: number;
  /** wall time of loading the book (before the first simulated day) */
  loadMs: number;
  tally: [string, number][];
  /** wall ms by phase of the simulated day, the largest first */
  phases: [string, number][];
}

export interface RunOptions extends Pick<SimulationOptions, 'accounts' | 'days' | 'seed' | 'preset' | 'tickHours'> {
  log: Logger;
  /** told at the start of each simulated day (progress) */
  onDay?: (day: number, date: IsoDate, phases: [string, number][]) => void;
}

export async function runSimulation(stack: SimulationStack, opts: RunOptions): Promise<SimulationResult> {
  const began = Date.now();
  const first = await stack.now();
  const from = calendarDateIn(first, SIMULATION_BUSINESS_ZONE);
  const book = await loadSimulatedBook(stack.pool, { accounts: opts.accounts, anchor: from, seed: opts.seed, preset: opts.preset });
  const loadMs = Date.now() - began;
  const world: World = {
    pool: stack.pool,
    messages: { pool: stack.pool, temporal: stack.client, updateTimeoutMs: 120_000 },
    chance: seededChance(opts.seed),
    agenda: new Agenda(),
    tally: new Tally(),
    book,
    log: opts.log,
    segments: new Map(),
    inFlight: pLimit(MESSAGES_IN_FLIGHT),
    sent: 0,
  };
  const seen = { reminder: 0, entry: 0, tasks: new Set<number>(), proposals: new Set<number>(), visits: new Set<number>() };

  const dayZero = Date.parse(`${from}T00:00:00Z`);
  const end = dayZero + opts.days * DAY;
  let screenedDay = -1;
  const timed = <T>(phase: string, work: () => Promise<T>) => world.tally.timed(phase, work);
  /** After the clock moved (timers fired) or messages went out: until the worker is idle. */
  const settle = async (always = false) => {
    if (!always && world.sent === 0) return;
    world.sent = 0;
    await timed('settling (the workflows at work)', () => stack.settle());
  };
  // From the day's start, tick by tick; the first tick is the server's own "now".
  for (let now = first; now < end; ) {
    // Each phase's messages (the screening's too) meet a settled worker: stack.settle says why.
    await settle(true);
    const day = Math.floor((now - dayZero) / DAY);
    if (day > screenedDay) {
      screenedDay = day;
      const date = isoDateOf(dayZero + day * DAY);
      opts.onDay?.(day, date, world.tally.phases());
      const paid = await timed('core banking', () => payInstallmentsDueToday(world.pool, date, world.chance));
      world.tally.count('installment paid on time', paid.paid);
      world.tally.count('installment missed', paid.missed);
      await timed('daily screening (workflow and fan-out)', () => screen(stack, date));
      await settle(true);
      await timed('borrowers: segments, plans', async () => {
        await refreshSegments(world, date);
        planTodaysPayments(world, dayZero + day * DAY);
      });
    }
    await timed('borrowers: planned acts (payments, disputes)', () => forEach(world, world.agenda.takeDue(now), (planned) => planned.act()));
    await timed('payment signals delivered', () => stack.deliverSignals());
    await settle();
    await timed('borrowers: plans, reminders', async () => {
      seen.entry = await planEpisodeEvents(world, seen.entry);
      seen.reminder = await reactToReminders(world, seen.reminder);
    });
    await timed('agents: call tasks', () => workCallTasks(world, now, seen.tasks));
    await settle();
    await timed('borrowers: appointments', () => answerProposals(world, seen.proposals));
    await settle();
    await timed('collectors: visits', () => makeDueVisits(world, now, seen.visits));
    await settle();
    const next = Math.min(end, (Math.floor(now / (opts.tickHours * HOUR)) + 1) * opts.tickHours * HOUR);
    await timed('time skipping (the workflows at work)', () => stack.advance(next - now));
    now = await stack.now();
  }
  return { book, from, to: isoDateOf(end - DAY), wallMs: Date.now() - began, loadMs, tally: world.tally.entries(), phases: world.tally.phases() };
}

/** The day's screening, as the daily Schedule would run it: screens the book as of `date`, then fans out. */
async function screen(stack: SimulationStack, date: IsoDate): Promise<void> {
  await stack.client.workflow.execute(DAILY_SCREENING_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: `simulated-screening-${date}`,
    args: [{ timeZone: SIMULATION_BUSINESS_ZONE, asOf: date }],
  });
}

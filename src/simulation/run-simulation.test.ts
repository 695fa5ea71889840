/**
 * A short simulation in a database of its own (the screening reads the whole book), on the
 * time-skipping test server and the shared workflow bundle: 80 accounts over 45 days, a round every 6 hours. It
 * asserts what a simulated year must produce: records written by the real workflows, some
 * accounts cured, every kind of staff answer taken, the report filled, and not one contact
 * the compliance audit finds against the rules.
 */
import { createPool, type Pool } from '../db/pool';
import { createLogger } from '../logger';
import type { ResolvedTool } from '../setup/temporal-tools';
import { ownTestDatabase } from '../../test/own-database';
import { testWorkflowBundle } from '../../test/support';
import { loadSimulationExperiments } from './experiment';
import { simulationOutcome, type SimulationOutcome } from './print';
import { runSimulation, type SimulationResult } from './run-simulation';
import { startSimulationStack, type SimulationStack } from './stack';

const log = createLogger('silent');
let stack: SimulationStack;
let pool: Pool;
let result: SimulationResult;
let outcome: SimulationOutcome;

const count = (what: string) => result.tally.filter(([kind]) => kind.startsWith(what)).reduce((sum, [, n]) => sum + n, 0);

beforeAll(async () => {
  const databaseUrl = await ownTestDatabase('simulation');
  const testServer = JSON.parse(process.env.ARREARS_TEST_SERVER ?? 'null') as ResolvedTool;
  stack = await startSimulationStack({ databaseUrl, testServer, log, ...loadSimulationExperiments(), workflowBundle: testWorkflowBundle() });
  pool = createPool(databaseUrl, 2);
  result = await runSimulation(stack, { accounts: 80, days: 45, seed: 2026, preset: 'CN', tickHours: 6, log });
  outcome = await simulationOutcome(pool, result);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await pool?.end();
});

test('the real workflows wrote their records: entries, contacts, call tasks and some cures', async () => {
  const { rows } = await pool.query<{ entries: number; cured: number; contacts: number; tasks: number; screenings: number }>(
    `SELECT (SELECT count(*) FROM stage_transitions WHERE to_stage = 'SCREENED')::int AS entries,
            (SELECT count(*) FROM stage_transitions WHERE to_stage = 'CURED')::int AS cured,
            (SELECT count(*) FROM contact_attempts WHERE status = 'SENT')::int AS contacts,
            (SELECT count(*) FROM agent_tasks)::int AS tasks,
            (SELECT count(*) FROM screening_runs)::int AS screenings`,
  );
  const r = rows[0]!;
  expect(r.screenings).toBe(45); // one a simulated day
  expect(r.entries).toBeGreaterThan(0);
  expect(r.cured).toBeGreaterThan(0);
  expect(r.contacts).toBeGreaterThan(r.entries); // every entry's first SMS, and more
  expect(r.tasks).toBeGreaterThan(0);
});

test('the simulated borrowers and staff acted through the API functions, and the workflows took their messages', () => {
  expect(count('call outcome (')).toBeGreaterThan(0);
  expect(result.tally.filter(([kind]) => kind.startsWith('call outcome (') && !kind.endsWith(': DONE')).reduce((s, [, n]) => s + n, 0)).toBeLessThan(count('call outcome ('));
  expect(count('payment (')).toBeGreaterThan(0);
  expect(count('installment paid on time')).toBeGreaterThan(0);
});

test('the effectiveness report is filled: entries, cures and recovery over the simulated period', () => {
  const total = outcome.byTreatment.total;
  expect(total.cureRate.of).toBeGreaterThan(0);
  expect(total.cureRate.hits).toBeGreaterThan(0);
  expect(total.amountRecovered).toBeGreaterThan(0);
  expect(outcome.byTreatment.from).toBe(result.from);
});

test('the compliance audit finds no contact against the CN rules', () => {
  expect(outcome.audit.contactsAudited).toBeGreaterThan(0);
  expect(outcome.audit.violations).toEqual({ OUTSIDE_HOURS: 0, OVER_CAP: 0, DURING_HOLD: 0, AFTER_OPT_OUT: 0, AFTER_CEASE: 0, FAMILY_WITHOUT_CONSENT: 0 });
});

/**
 * `npm run simulate -- --accounts 10000 --days 365 [--seed S] [--preset CN|US]`: a simulated
 * collection year on the real workflows, worker and Postgres (src/simulation), then its wall
 * time, accounts per second, the effectiveness report and the compliance audit. Everything
 * lives in a throw-away folder under .data/bench/, removed at the end.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrateUp } from '../src/db/migrate';
import { freePort } from '../src/setup/dev-server';
import { startPostgres } from '../src/setup/postgres';
import { ensureTestServer } from '../src/setup/temporal-tools';
import { simulationOptionsSchema } from '../src/simulation/options';
import { printSimulationOutcome } from '../src/simulation/print';
import { runSimulation } from '../src/simulation/run-simulation';
import { loadSimulationExperiments } from '../src/simulation/experiment';
import { startSimulationStack } from '../src/simulation/stack';
import { createBenchRun, out } from './bench-support';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, preset: { type: 'string' }, 'tick-hours': { type: 'string' } },
  });
  const parsed = simulationOptionsSchema.safeParse({ accounts: values.accounts, days: values.days, seed: values.seed, preset: values.preset, tickHours: values['tick-hours'] });
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const opts = parsed.data;

  const run = createBenchRun('simulate');
  try {
    const postgres = await startPostgres({ clusterDir: path.join(run.runDir, 'postgres'), port: await freePort(), database: 'arrears_simulation', log: run.log, unsafeFast: true });
    run.onCleanup('postgres', () => postgres.stop());
    await migrateUp(postgres.url, run.log);
    const testServer = await ensureTestServer({ log: run.log });
    const { treatments, experiments } = loadSimulationExperiments();
    const stack = await startSimulationStack({ databaseUrl: postgres.url, testServer, log: run.log, treatments, experiments });
    run.onCleanup('simulation stack', () => stack.stop());
    out(`simulating ${opts.accounts} accounts over ${opts.days} days (seed ${opts.seed}, preset ${opts.preset}, a round of the actors every ${opts.tickHours} h)`);
    const result = await runSimulation(stack, {
      ...opts,
      log: run.log,
      onDay: (day, date, phases) => {
        if (day % 10 !== 0) return;
        const top = phases.slice(0, 3).map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(0)} s`);
        out(`  day ${day} (${date}), ${((Date.now() - run.began) / 1000).toFixed(0)} s${top.length ? `; so far ${top.join(', ')}` : ''}`);
      },
    });
    await printSimulationOutcome(stack.pool, result, opts, out);
  } finally {
    await run.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

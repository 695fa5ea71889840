/**
 * `npm run chaos`: the whole local stack under load while its processes are SIGKILLed, then
 * every invariant of issue 19 §1 checked and printed with its counts (docs/reliability.md).
 * Exit code 1 when one fails. Like the benches, it prints figures and is not part of `npm test`.
 */
import type { Client } from '@temporalio/client';
import { listOverdueAccounts } from '../../src/db/account-figures';
import { createPool, type Pool } from '../../src/db/pool';
import { isoDateOf } from '../../src/domain/dates';
import { demoAnchor, loadDemoPortfolio } from '../../src/demo/portfolio';
import { connectClient } from '../../src/temporal/client';
import { triggerScreening } from '../../src/temporal/screening-schedule';
import { checkInvariants, reachedImpliedState, summaries } from './invariants';
import { emptyLedger, planLoad, runLoad, type DrivenAccount } from './load';
import { parseChaosOptions, USAGE } from './options';
import { seededRandom } from './random';
import type { AccountSummary } from '../../workflows/account/contract';
import { KILLABLE, startChaosStack, type Killable } from './stack';

const out = (line: string) => process.stdout.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface Kill {
  names: Killable[];
  at: number;
  recoveredAt?: number;
}

async function main(): Promise<void> {
  const options = parseChaosOptions(process.argv.slice(2));
  if (options.help) return void out(USAGE);
  if (options.temporal === 'postgres')
    throw new Error(
      '--temporal postgres is not available on this machine: the Temporal CLI\'s dev server keeps its state only in SQLite, and a Temporal server on PostgreSQL (temporal-server with its schema tool) comes only as a container or a release download, neither of which this machine can fetch. See docs/reliability.md.',
    );
  const random = seededRandom(options.seed);
  out(`chaos: ${options.accounts} accounts, ${options.seconds} s of load, seed ${options.seed}, Temporal: dev server`);
  const began = Date.now();
  const stack = await startChaosStack(out);
  const databaseUrl = stack.stack.databaseUrl!;
  const pool: Pool = createPool(databaseUrl, 4);
  let client: Client = await connectClient({ address: stack.stack.temporalAddress!, namespace: stack.cfg.TEMPORAL_NAMESPACE, codecKeys: stack.codecKeys });
  let exitCode: number;
  try {
    out(`stack up in ${seconds(Date.now() - began)}; loading ${options.accounts} accounts and starting their runs (the daily screening)`);
    const today = isoDateOf(Date.now());
    await loadDemoPortfolio(pool, { accounts: options.accounts, anchor: await demoAnchor(pool, today), seed: options.seed });
    const screening = await (await triggerScreening(client, stack.cfg.SCREENING_SCHEDULE_ID)).result();
    const overdue = await listOverdueAccounts(pool, today);
    const plans: DrivenAccount['plan'][] = ['CURE', 'CURE', 'CURE', 'PARTIAL', 'HOLD', 'HOLD_RELEASED', 'PROMISE', 'NONE'];
    const accounts: DrivenAccount[] = overdue.map((f) => ({ accountId: f.accountId, currency: f.currency, amountOverdue: f.amountOverdue, plan: random.pick(plans) }));
    out(`${overdue.length} overdue accounts, ${screening.started} runs started`);

    const ledger = emptyLedger();
    const actions = planLoad({ apiUrl: stack.stack.apiUrl, issuer: stack.stack.oidcIssuer!, dataDir: stack.dataDir, temporal: () => client, random, ledger }, accounts);
    out(`load: ${actions.length} client actions over ${options.seconds} s; kills: ${options.kills} one at a time, then all four together`);

    // The kill plan: each kind once first (shuffled), then at random; then all together.
    const singles: Killable[] = [...KILLABLE].sort(() => random.next() - 0.5);
    while (singles.length < options.kills) singles.push(random.pick(KILLABLE));
    const kills: Kill[] = [];
    const loadDone = runLoad(actions, options.seconds);
    const gap = (options.seconds * 1000) / (singles.length + 2);
    for (const name of singles.slice(0, options.kills)) {
      await pause(random.int(Math.floor(gap * 0.5), Math.floor(gap * 1.2)));
      const at = stack.kill(name);
      if (!at) continue;
      const kill: Kill = { names: [name], at };
      kills.push(kill);
      kill.recoveredAt = await stack.backAfter(name, at, 180_000);
      out(`  killed ${name}; back after ${seconds(kill.recoveredAt - at)}`);
      if (name === 'temporal') client = await reconnect(client, stack);
    }
    await pause(random.int(Math.floor(gap * 0.5), Math.floor(gap)));
    const together: Kill = { names: [...KILLABLE], at: Date.now() };
    for (const name of KILLABLE) stack.kill(name);
    kills.push(together);
    const back = await Promise.all(KILLABLE.map((name) => stack.backAfter(name, together.at, 300_000)));
    together.recoveredAt = Math.max(...back);
    out(`  killed all four together; all back after ${seconds(together.recoveredAt - together.at)}`);
    client = await reconnect(client, stack);

    await loadDone;
    const lastRecovery = Math.max(...kills.map((k) => k.recoveredAt ?? k.at));
    out(`load done: ${ledger.requests.sent} requests, ${ledger.requests.acknowledged} acknowledged, ${ledger.requests.retried} retries after no answer or a 5xx, refused: ${JSON.stringify(ledger.requests.refused)}`);

    // Every account in the state its events imply, within 60 s of the last recovery and the
    // last event (an event the load sends after the recovery cannot be judged before it).
    const loadEndedAt = Date.now();
    const deadline = Math.max(lastRecovery, loadEndedAt) + 60_000;
    let settledAt: number | undefined;
    /** What the runs said last before the deadline: invariant 6 is judged on it, not on a later look. */
    let seenByDeadline = new Map<string, AccountSummary | undefined>();
    while (Date.now() < deadline) {
      const now = await summaries(client, accounts);
      seenByDeadline = now;
      if (accounts.every((a) => reachedImpliedState(a, ledger, now.get(a.accountId)))) {
        settledAt = Date.now();
        break;
      }
      await pause(2_000);
    }
    const calm = Math.max(lastRecovery, loadEndedAt);
    out(
      settledAt
        ? `every account in its implied state ${seconds(settledAt - calm)} after the last recovery and the last event (recovery at -${seconds(calm - lastRecovery)})`
        : 'not every account reached its implied state within 60 s of the last recovery and the last event (see below)',
    );

    const recoveries = kills.filter((k) => k.recoveredAt).map((k) => k.recoveredAt! - k.at);
    out('');
    out(`kills: ${kills.length} (${KILLABLE.map((n) => `${n} ${kills.filter((k) => k.names.includes(n)).length}`).join(', ')}), recoveries: ${recoveries.length}, time to recover: median ${seconds(median(recoveries))}, max ${seconds(Math.max(...recoveries))}`);
    const invariants = await checkInvariants({ pool, client, accounts, ledger, seenByDeadline });
    out('');
    for (const inv of invariants) {
      out(`${inv.held ? 'HELD  ' : 'FAILED'}  ${inv.name}: ${inv.counts}`);
      for (const o of inv.offenders ?? []) out(`          ${o}`);
    }
    exitCode = invariants.every((i) => i.held) ? 0 : 1;
    out('');
    out(`${invariants.filter((i) => i.held).length} of ${invariants.length} invariants held; the run took ${seconds(Date.now() - began)}; logs: ${stack.dataDir}/logs`);
  } finally {
    await client.connection.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await stack.stop();
  }
  process.exit(exitCode);
}

async function reconnect(old: Client, stack: Awaited<ReturnType<typeof startChaosStack>>): Promise<Client> {
  await old.connection.close().catch(() => undefined);
  return connectClient({ address: stack.stack.temporalAddress!, namespace: stack.cfg.TEMPORAL_NAMESPACE, codecKeys: stack.codecKeys });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

main().catch((err: unknown) => {
  process.stderr.write(`chaos: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});

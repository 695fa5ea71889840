/**
 * `npm run bench:report -- [--accounts 100000]`
 *
 * The effectiveness report (issue 18) over a synthetic year of collection records, in a
 * throw-away embedded Postgres under .data/bench/. Generated server-side (INSERT … SELECT
 * over generate_series, triggers off as in a bulk load), per account: one entry into
 * collection in 2025 with a treatment (a fifth of the standard ones in an experiment's
 * challenger arm), a cure for 60 %, two payments, five contacts (SMS, call, e-mail; half
 * the calls connected, two thirds of those with the right party), a promise for half, a
 * blocked contact for a quarter; twelve month-end screenings listing 30 % of the book.
 *
 * Printed: the load, then the report's wall time by treatment, bucket and experiment, and
 * the HTML rendering (Vega-Lite to SVG). Run it under the shared lock:
 *   flock /tmp/arrears-bench.lock npm run bench:report
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, inTransaction } from '../src/db/pool';
import { migrateUp } from '../src/db/migrate';
import { loadCollectionCosts } from '../src/effectiveness/costs';
import { formatReportHtml } from '../src/effectiveness/format-html';
import { buildEffectivenessReport } from '../src/effectiveness/report';
import { REPORT_DIMENSIONS } from '../src/effectiveness/report-schema';
import { freePort } from '../src/setup/dev-server';
import { startPostgres } from '../src/setup/postgres';
import { createBenchRun, out, runBench } from './bench-support';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One statement per table; $1 = the number of accounts. `g` is the account's number. */
const LOAD = [
  `INSERT INTO borrowers (id) SELECT 'BB' || g FROM generate_series(1, $1) g`,
  `INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on) SELECT 'BA' || g, 'BB' || g, 'LOAN', 'CNY', 1000000, '2024-06-01' FROM generate_series(1, $1) g`,
  `INSERT INTO staff (id, display_name, role) VALUES ('bench-agent', 'Bench agent', 'AGENT')`,
  `INSERT INTO screening_runs (id, idempotency_key, as_of, config_version, finished_at, counts_by_bucket)
   SELECT m, 'bench-' || m, (date '2025-02-01' + make_interval(months => m - 1) - interval '1 day')::date, 'bench', now(),
          jsonb_build_object('CURRENT', $1 - $1 * 3 / 10) FROM generate_series(1, 12) m`,
  `INSERT INTO collection_list (screening_run_id, rank, account_id, amount_overdue, overdue_principal, overdue_interest, overdue_fees, days_past_due, bucket, risk_tier, priority)
   SELECT m, row_number() OVER (PARTITION BY m ORDER BY g), 'BA' || g, 50000 + g % 1000 * 100, 50000, 0, 0, 10,
          (ARRAY['1-30', '31-60', '61-90', '91-180', '180+'])[(g + m) % 5 + 1], 'MEDIUM', 1
   FROM generate_series(1, 12) m, generate_series(1, $1) g WHERE (g * 7 + m * 13) % 10 < 3`,
  `CREATE TEMP TABLE bench_entries AS
   SELECT g, 'BA' || g AS account_id, timestamptz '2025-01-01T02:00Z' + make_interval(days => g % 330) AS entered_at FROM generate_series(1, $1) g`,
  `INSERT INTO stage_transitions (idempotency_key, account_id, workflow_id, run_id, from_stage, to_stage, reason, occurred_at)
   SELECT 'in-' || g, account_id, 'arrears-' || account_id, 'r', NULL, 'SCREENED', 'bench', entered_at FROM bench_entries
   UNION ALL
   SELECT 'cure-' || g, account_id, 'arrears-' || account_id, 'r', 'REMINDING', 'CURED', 'bench', entered_at + make_interval(days => g % 60) FROM bench_entries WHERE g % 10 < 6`,
  `INSERT INTO audit_events (idempotency_key, account_id, workflow_id, kind, detail, occurred_at)
   SELECT 'tc-' || g, account_id, 'arrears-' || account_id, 'TREATMENT_CHOSEN',
          jsonb_build_object('treatmentId', (ARRAY['gentle', 'standard', 'fast'])[g % 3 + 1],
                             'experiment', CASE WHEN g % 3 = 1 THEN 'standard-vs-fast-2026:' || CASE WHEN g % 5 = 0 THEN 'challenger' ELSE 'champion' END END),
          entered_at + interval '1 second' FROM bench_entries`,
  `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
   SELECT 'p' || k || '-' || g, account_id, 20000 + g % 500 * 10, 'CNY', (entered_at + make_interval(days => k * (5 + g % 30)))::date, 'CARD', 'IMPORT'
   FROM bench_entries, generate_series(1, 2) k`,
  `INSERT INTO contact_attempts (id, idempotency_key, account_id, borrower_id, workflow_id, channel, template_id, template_version, rendered_text, status, provider, attempted_at, call_outcome)
   SELECT g * 5 + k, 'ca-' || g || '-' || k, account_id, 'BB' || g, 'arrears-' || account_id, (ARRAY['SMS', 'CALL', 'EMAIL', 'CALL', 'SMS'])[k + 1], 't', 1, '-', 'SENT', 'bench',
          entered_at + make_interval(days => k * 2),
          CASE WHEN k IN (1, 3) THEN CASE WHEN (g + k) % 2 = 0 THEN 'CONNECTED' ELSE 'UNANSWERED' END END
   FROM bench_entries, generate_series(0, 4) k`,
  `INSERT INTO agent_tasks (id, idempotency_key, kind, account_id, borrower_id, workflow_id, contact_attempt_id, template_id, template_version, script, status, opened_at, due_by, closed_at)
   SELECT ca.id, 'task-' || ca.id, 'CALL', ca.account_id, ca.borrower_id, ca.workflow_id, ca.id, 't', 1, '-', 'DONE', ca.attempted_at, ca.attempted_at + interval '8 hours', ca.attempted_at + interval '1 hour'
   FROM contact_attempts ca WHERE ca.call_outcome = 'CONNECTED'`,
  `INSERT INTO call_outcomes (agent_task_id, account_id, workflow_id, agent_id, right_party_reached, recorded_at)
   SELECT t.id, t.account_id, t.workflow_id, 'bench-agent', t.id % 3 < 2, t.closed_at FROM agent_tasks t`,
  `INSERT INTO contact_blocks (borrower_id, account_id, channel, rule, reason, policy_version, asked_at)
   SELECT 'BB' || g, account_id, 'SMS', (ARRAY['CONTACT_HOURS', 'CALLS_PER_DAY', 'HOLD'])[g % 3 + 1], 'bench', 'bench', entered_at + interval '1 day' FROM bench_entries WHERE g % 4 = 0`,
  `INSERT INTO payment_promises (idempotency_key, account_id, workflow_id, amount, currency, promised_for, channel, recorded_at, check_at, status, settled_at)
   SELECT 'pp-' || g, account_id, 'arrears-' || account_id, 10000, 'CNY', (entered_at + interval '10 days')::date, 'CALL', entered_at, entered_at + interval '11 days',
          CASE WHEN g % 4 = 0 THEN 'KEPT' ELSE 'BROKEN' END, entered_at + interval '11 days'
   FROM bench_entries WHERE g % 2 = 0`,
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { accounts: { type: 'string', default: '100000' } } });
  const accounts = Number(values.accounts);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 10_000_000) throw new Error('--accounts takes a whole number from 1 to 10000000');
  const run = createBenchRun('report');
  try {
    const postgres = await startPostgres({ clusterDir: path.join(run.runDir, 'postgres'), port: await freePort(), database: 'arrears_bench', log: run.log, unsafeFast: false });
    run.onCleanup('postgres', () => postgres.stop());
    await migrateUp(postgres.url, run.log);
    const pool = createPool(postgres.url, 8);
    run.onCleanup('pool', () => pool.end());

    const loadStarted = Date.now();
    await inTransaction(pool, async (db) => {
      // a bulk load: no triggers (the repayment state has no installments to keep), no FK checks
      await db.query(`SET LOCAL session_replication_role = replica`);
      for (const statement of LOAD) await db.query(statement, statement.includes('$1') ? [accounts] : []);
    });
    await pool.query('ANALYZE');
    const counts = await pool.query<{ what: string; n: string }>(
      `SELECT 'entries' AS what, count(*)::text AS n FROM stage_transitions WHERE to_stage = 'SCREENED'
       UNION ALL SELECT 'list rows', count(*)::text FROM collection_list
       UNION ALL SELECT 'payments', count(*)::text FROM payments
       UNION ALL SELECT 'contacts', count(*)::text FROM contact_attempts`,
    );
    out(`load: ${accounts.toLocaleString('en-US')} accounts (${counts.rows.map((r) => `${Number(r.n).toLocaleString('en-US')} ${r.what}`).join(', ')}) in ${seconds(Date.now() - loadStarted)}`);

    const costs = loadCollectionCosts();
    const request = { from: '2025-01-01', to: '2025-12-31' };
    for (const by of REPORT_DIMENSIONS) {
      for (const pass of ['cold', 'warm']) {
        const began = Date.now();
        const report = await buildEffectivenessReport(pool, { ...request, by }, costs);
        out(`report by ${by.padEnd(10)} ${pass}: ${seconds(Date.now() - began).padStart(8)}  (${report.groups.length} groups, cure rate ${((report.total.cureRate.rate ?? 0) * 100).toFixed(1)} %, ${report.rollRateMonths} roll-rate month pairs)`);
      }
    }
    const report = await buildEffectivenessReport(pool, { ...request, by: 'treatment' }, costs);
    const began = Date.now();
    const html = await formatReportHtml(report);
    out(`html (three Vega-Lite charts to SVG): ${seconds(Date.now() - began)}, ${(html.length / 1024).toFixed(0)} KiB`);
  } finally {
    await run.cleanup();
  }
}

if (require.main === module) runBench('bench:report', main);

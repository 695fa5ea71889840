/**
 * `npm run bench:calendar -- [--collectors 40] [--security 8] [--accounts 400] [--fill 3] [--concurrency 16] [--burst 60]`
 *
 * The appointment activities against a throw-away embedded Postgres (durable settings)
 * under .data/bench/, with a staff calendar already busy:
 *  1. proposeAppointment for every account, one at a time, the borrowers reached one every
 *     15 minutes (so their first slots spread as a day's work would): the time per proposal
 *     (p50, p95, max), and for a sample its parts: reading the calendars, and the slot finder;
 *  2. confirmAppointment of each proposal's first slot an hour later, `--concurrency` at a
 *     time: confirmations per second, how many were booked and how many found it taken;
 *  3. a burst: `--burst` borrowers confirm the same slot at once: the time until all are
 *     answered, booked against SlotTaken (booked = collectors free then);
 * and, after each, the check that no staff member holds two overlapping bookings.
 * Run it under the shared lock:
 *   flock /tmp/arrears-bench.lock npm run bench:calendar
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { OutboxSmsProvider } from '../activities/providers/sms-provider';
import { loadContactPolicyConfig } from '../src/contact-policy/config';
import { policyFor } from '../src/contact-policy/policy';
import { loadVisitParty } from '../src/db/appointments';
import { migrateUp } from '../src/db/migrate';
import { createPool, type Pool } from '../src/db/pool';
import { loadStaffCalendars } from '../src/db/staff-bookings';
import { accountWorkflowId } from '../src/domain/ids';
import { loadFieldCollectionConfig } from '../src/field-collection/load';
import { findSlots } from '../src/field-collection/slots';
import { freePort } from '../src/setup/dev-server';
import { startPostgres } from '../src/setup/postgres';
import { createBenchRun, out, runBench, seedOverdueAccounts } from './bench-support';

const USAGE = `npm run bench:calendar -- [--collectors N] [--security N] [--accounts N] [--fill N] [--concurrency N] [--burst N]

  --collectors N    field collectors, Asia/Shanghai, working 09:00-20:00 (default 40)
  --security N      security colleagues; one account in five is high-risk (default 8)
  --accounts N      borrowers proposed a visit, then confirming their first slot (default 400)
  --fill N          visits already booked per collector per day, 0 to 4, for the five weeks around (default 3)
  --concurrency N   confirmations at once (default 16)
  --burst N         borrowers confirming one and the same slot at once (default 60)
`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Monday 3 March 2031, 09:00 in Shanghai: fixed, so that runs compare. */
const AT = Date.parse('2031-03-03T01:00:00Z');
/** The burst, two weeks on: past the first slots of 1,000 borrowers reached every 15 minutes. */
const BURST_AT = AT + 14 * DAY;
/** The borrowers' preferred phone hours, in turn; every other borrower gave none. */
const PREFERRED: Array<[string, string] | null> = [['18:00', '20:00'], null, ['17:00', '19:30'], null, ['09:00', '11:00']];

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const run = <I, O>(activity: (input: I) => Promise<O>, input: I) => new MockActivityEnvironment(undefined, { logger: silent }).run(activity, input) as Promise<O>;

const ms = (n: number) => `${n.toFixed(1)} ms`;
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const spread = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return `p50 ${ms(percentile(s, 50))}, p95 ${ms(percentile(s, 95))}, max ${ms(s.at(-1) ?? NaN)}`;
};

/** Runs `work` over `items`, `limit` at a time. */
async function inLanes<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
    }),
  );
  return results;
}

async function seedStaff(pool: Pool, role: 'COLLECTOR' | 'SECURITY', count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, n) => `${role.toLowerCase()}-${String(n + 1).padStart(3, '0')}`);
  await pool.query(`INSERT INTO staff (id, display_name, role, time_zone, work_from, work_until) SELECT id, id, $2, 'Asia/Shanghai', '09:00', '20:00' FROM unnest($1::text[]) AS t(id)`, [ids, role]);
  return ids;
}

/**
 * `fill` visits a day per staff member, every 2h30 from 09:00-10:30 Shanghai (staggered by staff
 * member and day), for the weeks before, of and after the search.
 */
async function fillCalendar(pool: Pool, staff: string[], role: 'COLLECTOR' | 'SECURITY', fill: number, accountId: string): Promise<number> {
  const { rows } = await pool.query(
    `WITH slots AS (
       SELECT s AS staff_id, ($3::timestamptz + d * interval '1 day' + ((i + d) % 4) * interval '30 minutes' + n * interval '150 minutes') AS starts_at
         FROM unnest($1::text[]) WITH ORDINALITY AS t(s, i), generate_series(-7, 27) AS d, generate_series(0, $2 - 1) AS n),
     visits AS (
       INSERT INTO appointments (idempotency_key, account_id, borrower_id, workflow_id, kind, status, requires_security, starts_at, ends_at,
                                 collector_id, security_id, address_kind, report_due_by)
       SELECT 'fill-' || $5 || '-' || staff_id || '-' || extract(epoch FROM starts_at), a.id, a.borrower_id, 'bench', 'UNANNOUNCED', 'CONFIRMED', $5 = 'SECURITY',
              starts_at, starts_at + interval '90 minutes',
              CASE WHEN $5 = 'COLLECTOR' THEN staff_id ELSE (SELECT min(id) FROM staff WHERE role = 'COLLECTOR') END,
              CASE WHEN $5 = 'SECURITY' THEN staff_id END, 'HOME', starts_at + interval '2 days'
         FROM slots, accounts a WHERE a.id = $4
       RETURNING id, starts_at, ends_at, coalesce(security_id, collector_id) AS staff_id)
     INSERT INTO staff_bookings (staff_id, appointment_id, role_on_visit, during)
     SELECT staff_id, id, $5, tstzrange(starts_at, ends_at) FROM visits
     RETURNING 1`,
    [staff, fill, new Date(Date.parse('2031-03-03T01:00:00Z')), accountId, role],
  );
  return rows.length;
}

const overlapping = async (pool: Pool) =>
  Number(
    (
      await pool.query(
        `SELECT count(*) AS n FROM staff_bookings a JOIN staff_bookings b
           ON b.staff_id = a.staff_id AND a.id < b.id AND a.during && b.during AND a.status = 'BOOKED' AND b.status = 'BOOKED'`,
      )
    ).rows[0].n,
  );

runBench('bench:calendar', async () => {
  const { values } = parseArgs({
    options: {
      collectors: { type: 'string', default: '40' },
      security: { type: 'string', default: '8' },
      accounts: { type: 'string', default: '400' },
      fill: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '16' },
      burst: { type: 'string', default: '60' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const [collectorCount, securityCount, accountCount, fill, concurrency, burst] = [values.collectors, values.security, values.accounts, values.fill, values.concurrency, values.burst].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (![collectorCount, securityCount, accountCount, concurrency, burst].every((n) => Number.isInteger(n) && n > 0) || !Number.isInteger(fill) || fill < 0 || fill > 4) {
    throw new Error(`whole numbers above 0 please (--fill 0 to 4)\n${USAGE}`);
  }

  const bench = createBenchRun('bench-calendar');
  try {
    const postgres = await startPostgres({ clusterDir: path.join(bench.runDir, 'postgres'), port: await freePort(), database: 'arrears_bench', log: bench.log, unsafeFast: false });
    bench.onCleanup('postgres', () => postgres.stop());
    await migrateUp(postgres.url, bench.log);
    const pool = createPool(postgres.url, Math.max(concurrency, burst) + 2);
    bench.onCleanup('pool', async () => {
      await pool.end();
      // pg's Pool.end resolves once it has asked its clients to close, not once they have:
      // stopping Postgres at once would make every one of them log a lost connection.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });

    const accounts = await seedOverdueAccounts(pool, { count: accountCount + burst, overdue: 300_000, daysPastDue: 40, prefix: 'CAL-' });
    await pool.query(`UPDATE borrower_personal_data SET home_address = 'Bench Road ' || borrower_id`);
    await pool.query(`UPDATE accounts SET risk_tier = CASE WHEN right(id, 1) IN ('0', '5') THEN 'HIGH' ELSE 'LOW' END`);
    for (const [n, hours] of PREFERRED.entries()) {
      if (!hours) continue;
      await pool.query(
        `INSERT INTO borrower_contact_points (borrower_id, kind, label, value, preferred, contact_from, contact_until)
         SELECT borrower_id, 'PHONE', 'MOBILE', '+8613800000000', true, $2, $3 FROM accounts WHERE id = ANY($1)`,
        [accounts.filter((_, i) => i % PREFERRED.length === n && i < accountCount), ...hours],
      );
    }
    // the burst: every borrower prefers the same evening
    await pool.query(
      `INSERT INTO borrower_contact_points (borrower_id, kind, label, value, preferred, contact_from, contact_until)
       SELECT borrower_id, 'PHONE', 'MOBILE', '+8613800000000', true, '18:00', '19:30' FROM accounts WHERE id = ANY($1)`,
      [accounts.slice(accountCount)],
    );
    const collectors = await seedStaff(pool, 'COLLECTOR', collectorCount);
    const security = await seedStaff(pool, 'SECURITY', securityCount);
    const filled = (await fillCalendar(pool, collectors, 'COLLECTOR', fill, accounts[0] as string)) + (await fillCalendar(pool, security, 'SECURITY', fill, accounts[0] as string));
    await pool.query('ANALYZE');
    out(`setup: ${collectorCount} collectors, ${securityCount} security colleagues, ${filled} visits already booked (${fill} a day each over 5 weeks), ${accountCount} borrowers (1 in 5 high-risk; 3 in 5 with preferred hours), in ${((Date.now() - bench.began) / 1000).toFixed(1)} s`);

    const activities = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
    const config = loadFieldCollectionConfig();
    const policies = loadContactPolicyConfig(undefined, bench.log);

    // 1. proposals, one at a time
    const proposals: Array<{ accountId: string; appointmentId: number; at: number }> = [];
    const proposeTimes: number[] = [];
    let noSlot = 0;
    for (const [n, accountId] of accounts.slice(0, accountCount).entries()) {
      const at = AT + n * 15 * MINUTE;
      const policy = await run(activities.loadFieldPolicy, { accountId, treatmentId: 'standard', at });
      const t0 = performance.now();
      const p = await run(activities.proposeAppointment, { idempotencyKey: `p-${accountId}`, accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity: policy.requiresSecurity, at });
      proposeTimes.push(performance.now() - t0);
      if (p.outcome === 'PROPOSED') proposals.push({ accountId, appointmentId: p.appointmentId, at });
      else noSlot++;
    }
    // its parts, for a sample of high-risk borrowers (both calendars read)
    const readTimes: number[] = [];
    const findTimes: number[] = [];
    const { earliestLeadHours, searchDays, slotMinutes, slotsProposed } = config.appointment;
    for (const accountId of accounts.slice(0, accountCount).filter((id) => /[05]$/.test(id)).slice(0, 50)) {
      const party = await loadVisitParty(pool, accountId);
      if (!party) continue;
      const from = AT + earliestLeadHours * HOUR;
      const t0 = performance.now();
      const c = await loadStaffCalendars(pool, 'COLLECTOR', from - 7 * DAY, from + (searchDays + 7) * DAY);
      const s = await loadStaffCalendars(pool, 'SECURITY', from - 7 * DAY, from + (searchDays + 7) * DAY);
      const t1 = performance.now();
      const { figures } = policyFor(policies, party.jurisdiction);
      findSlots({ from, searchDays, slotMinutes, slotsProposed, borrowerTimeZone: party.timeZone, preferredHours: party.preferredHours, contactHours: { from: figures.CONTACT_HOURS_START ?? 0, until: figures.CONTACT_HOURS_END ?? 1440 }, collectors: c, security: s });
      readTimes.push(t1 - t0);
      findTimes.push(performance.now() - t1);
    }
    out(`\n1. proposeAppointment, one at a time: ${proposals.length} proposed, ${noSlot} NO_FREE_SLOT`);
    out(`   per proposal:        ${spread(proposeTimes)}`);
    out(`   high-risk sample:    calendar read ${spread(readTimes)}; slot finder ${spread(findTimes)}`);

    // 2. confirmations, `concurrency` at a time
    const confirmOne = async ({ accountId, appointmentId, at }: { accountId: string; appointmentId: number; at: number }) => {
      const t0 = performance.now();
      try {
        await run(activities.confirmAppointment, { accountId, workflowId: accountWorkflowId(accountId), confirmation: { appointmentId, slotId: 's1', address: { kind: 'HOME' }, confirmedBy: 'BORROWER', channel: 'WEB' }, reportDeadlineHours: 48, at: at + HOUR });
        return { booked: true, ms: performance.now() - t0 };
      } catch (err) {
        if ((err as { type?: string }).type !== 'SlotTaken') throw err;
        return { booked: false, ms: performance.now() - t0 };
      }
    };
    const c0 = performance.now();
    const confirmed = await inLanes(proposals, concurrency, confirmOne);
    const wall = (performance.now() - c0) / 1000;
    out(`\n2. confirmAppointment, ${concurrency} at a time: ${confirmed.length} in ${wall.toFixed(2)} s = ${(confirmed.length / wall).toFixed(0)}/s`);
    out(`   booked ${confirmed.filter((c) => c.booked).length}, SlotTaken ${confirmed.filter((c) => !c.booked).length}; each: ${spread(confirmed.map((c) => c.ms))}`);
    out(`   overlapping bookings of one staff member: ${await overlapping(pool)}`);

    // 3. the burst on one slot
    const burstProposals = [];
    for (const accountId of accounts.slice(accountCount)) {
      const p = await run(activities.proposeAppointment, { idempotencyKey: `p-${accountId}`, accountId, workflowId: accountWorkflowId(accountId), confirmWindowHours: 72, requiresSecurity: false, at: BURST_AT });
      if (p.outcome === 'PROPOSED') burstProposals.push({ accountId, appointmentId: p.appointmentId, at: BURST_AT, s1: p.slots[0]?.startsAt });
    }
    const slotsAsked = new Set(burstProposals.map((p) => p.s1));
    const b0 = performance.now();
    const burstResults = await Promise.all(burstProposals.map(confirmOne));
    const burstWall = performance.now() - b0;
    out(`\n3. burst: ${burstResults.length} borrowers confirm ${slotsAsked.size === 1 ? `the same slot (${[...slotsAsked][0]})` : `${slotsAsked.size} slots`} at once: all answered in ${ms(burstWall)}`);
    out(`   booked ${burstResults.filter((r) => r.booked).length} (one collector each), SlotTaken ${burstResults.filter((r) => !r.booked).length}; each: ${spread(burstResults.map((r) => r.ms))}`);
    out(`   overlapping bookings of one staff member: ${await overlapping(pool)}`);
  } finally {
    await bench.cleanup();
  }
});

/**
 * dailyScreening end to end on the dev server (schedules need it) and a loan book of
 * this file's own (a screening reads every account): the scan, the fan-out to
 * accountCollection runs executed by a real worker, the Schedule's trigger, and an
 * account that falls overdue again after its run closed as CURED.
 */
import type { Client } from '@temporalio/client';
import { createPool, type Pool } from '../src/db/pool';
import { accountWorkflowId } from '../src/domain/ids';
import { calendarDateIn } from '../src/domain/time-zones';
import { createLogger } from '../src/logger';
import { ensureScreeningSchedule, triggerScreening } from '../src/temporal/screening-schedule';
import { PREVIOUS_RUN_MEMO } from '../src/temporal/account-workflow';
import { ownTestDatabase } from '../test/own-database';
import { eventually, isoDateFrom, newCodecKeys, seedAccount, startTestWorker, type TestWorker, testTemporalAddress, uniqueId } from '../test/support';
import { paymentReceivedSignal, summaryQuery } from './account/contract';
import { DAILY_SCREENING_WORKFLOW, TemporalScheduledStartTime, type DailyScreeningInput, type DailyScreeningResult } from './screening-messages';

const log = createLogger('silent');
const taskQueue = uniqueId('screening');
const today = () => isoDateFrom(Date.now(), 0);
let pool: Pool;
let worker: TestWorker;
let client: Client;

beforeAll(async () => {
  pool = createPool(await ownTestDatabase('daily_screening'), 5);
  worker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: newCodecKeys(), pool });
  client = worker.client;
});

afterAll(async () => {
  await worker?.stop();
  await pool?.end();
});

/** Each test starts from an empty loan book: the accounts of earlier tests are closed and removed. */
beforeEach(async () => {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM accounts');
  await Promise.all(rows.map(({ id }) => client.workflow.getHandle(accountWorkflowId(id)).terminate('next test').catch(() => undefined)));
  await pool.query('TRUNCATE borrowers, accounts, installments, payments, collection_list, screening_runs CASCADE');
});

const overdue = (days: number, amount: number) => seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -days), amount }] });

function screen(input: DailyScreeningInput): Promise<DailyScreeningResult> {
  return client.workflow.execute(DAILY_SCREENING_WORKFLOW, { taskQueue, workflowId: uniqueId('daily-screening'), args: [input] });
}

const summaryOf = (accountId: string) => client.workflow.getHandle(accountWorkflowId(accountId)).query(summaryQuery);
const runIdOf = async (accountId: string) => (await client.workflow.getHandle(accountWorkflowId(accountId)).describe()).runId;

test('the first screening starts a run per overdue account; the next one refreshes those runs and starts none', async () => {
  const [a, b] = [await overdue(40, 100_000), await overdue(10, 20_000)];
  const current = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), 20), amount: 5_000 }] });

  const first = await screen({ timeZone: 'UTC', asOf: today() });

  expect(first).toMatchObject({ asOf: today(), accountsScanned: 3, overdueAccounts: 2, screeningReused: false, lastRank: 2, started: 2, signalled: 0, refused: 0 });
  for (const accountId of [a, b]) {
    expect(await eventually(() => summaryOf(accountId), (s) => s.stage === 'REMINDING')).toMatchObject({ stage: 'REMINDING' });
  }
  await expect(runIdOf(current)).rejects.toThrow(/not found/i);
  const runs = [await runIdOf(a), await runIdOf(b)];

  const second = await screen({ timeZone: 'UTC', asOf: today() });

  expect(second).toMatchObject({ overdueAccounts: 2, lastRank: 2, started: 0, signalled: 2, refused: 0 });
  expect(second.screeningRunId).not.toBe(first.screeningRunId);
  expect([await runIdOf(a), await runIdOf(b)]).toEqual(runs);
  expect(await summaryOf(a)).toMatchObject({ amountOverdue: 100_000, daysPastDue: 40 });
});

test('an account whose run closed CURED and that is overdue again gets a new run under the same id, linked to the old one', async () => {
  const accountId = await overdue(20, 50_000);
  await screen({ timeZone: 'UTC', asOf: today() });
  await eventually(() => summaryOf(accountId), (s) => s.stage === 'REMINDING');
  const cured = client.workflow.getHandle(accountWorkflowId(accountId));
  const curedRunId = (await cured.describe()).runId;
  await cured.signal(paymentReceivedSignal, { eventId: uniqueId('EVT'), accountId, amount: 50_000, currency: 'CNY', valueDate: today(), method: 'BANK_TRANSFER' });
  expect((await cured.result()).outcome).toBe('CURED');
  // the next statement falls due and goes unpaid
  await pool.query(`INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due) VALUES ($1, 2, $2, 24000, 4500, 1500)`, [accountId, isoDateFrom(Date.now(), -3)]);

  const again = await screen({ timeZone: 'UTC', asOf: today() });

  expect(again).toMatchObject({ overdueAccounts: 1, started: 1, signalled: 0 });
  const reopened = await client.workflow.getHandle(accountWorkflowId(accountId)).describe();
  expect(reopened.runId).not.toBe(curedRunId);
  expect(reopened.status.name).toBe('RUNNING');
  expect(await reopened.memo).toEqual({ [PREVIOUS_RUN_MEMO]: curedRunId });
  const history = await client.workflow.getHandle(accountWorkflowId(accountId), reopened.runId).fetchHistory();
  expect(history.events?.[0]?.links?.[0]?.workflowEvent).toMatchObject({ workflowId: accountWorkflowId(accountId), runId: curedRunId });
  expect(await eventually(() => summaryOf(accountId), (s) => s.stage === 'REMINDING')).toMatchObject({ amountOverdue: 30_000, daysPastDue: 3 });
});

test('the Schedule, triggered, screens the day it was scheduled for in its zone and starts the overdue accounts', async () => {
  const ids = [await overdue(5, 1_000), await overdue(65, 2_000), await overdue(200, 3_000)];
  // UTC+14: its calendar day is often not UTC's, so the zone visibly decides the as-of date
  const timeZone = 'Pacific/Kiritimati';
  const scheduleId = uniqueId('screening-schedule');
  await ensureScreeningSchedule(client, { scheduleId, time: '06:00', timeZone, taskQueue }, log);
  try {
    const handle = await triggerScreening(client, scheduleId);
    const result = await handle.result();

    const scheduledAt = (await handle.describe()).typedSearchAttributes.get(TemporalScheduledStartTime) as Date;
    expect(result).toMatchObject({ asOf: calendarDateIn(scheduledAt, timeZone), overdueAccounts: 3, started: 3, signalled: 0 });
    for (const accountId of ids) expect(await runIdOf(accountId)).toEqual(expect.any(String));
  } finally {
    await client.schedule.getHandle(scheduleId).delete();
  }
});

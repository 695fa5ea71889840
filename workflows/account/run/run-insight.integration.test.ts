/**
 * What an operator sees of a run in the Temporal UI (issue 15 §3), on the dev server with
 * the real worker and Postgres: the `timeline` query, the current details (the SDK's
 * workflow-metadata query, what the UI reads), and the summaries on the contact activity
 * and the cadence timer in the history (user metadata, through the codec); no personal
 * data in any of them.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createEncryptionCodec } from '../../../src/codec/data-converter';
import { runningAccountWorkflow } from '../../../test/account-workflow';
import { eventually, isoDateFrom, seedAccount } from '../../../test/support';
import { workerTestbed } from '../../../test/worker-testbed';
import { timelineQuery } from '../contract';

const bed = workerTestbed('insight');
const MOBILE = '+8613877776666';

const workflow = runningAccountWorkflow(async () => ({
  client: bed.worker.client,
  taskQueue: bed.taskQueue,
  accountId: await seedAccount(bed.pool, { mobilePhone: MOBILE, installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] }),
}));

const codec = createEncryptionCodec(bed.codecKeys);
const decoded = async (payload: Payload | null | undefined) => (payload ? defaultPayloadConverter.fromPayload<string>((await codec.decode([payload]))[0]!) : undefined);

test('the timeline query tells the run so far in the domain\'s words, newest first', async () => {
  const timeline = await eventually(
    () => workflow.handle.query(timelineQuery),
    (events) => events.some((e) => e.kind === 'CONTACT'),
  );
  const told = timeline.map((e) => `${e.kind} ${e.text}`);
  expect(told).toEqual(expect.arrayContaining(['STAGE SCREENED → REMINDING', 'CONTACT SMS sms-first-reminder: cadence step taken']));
  expect(told.indexOf('CONTACT SMS sms-first-reminder: cadence step taken')).toBeLessThan(told.indexOf('STAGE SCREENED → REMINDING'));
  expect(JSON.stringify(timeline)).not.toContain(MOBILE);
});

test('the current details show stage, DPD, amount, treatment and the next step, in markdown', async () => {
  const { currentDetails } = await eventually(
    () => workflow.handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata'),
    (m) => /Next step: CALL call-reminder/.test(m.currentDetails ?? ''),
  );
  expect(currentDetails).toMatch(/^\*\*REMINDING\*\* · 12 DPD · CNY 2500\.00 overdue \(bucket 1-30\)\n\nTreatment: \w+\n\nNext step: CALL call-reminder — \d{4}-\d\d-\d\d \d\d:\d\dZ$/);
});

test('the contact activity and the cadence timer carry readable summaries in the history (encrypted like every payload)', async () => {
  const events = await eventually(
    async () => (await workflow.handle.fetchHistory()).events ?? [],
    (all) => all.some((e) => e.timerStartedEventAttributes),
  );
  const contact = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'contactBorrower');
  const timer = [...events].reverse().find((e) => e.timerStartedEventAttributes);
  expect(contact?.userMetadata?.summary?.metadata?.encoding && Buffer.from(contact.userMetadata.summary.metadata.encoding).toString()).toBe('binary/encrypted');
  expect(await decoded(contact?.userMetadata?.summary)).toBe('SMS sms-first-reminder, attempt 1');
  expect(await decoded(timer?.userMetadata?.summary)).toMatch(/^wait for the next step: CALL call-reminder \(\d{4}-/);
});

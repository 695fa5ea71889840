/**
 * The daily screening Schedule on the dev server (the time-skipping server has no
 * schedules): ensured twice it is one schedule with the configured spec; a new time
 * updates it and leaves an operator's pause alone.
 */
import { type Client, ScheduleOverlapPolicy } from '@temporalio/client';
import { createLogger } from '../logger';
import { newCodecKeys, testTemporalAddress, uniqueId } from '../../test/support';
import { connectClient } from './client';
import { ensureScreeningSchedule, type ScreeningScheduleSettings } from './screening-schedule';

const log = createLogger('silent');
const created: string[] = [];
let client: Client;

beforeAll(async () => {
  client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: newCodecKeys() });
});

afterAll(async () => {
  for (const scheduleId of created) await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  await client?.connection.close();
});

function settings(overrides: Partial<ScreeningScheduleSettings> = {}): ScreeningScheduleSettings {
  const s = { scheduleId: uniqueId('screening-schedule'), time: '06:30', timeZone: 'Asia/Shanghai', taskQueue: uniqueId('screening'), ...overrides };
  created.push(s.scheduleId);
  return s;
}

test('ensured twice, it is one schedule: daily at the configured time in the zone, starting dailyScreening, SKIP on overlap', async () => {
  const s = settings();

  expect(await ensureScreeningSchedule(client, s, log)).toBe('created');
  expect(await ensureScreeningSchedule(client, s, log)).toBe('updated');

  const described = await client.schedule.getHandle(s.scheduleId).describe();
  expect(described.spec.timezone).toBe('Asia/Shanghai');
  expect(described.spec.calendars).toHaveLength(1);
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6 }], minute: [{ start: 30, end: 30 }], second: [{ start: 0, end: 0 }] });
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyScreening', workflowId: s.scheduleId, taskQueue: s.taskQueue, args: [{ timeZone: 'Asia/Shanghai' }] });
  expect(described.policies).toEqual({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 23 * 3_600_000, pauseOnFailure: false });
  expect(described.state.paused).toBe(false);
  // 06:30 in Shanghai (UTC+8, no daylight saving) is 22:30 UTC, every day
  const next = described.info.nextActionTimes.map((t) => t.toISOString().slice(11, 16));
  expect(next.length).toBeGreaterThan(1);
  expect(new Set(next)).toEqual(new Set(['22:30']));
});

test('a new time and zone update the schedule; a pause set by an operator stays', async () => {
  const s = settings();
  await ensureScreeningSchedule(client, s, log);
  await client.schedule.getHandle(s.scheduleId).pause('paused by operations');

  expect(await ensureScreeningSchedule(client, { ...s, time: '07:15', timeZone: 'Europe/Berlin' }, log)).toBe('updated');

  const described = await client.schedule.getHandle(s.scheduleId).describe();
  expect(described.spec.timezone).toBe('Europe/Berlin');
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7 }], minute: [{ start: 15, end: 15 }] });
  expect(described.action).toMatchObject({ args: [{ timeZone: 'Europe/Berlin' }] });
  expect(described.state).toMatchObject({ paused: true, note: 'paused by operations' });
});

test('a schedule written under a key the worker no longer holds is recreated under the current key; its pause stays', async () => {
  const s = settings();
  const retired = newCodecKeys();
  const oldClient = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: retired });
  try {
    await ensureScreeningSchedule(oldClient, s, log);
    await oldClient.schedule.getHandle(s.scheduleId).pause('paused by operations');
  } finally {
    await oldClient.connection.close();
  }
  // `client` holds a new key and not the retired one (a rotation that dropped it).
  await expect(client.schedule.getHandle(s.scheduleId).describe()).rejects.toThrow(`no codec key ${retired.current.keyId} is configured`);

  expect(await ensureScreeningSchedule(client, { ...s, time: '07:15' }, log)).toBe('recreated');

  const described = await client.schedule.getHandle(s.scheduleId).describe();
  expect(described.action).toMatchObject({ workflowType: 'dailyScreening', args: [{ timeZone: 'Asia/Shanghai' }] });
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7 }], minute: [{ start: 15, end: 15 }] });
  expect(described.state).toMatchObject({ paused: true, note: 'paused by operations' });
  expect(await ensureScreeningSchedule(client, s, log)).toBe('updated');
});

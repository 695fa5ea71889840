/**
 * Business days are the bank's calendar days: the same instant is a different day in
 * Kiritimati (UTC+14) than in UTC, and the account's figures follow the configured zone.
 */
import { OutboxSmsProvider } from './providers/sms-provider';
import { createActivities } from '.';
import { businessDayOf } from './business-day';
import { seedAccount, testPool } from '../test/support';
import type { Pool } from '../src/db/pool';

let pool: Pool;
beforeAll(() => (pool = testPool()));
afterAll(() => pool.end());

// 12:00 UTC on 23 November is already the 24th in Kiritimati, still the 23rd in UTC.
const NOON_UTC = Date.parse('2026-11-23T12:00:00Z');

test('the business day of an instant is its calendar date in the zone; an explicit day wins', () => {
  expect(businessDayOf({ at: NOON_UTC }, 'UTC')).toBe('2026-11-23');
  expect(businessDayOf({ at: NOON_UTC }, 'Pacific/Kiritimati')).toBe('2026-11-24');
  expect(businessDayOf({ at: NOON_UTC }, 'America/Los_Angeles')).toBe('2026-11-23');
  expect(businessDayOf({ at: NOON_UTC }, undefined)).toBe('2026-11-23');
  expect(businessDayOf({ at: NOON_UTC, asOf: '2026-01-31' }, 'Pacific/Kiritimati')).toBe('2026-01-31');
});

test('an installment due on the 23rd is overdue at that instant in Kiritimati, not yet in UTC', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: '2026-11-23', amount: 50_000 }] });
  const inZone = (businessTimeZone: string) => createActivities({ pool, smsProvider: new OutboxSmsProvider(pool), businessTimeZone });

  const kiritimati = await inZone('Pacific/Kiritimati').loadAccountFigures({ accountId, at: NOON_UTC });
  const utc = await inZone('UTC').loadAccountFigures({ accountId, at: NOON_UTC });

  expect(kiritimati).toMatchObject({ asOf: '2026-11-24', amountOverdue: 50_000, daysPastDue: 1, bucket: '1-30' });
  expect(utc).toMatchObject({ asOf: '2026-11-23', amountOverdue: 0, daysPastDue: 0, bucket: 'CURRENT' });
});

/**
 * The personal-data access log through the API: a decode at the codec endpoint and a view
 * of a collector's day each write one row (who, roles, kinds, accounts, route), which
 * GET /access-log shows to compliance only; the table refuses every change of a row; and
 * the role matrix agrees with the role table for every route that shows personal data.
 */
import { PERSONAL_DATA_VIEWS, maySee } from '../identity/personal-data';
import type { Role } from '../identity/roles';
import { apiTestbed } from '../../test/api-testbed';
import { seedVisit } from '../../test/field-appointments';
import { addFieldStaff } from '../../test/field-collection-seeds';
import { isoDateFrom, seedAccount } from '../../test/support';
import { ROUTE_ROLES } from './route-roles';

const bed = apiTestbed('access-log');
const b64 = (s: string) => Buffer.from(s).toString('base64');

const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -40), amount: 250_000 }] });

test('a codec decode is logged against the account named in the payload metadata; an encode is not', async () => {
  const accountId = await overdue();
  const payload = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ accountId, note: 'personal' })) };

  const encoded = await bed.call('POST', '/codec/encode', { payloads: [payload] }, { role: 'SUPERVISOR' });
  const metadata = (encoded.json.payloads as { metadata: Record<string, string> }[])[0]!.metadata;
  const decoded = await bed.call('POST', '/codec/decode', encoded.json, { role: 'COMPLIANCE' });

  expect(Buffer.from(metadata['arrears-account-id']!, 'base64').toString()).toBe(accountId);
  expect(decoded.status).toBe(200);
  const { json } = await bed.call('GET', `/access-log?accountId=${accountId}`, undefined, { role: 'COMPLIANCE' });
  expect(json.entries).toEqual([
    { id: expect.any(Number), viewedAt: expect.any(String), subject: 'test-compliance', roles: ['COMPLIANCE'], dataKinds: ['ANY_IN_PAYLOAD'], accountIds: [accountId], via: 'CODEC', purpose: 'POST /codec/decode' },
  ]);
});

test("a view of a collector's day is logged against each account whose address it showed", async () => {
  const collector = await addFieldStaff(bed.pool, 'COLLECTOR', { timeZone: 'Asia/Shanghai' });
  const [first, second] = [await overdue(), await overdue()];
  await seedVisit(bed.pool, first, { collectorId: collector, startsAt: new Date('2030-12-01T01:30:00Z'), address: '1 Log Road' });
  await seedVisit(bed.pool, second, { collectorId: collector, startsAt: new Date('2030-12-01T05:30:00Z'), address: '2 Log Road' });

  expect((await bed.call('GET', `/staff/${collector}/appointments?date=2030-12-01`, undefined, { role: 'SUPERVISOR' })).status).toBe(200);

  const { json } = await bed.call('GET', `/access-log?accountId=${second}`, undefined, { role: 'COMPLIANCE' });
  expect(json.entries).toEqual([expect.objectContaining({ subject: 'test-supervisor', dataKinds: ['ADDRESS'], accountIds: [first, second], via: 'API', purpose: 'GET /staff/:staffId/appointments' })]);
  expect(JSON.stringify(json)).not.toContain('Log Road');
});

test('the log is append-only: an update, a delete and a truncate are refused', async () => {
  const accountId = await overdue();
  await bed.pool.query(`INSERT INTO personal_data_access_log (subject, roles, data_kinds, account_ids, via, purpose) VALUES ('x', '{}', '{NAME}', ARRAY[$1], 'API', 'test')`, [accountId]);
  for (const sql of [`UPDATE personal_data_access_log SET subject = 'y' WHERE $1 = ANY(account_ids)`, `DELETE FROM personal_data_access_log WHERE $1 = ANY(account_ids)`]) {
    await expect(bed.pool.query(sql, [accountId])).rejects.toThrow('personal_data_access_log is append-only');
  }
  await expect(bed.pool.query('TRUNCATE personal_data_access_log')).rejects.toThrow('personal_data_access_log is append-only');
  expect((await bed.pool.query(`SELECT subject FROM personal_data_access_log WHERE $1 = ANY(account_ids)`, [accountId])).rows).toEqual([{ subject: 'x' }]);
});

test.each(Object.entries(PERSONAL_DATA_VIEWS).filter(([route]) => route in ROUTE_ROLES))('%s: every role the route allows may see what it shows', (route, kinds) => {
  const allowed = ROUTE_ROLES[route] as readonly Role[];
  expect(allowed.filter((role) => !maySee([role], kinds))).toEqual([]);
});

/** `arrears opt-out` as staff run it: signed in, recorded with who; refused for a role the route does not allow and for a bad channel. */
import type { Pool } from '../db/pool';
import { arrearsCli } from '../../test/arrears-cli';
import { isoDateFrom, newCodecKeys, seedAccount, testPool } from '../../test/support';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool?.end();
});

const arrears = arrearsCli(newCodecKeys());
const optOutsOf = async (accountId: string) =>
  (await pool.query('SELECT o.channel, o.source, o.recorded_by FROM contact_opt_outs o JOIN accounts a ON a.borrower_id = o.borrower_id WHERE a.id = $1', [accountId])).rows;

test('an agent records an opt-out of calls; again, it says it was already recorded', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
  await arrears('login', '--staff', 'test-agent');

  const first = await arrears('opt-out', accountId, '--channel', 'CALL');
  expect(first).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^${accountId}: the borrower is opted out of CALL from \\d{4}-`)) });
  expect(await optOutsOf(accountId)).toEqual([{ channel: 'CALL', source: 'STAFF', recorded_by: 'test-agent' }]);
  expect(await arrears('opt-out', accountId, '--channel', 'CALL')).toMatchObject({ code: 0, stdout: expect.stringContaining('already opted out of CALL') });
});

test('a bad channel names the flag; a field collector may not; nothing recorded', async () => {
  const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
  await arrears('login', '--staff', 'test-agent');
  expect(await arrears('opt-out', accountId, '--channel', 'FAX')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^arrears: --channel: /) });
  await arrears('login', '--staff', 'test-field-collector');
  expect(await arrears('opt-out', accountId, '--channel', 'SMS')).toMatchObject({ code: 1, stderr: expect.stringContaining('may not do this: it takes AGENT, SUPERVISOR') });
  expect(await optOutsOf(accountId)).toEqual([]);
});

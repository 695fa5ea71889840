/**
 * GET /accounts/:id against the real API, a running workflow on the dev server and the
 * real Postgres: the record and the workflow's summary together; personal fields by role,
 * each such view in the access log; the timeline in the domain's words, bounded, with no
 * personal value in it.
 */
import { runningAccountWorkflow } from '../../test/account-workflow';
import { apiTestbed } from '../../test/api-testbed';
import { eventually, isoDateFrom, seedAccount, uniqueId } from '../../test/support';

const bed = apiTestbed('account-view');
const PERSONAL = { name: 'Zhang Wei Viewtest', mobile: '+8613811112222', address: '88 Viewtest Road, Chaoyang', idNumber: '110101199003071234' };

const workflow = runningAccountWorkflow(async () => {
  const borrowerId = uniqueId('B-view');
  const accountId = await seedAccount(bed.pool, { borrowerId, mobilePhone: PERSONAL.mobile, installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });
  await bed.pool.query('UPDATE borrower_personal_data SET full_name = $2, home_address = $3, id_number = $4 WHERE borrower_id = $1', [borrowerId, PERSONAL.name, PERSONAL.address, PERSONAL.idNumber]);
  return { client: bed.worker.client, taskQueue: bed.taskQueue, accountId };
});

const view = async (role: 'AGENT' | 'SUPERVISOR' | 'LEGAL' | 'COMPLIANCE', query = '') => bed.call('GET', `/accounts/${workflow.accountId}${query}`, undefined, { role });
const viewsLogged = async (accountId: string) =>
  (await bed.pool.query(`SELECT subject, data_kinds, via, purpose FROM personal_data_access_log WHERE $1 = ANY(account_ids) ORDER BY id`, [accountId])).rows;

test("a supervisor sees the figures, the workflow's treatment and next step, the timeline, and every kind of personal field; the view is logged", async () => {
  // the first SMS is out: the timeline has the stage moves and the contact
  const { json } = await eventually(() => view('SUPERVISOR'), (a) => a.status === 200 && (a.json.timeline as { kind: string }[]).some((e) => e.kind === 'CONTACT'));
  expect(json).toMatchObject({
    account: { id: workflow.accountId, currency: 'CNY', status: 'OPEN' },
    stage: { stage: 'REMINDING' },
    figures: { amountOverdue: 250_000, daysPastDue: 12, bucket: '1-30' },
    workflow: { status: 'RUNNING', summary: { stage: 'REMINDING', treatment: expect.any(String), nextStep: { action: expect.any(String), at: expect.any(String) } } },
    holds: [],
    promises: [],
    appointments: [],
    personalDataShown: ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER'],
    borrower: { name: PERSONAL.name, mobilePhone: PERSONAL.mobile, homeAddress: PERSONAL.address, idNumber: PERSONAL.idNumber, visitAddresses: [] },
  });
  const timeline = json.timeline as { at: string; kind: string; text: string }[];
  expect(timeline.map((e) => `${e.kind} ${e.text}`)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^STAGE start → SCREENED: /), expect.stringMatching(/^STAGE SCREENED → REMINDING: /), expect.stringMatching(/^CONTACT SMS sent \(sms-[\w-]+ v\d+\)$/)]),
  );
  expect(timeline.map((e) => e.at)).toEqual([...timeline.map((e) => e.at)].sort().reverse());
  expect(await viewsLogged(workflow.accountId)).toContainEqual({ subject: 'test-supervisor', data_kinds: ['NAME', 'PHONE', 'ADDRESS', 'ID_NUMBER'], via: 'API', purpose: 'GET /accounts/:accountId' });
});

test('an agent sees the name and phones only: no address, no ID number; the view is logged with what it showed', async () => {
  const { status, json } = await view('AGENT');
  expect(status).toBe(200);
  expect(json.personalDataShown).toEqual(['NAME', 'PHONE']);
  expect(Object.keys(json.borrower as object).sort()).toEqual(['email', 'mobilePhone', 'name']);
  expect(JSON.stringify(json)).not.toContain(PERSONAL.address);
  expect(JSON.stringify(json)).not.toContain(PERSONAL.idNumber);
  expect(await viewsLogged(workflow.accountId)).toContainEqual({ subject: 'test-agent', data_kinds: ['NAME', 'PHONE'], via: 'API', purpose: 'GET /accounts/:accountId' });
});

test('the timeline is bounded by limit and holds no personal value; a bad limit is 400 and logs nothing', async () => {
  const { json } = await view('COMPLIANCE', '?limit=2');
  expect(json.timeline).toHaveLength(2);
  const everything = JSON.stringify((await view('COMPLIANCE', '?limit=500')).json.timeline);
  for (const value of Object.values(PERSONAL)) expect(everything).not.toContain(value);

  const before = (await viewsLogged(workflow.accountId)).length;
  expect(await view('LEGAL', '?limit=0')).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^limit:/)] } });
  expect(await viewsLogged(workflow.accountId)).toHaveLength(before);
});

test('an account never started is read from the record alone; an unknown one is 404', async () => {
  const accountId = await seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -40), amount: 90_000 }] });
  expect((await bed.call('GET', `/accounts/${accountId}`, undefined, { role: 'AGENT' })).json).toMatchObject({ stage: null, figures: { amountOverdue: 90_000, daysPastDue: 40 }, workflow: { status: 'NONE', summary: null }, timeline: [] });
  expect((await bed.call('GET', '/accounts/NO-SUCH-ACCOUNT', undefined, { role: 'AGENT' })).status).toBe(404);
});

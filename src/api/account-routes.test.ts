/**
 * The account routes against the real Postgres and the Temporal dev server: the signal
 * routes deliver to the account's running workflow (its history shows the signal), and
 * every refusal happens before anything is sent: a bad body, an unknown account, an
 * account whose workflow is not running.
 */
import { accountWorkflowId } from '../domain/ids';
import { runningAccountWorkflow, signalsReceived } from '../../test/account-workflow';
import { apiTestbed } from '../../test/api-testbed';
import { isoDateFrom, seedAccount, uniqueId } from '../../test/support';

const bed = apiTestbed('account-api');
const post = (path: string, body?: unknown) => bed.call('POST', path, body);

const overdue = () => seedAccount(bed.pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -12), amount: 250_000 }] });

describe('holds and cease-contact reach the running workflow as signals', () => {
  const workflow = runningAccountWorkflow(async () => ({ client: bed.worker.client, taskQueue: bed.taskQueue, accountId: await overdue() }));

  test('holdPlaced, holdReleased, ceaseContact: 202 each, in the history in order', async () => {
    const { accountId, handle } = workflow;
    const holdId = uniqueId('hold');
    const placed = await post(`/accounts/${accountId}/holds`, { holdId, reason: 'DISPUTE', note: 'Disputes the late fee.' });
    const released = await post(`/accounts/${accountId}/holds/${holdId}/release`);
    const ceased = await post(`/accounts/${accountId}/cease-contact`, { requestId: uniqueId('cease'), scope: 'ACCOUNT' });

    for (const answer of [placed, released, ceased]) expect(answer).toEqual({ status: 202, json: { accepted: true, workflowId: accountWorkflowId(accountId) } });
    expect(await signalsReceived(handle, 3)).toEqual(['holdPlaced', 'holdReleased', 'ceaseContact']);
  });

  test('a bad hold is a 400 naming the field, and never reaches the workflow', async () => {
    const { accountId, handle } = workflow;
    const before = await signalsReceived(handle, 0);
    const { status, json } = await post(`/accounts/${accountId}/holds`, { holdId: uniqueId('hold'), reason: 'BAD_MOOD' });
    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain('reason:');
    // a good signal after it: once that one is in the history, the bad one would be before it
    expect((await post(`/accounts/${accountId}/cease-contact`, { requestId: uniqueId('cease') })).status).toBe(202);
    expect(await signalsReceived(handle, before.length + 1)).toEqual([...before, 'ceaseContact']);
  });
});

describe('refused before anything is sent', () => {
  test.each([
    ['holds', { holdId: 'h-1', reason: 'DISPUTE' }],
    ['holds/h-1/release', undefined],
    ['cease-contact', { requestId: 'c-1' }],
    ['promises', { amount: '100.00', currency: 'CNY', promisedFor: '2030-01-01', channel: 'CALL' }],
  ])('POST /accounts/<unknown>/%s is a 404', async (route, body) => {
    const { status, json } = await post(`/accounts/NO-SUCH-ACCOUNT/${route}`, body);
    expect({ status, json }).toEqual({ status: 404, json: { error: 'account NO-SUCH-ACCOUNT is not in the loan book' } });
  });

  test.each([
    ['holds', { holdId: 'h-1', reason: 'DISPUTE' }],
    ['holds/h-1/release', undefined],
    ['cease-contact', { requestId: 'c-1', scope: 'BORROWER' }],
    ['promises', { amount: '100.00', currency: 'CNY', promisedFor: '2030-01-01', channel: 'CALL' }],
  ])('POST /accounts/<account without a running workflow>/%s is a 409', async (route, body) => {
    const accountId = await overdue();
    const { status, json } = await post(`/accounts/${accountId}/${route}`, body);
    expect({ status, json }).toEqual({ status: 409, json: { error: `no running collection workflow for account ${accountId} (${accountWorkflowId(accountId)})` } });
  });

  test.each([
    [{ amount: '1,200.50', currency: 'CNY', promisedFor: '2030-01-01', channel: 'CALL' }, 'amount:'],
    [{ amount: '1200.50', currency: 'yuan', promisedFor: '2030-01-01', channel: 'CALL' }, 'currency:'],
    [{ amount: '1200.50', currency: 'CNY', promisedFor: '1 Jan 2030', channel: 'CALL' }, 'promisedFor:'],
    [{ amount: '1200.50', currency: 'CNY', promisedFor: '2030-01-01', channel: 'PIGEON' }, 'channel:'],
    [{ amount: '1200.50', currency: 'CNY', promisedFor: '2030-01-01' }, 'channel:'],
  ])('a promise %j is a 400 naming %s', async (body, issue) => {
    const accountId = await overdue();
    const { status, json } = await post(`/accounts/${accountId}/promises`, body);
    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain(issue);
  });

  test('an account id that cannot be one is a 400', async () => {
    const { status, json } = await post('/accounts/not%20an%20id/cease-contact', { requestId: 'c-1' });
    expect(status).toBe(400);
    expect((json.issues as string[]).join('\n')).toContain('accountId:');
  });
});

/**
 * Issue 19 §3b: an update that gets no answer says why and what to do, never a bare
 * "Workflow Update failed". The no-worker case on the real dev server: a run whose task
 * queue nobody polls.
 */
import { ServiceError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { sendPromise } from '../api/account-messages';
import { cliFailureMessage } from '../cli/failure-message';
import { accountWorkflowId } from '../domain/ids';
import type { Pool } from '../db/pool';
import { isoDateFrom, newCodecKeys, seedAccount, testPool, testTemporalAddress, uniqueId } from '../../test/support';
import { ACCOUNT_COLLECTION_WORKFLOW } from '../../workflows/account/contract';
import { connectClient } from './client';
import { noAnswerMessage, serverRefusalMessage } from './update-failure';

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('the words for an update without an answer', () => {
  test('no worker polling: say so and how to start one', () => {
    expect(noAnswerMessage('ACC-1', 30_000, false)).toBe(
      'the workflow of account ACC-1 did not answer within 30 s: no worker is polling its task queue; start the worker (npm start, or npm run worker) and send the request again',
    );
  });

  test('a busy worker: the update may still land, so look before sending it again', () => {
    expect(noAnswerMessage('ACC-1', 30_000, true)).toMatch(/did not answer within 30 s: its worker is busy; the update may still be applied, so look at the account before sending it again$/);
    expect(noAnswerMessage('ACC-1', 5_000, undefined)).toMatch(/its worker is busy or not running/);
  });

  test('a server refusal for load is "busy, retry"; another names the server\'s reason; an unreachable server is none of these', () => {
    const busy = serverRefusalMessage(new ServiceError('Workflow Update failed', { cause: grpcError(8, 'namespace rate limit exceeded') }), 'ACC-2');
    expect(busy).toEqual({ busy: true, error: 'Temporal is taking too many requests for the workflow of account ACC-2 right now (namespace rate limit exceeded); retry in a few seconds' });
    const other = serverRefusalMessage(new ServiceError('Workflow Update failed', { cause: grpcError(9, 'too many in-flight updates') }), 'ACC-2');
    expect(other?.error).toMatch(/^Temporal refused the update to the workflow of account ACC-2: too many in-flight updates; check that its workflow is running/);
    expect(other?.error).not.toMatch(/^Workflow Update failed$/);
    expect(serverRefusalMessage(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'connect ECONNREFUSED 127.0.0.1:7233') }), 'ACC-2')).toBeUndefined();
  });

  test('the CLI: a dependency down is named without its address, with what to do', () => {
    const message = cliFailureMessage(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'connect ECONNREFUSED 127.0.0.1:7233') }));
    expect(message).toBe('the workflow engine (Temporal) is not reachable: is `npm start` running (or DATABASE_URL / TEMPORAL_ADDRESS right)? Retry once it is up');
    expect(cliFailureMessage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54329'), { code: 'ECONNREFUSED' }))).toMatch(/^the database \(PostgreSQL\) is not reachable/);
    expect(cliFailureMessage(new ServiceError('Workflow Update failed', { cause: grpcError(9, 'too many in-flight updates') }))).toMatch(/^Temporal refused the request: too many in-flight updates \(Workflow Update failed\); check/);
  });
});

describe('on the dev server', () => {
  let pool: Pool;
  let client: Client;
  beforeAll(async () => {
    pool = testPool();
    client = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys: newCodecKeys() });
  });
  afterAll(async () => {
    await client?.connection.close();
    await pool?.end();
  });

  test('a promise to a run no worker polls: NO_ANSWER saying no worker is polling, nothing stored', async () => {
    const accountId = await seedAccount(pool, { installments: [{ dueDate: isoDateFrom(Date.now(), -20), amount: 100_000 }] });
    const handle = await client.workflow.start(ACCOUNT_COLLECTION_WORKFLOW, { taskQueue: uniqueId('nobody-polls'), workflowId: accountWorkflowId(accountId), args: [{ accountId }] });
    try {
      const outcome = await sendPromise({ pool, temporal: client, updateTimeoutMs: 2_000 }, accountId, { promisedFor: isoDateFrom(Date.now(), 3), amount: '500.00', currency: 'CNY', channel: 'CALL' });
      expect(outcome).toEqual({ kind: 'NO_ANSWER', error: expect.stringMatching(/did not answer within 2 s: no worker is polling its task queue; start the worker/) });
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM payment_promises WHERE account_id = $1', [accountId]);
      expect(rows[0].n).toBe(0);
    } finally {
      await handle.terminate('test over');
    }
  });
});

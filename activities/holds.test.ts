/**
 * Holds and cease-contact against the real Postgres, judged by what matters: whether the
 * contact policy then lets a contact through. Each write counts once per the sender's id.
 */
import { ApplicationFailure } from '@temporalio/common';
import { checkContactPolicy } from '../src/contact-policy/permit';
import { testPolicies } from '../src/contact-policy/test-policies';
import { inTransaction } from '../src/db/pool';
import type { CeaseContact, HoldPlaced } from '../src/domain/early-collection';
import { FailureType } from '../src/domain/failures';
import { accountWorkflowId } from '../src/domain/ids';
import { activityTestbed, runActivity } from '../test/activity-testbed';
import { seedAccount, uniqueId } from '../test/support';

const bed = activityTestbed();

const MOBILE = '+8613800000000';
// 10:00 in Shanghai: within the CN preset's hours
const AT = Date.parse('2026-06-10T02:00:00Z');
const recordHold = (accountId: string, hold: HoldPlaced, at = AT) => runActivity(bed.activities.recordHold, { accountId, workflowId: accountWorkflowId(accountId), hold, at });
const releaseHold = (accountId: string, holdId: string, at = AT) => runActivity(bed.activities.releaseHold, { accountId, holdId, at });
const ceaseContact = (accountId: string, request: CeaseContact, at = AT) =>
  runActivity(bed.activities.recordCeaseContact, { accountId, workflowId: accountWorkflowId(accountId), request, at });

/** A borrower with two accounts. */
async function borrowerWithTwoAccounts() {
  const accountA = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }], mobilePhone: MOBILE, timeZone: 'Asia/Shanghai' });
  const borrowerId = `B-${accountA}`;
  const accountB = await seedAccount(bed.pool, { installments: [{ dueDate: '2026-05-01', amount: 10_000 }], mobilePhone: MOBILE });
  await bed.pool.query('UPDATE accounts SET borrower_id = $2 WHERE id = $1', [accountB, borrowerId]);
  return { borrowerId, accountA, accountB };
}

/** What the contact policy says to an SMS on the account now: 'allowed' or the rule that blocks it. */
async function policySays(borrowerId: string, accountId: string): Promise<string> {
  const { decision } = await inTransaction(bed.pool, (db) => checkContactPolicy(db, { borrowerId, accountId, channel: 'SMS', to: MOBILE, at: new Date(AT) }, testPolicies()));
  return decision.allowed ? 'allowed' : decision.rule;
}

const holdsOf = async (accountId: string) =>
  (await bed.pool.query('SELECT hold_id, reason, note, workflow_id, placed_at, released_at FROM contact_holds WHERE account_id = $1 ORDER BY id', [accountId])).rows;

test('a hold stops contact on its account until released; the same holdId again counts once', async () => {
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts();
  const holdId = uniqueId('hold');

  await recordHold(accountA, { holdId, reason: 'DISPUTE', note: 'Disputes the late fee.' });
  await recordHold(accountA, { holdId, reason: 'COMPLAINT' }, AT + 60_000);

  expect(await holdsOf(accountA)).toEqual([
    { hold_id: holdId, reason: 'DISPUTE', note: 'Disputes the late fee.', workflow_id: accountWorkflowId(accountA), placed_at: new Date(AT), released_at: null },
  ]);
  expect(await policySays(borrowerId, accountA)).toBe('ON_HOLD');
  expect(await policySays(borrowerId, accountB)).toBe('allowed');

  await releaseHold(accountA, holdId, AT + 3_600_000);

  expect((await holdsOf(accountA))[0].released_at).toEqual(new Date(AT + 3_600_000));
  expect(await policySays(borrowerId, accountA)).toBe('allowed');
});

test('a release of an unknown hold, a released one, or another account\'s changes nothing', async () => {
  const { accountA, accountB } = await borrowerWithTwoAccounts();
  const holdA = uniqueId('hold');
  const holdB = uniqueId('hold');
  await recordHold(accountA, { holdId: holdA, reason: 'HARDSHIP_REVIEW' });
  await recordHold(accountB, { holdId: holdB, reason: 'BANKRUPTCY' });
  await releaseHold(accountA, holdA, AT + 1_000);

  await releaseHold(accountA, holdA, AT + 2_000); // again
  await releaseHold(accountA, uniqueId('hold')); // never placed
  await releaseHold(accountA, holdB, AT + 3_000); // accountB's

  expect((await holdsOf(accountA)).map((h) => h.released_at)).toEqual([new Date(AT + 1_000)]);
  expect((await holdsOf(accountB)).map((h) => h.released_at)).toEqual([null]);
});

test('a release stamped before the placing counts from the placing', async () => {
  const { accountA } = await borrowerWithTwoAccounts();
  const holdId = uniqueId('hold');
  await recordHold(accountA, { holdId, reason: 'DEATH' }, AT);
  await releaseHold(accountA, holdId, AT - 60_000);
  expect((await holdsOf(accountA))[0].released_at).toEqual(new Date(AT));
});

test('cease-contact for the borrower stops every account of theirs, for good; the same requestId counts once', async () => {
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts();
  const requestId = uniqueId('cease');

  await ceaseContact(accountA, { requestId, scope: 'BORROWER' });
  await ceaseContact(accountA, { requestId, scope: 'ACCOUNT' }, AT + 60_000);

  const { rows } = await bed.pool.query('SELECT borrower_id, account_id, workflow_id, requested_at FROM contact_cease_requests WHERE request_id = $1', [requestId]);
  expect(rows).toEqual([{ borrower_id: borrowerId, account_id: null, workflow_id: accountWorkflowId(accountA), requested_at: new Date(AT) }]);
  expect(await policySays(borrowerId, accountA)).toBe('CEASE_CONTACT');
  expect(await policySays(borrowerId, accountB)).toBe('CEASE_CONTACT');
});

test('cease-contact for one account leaves the borrower\'s other accounts', async () => {
  const { borrowerId, accountA, accountB } = await borrowerWithTwoAccounts();
  await ceaseContact(accountA, { requestId: uniqueId('cease'), scope: 'ACCOUNT' });
  expect(await policySays(borrowerId, accountA)).toBe('CEASE_CONTACT');
  expect(await policySays(borrowerId, accountB)).toBe('allowed');
});

test('cease-contact for an account not in the loan book is refused for good', async () => {
  const failure = await ceaseContact('NO-SUCH-ACCOUNT', { requestId: uniqueId('cease'), scope: 'BORROWER' }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: FailureType.AccountNotFound, nonRetryable: true });
});

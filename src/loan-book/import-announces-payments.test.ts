/**
 * Payments imported from a core-banking loan book reach the accounts' open workflows as
 * the API's do: each payment the import inserts gets its outbox row in the same
 * transaction, and the relay delivers it. The UCI dataset's 2005 payments get none.
 *
 * A database of this file's own: the payments API test runs a relay on the shared one,
 * which would deliver these rows while the first tests look at them pending.
 */
import { randomInt } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createPool, type Pool } from '../db/pool';
import { isoDateOf } from '../domain/dates';
import { accountWorkflowId } from '../domain/ids';
import { createLogger } from '../logger';
import { acceptPayment } from '../payments/accept-payment';
import { SignalRelay } from '../payments/signal-relay';
import { startAccountCollections } from '../temporal/start-account-collections';
import { ownTestDatabase } from '../../test/own-database';
import { eventually, isoDateFrom, newCodecKeys, startTestWorker, type TestWorker, testTemporalAddress, uniqueId } from '../../test/support';
import { summaryQuery } from '../../workflows/account/contract';
import { type ImportFormat, importLoanBook } from './import-loan-book';
import { formatIssue } from './records';
import { uciAccountId } from './uci-credit-card';

let databaseUrl: string;
let pool: Pool;
beforeAll(async () => {
  databaseUrl = await ownTestDatabase('import_signals');
  pool = createPool(databaseUrl, 5);
});
afterAll(async () => {
  await pool?.end();
});

const today = isoDateOf(Date.now());

type Payment = { event_id: string; amount: string; value_date: string };

/** A borrower with one loan whose only installment, 1,000.00, fell due 40 days ago; and the given payments on it. */
function loanBook(accountId: string, payments: Payment[]): string {
  const borrowerId = `${accountId}-B`;
  return JSON.stringify({
    borrowers: [{ borrower_id: borrowerId, full_name: 'Zhao Min' }],
    contacts: [{ borrower_id: borrowerId, kind: 'PHONE', label: 'MOBILE', value: '+8613800000009', preferred: true }],
    accounts: [{ account_id: accountId, borrower_id: borrowerId, product: 'LOAN', currency: 'CNY', principal: '1000.00', opened_on: '2025-01-01' }],
    installments: [{ account_id: accountId, seq: 1, due_date: isoDateFrom(Date.now(), -40), principal_due: '1000.00' }],
    payments: payments.map((p) => ({ ...p, account_id: accountId, method: 'BANK_TRANSFER' })),
  });
}

async function imported(format: ImportFormat, content: string) {
  const outcome = await importLoanBook(pool, { format, content });
  if (!outcome.ok) throw new Error(`rejected:\n${outcome.issues.map(formatIssue).join('\n')}`);
  return outcome.counts;
}

const outboxOf = async (accountIds: string[]) =>
  (
    await pool.query(
      `SELECT kind, event_id, account_id, delivered_at IS NULL AS pending FROM signal_outbox WHERE account_id = ANY($1::text[]) ORDER BY id`,
      [accountIds],
    )
  ).rows;

describe('the outbox rows an import writes', () => {
  test('a new payment gets exactly one pending PAYMENT_RECEIVED row; the same file again, none', async () => {
    const accountId = uniqueId('IMP');
    const file = loanBook(accountId, [{ event_id: `${accountId}-P1`, amount: '300.00', value_date: today }]);

    expect((await imported('loan-book-json', file)).payments).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const announced = [{ kind: 'PAYMENT_RECEIVED', event_id: `${accountId}-P1`, account_id: accountId, pending: true }];
    expect(await outboxOf([accountId])).toEqual(announced);

    expect((await imported('loan-book-json', file)).payments).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await outboxOf([accountId])).toEqual(announced);
  });

  test('a later file announces only its new payments, an account in value-date order, whatever the file order', async () => {
    const accountId = uniqueId('IMP');
    const first = { event_id: `${accountId}-P1`, amount: '100.00', value_date: isoDateFrom(Date.now(), -20) };
    await imported('loan-book-json', loanBook(accountId, [first]));

    const later = { event_id: `${accountId}-P3`, amount: '50.00', value_date: today };
    const earlier = { event_id: `${accountId}-P2`, amount: '25.00', value_date: isoDateFrom(Date.now(), -1) };
    expect((await imported('loan-book-json', loanBook(accountId, [later, first, earlier]))).payments).toEqual({ inserted: 2, updated: 0, unchanged: 1 });
    expect((await outboxOf([accountId])).map((r) => r.event_id)).toEqual([first.event_id, earlier.event_id, later.event_id]);
  });

  test('a payment the API accepted first is unchanged by the import and keeps its one row', async () => {
    const accountId = uniqueId('IMP');
    await imported('loan-book-json', loanBook(accountId, []));
    const eventId = `${accountId}-API`;
    const accepted = await acceptPayment(pool, { eventId, accountId, amount: 40_000, currency: 'CNY', valueDate: today, method: 'BANK_TRANSFER' });
    expect(accepted.kind).toBe('ACCEPTED');

    const counts = await imported('loan-book-json', loanBook(accountId, [{ event_id: eventId, amount: '400.00', value_date: today }]));
    expect(counts.payments).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await outboxOf([accountId])).toEqual([{ kind: 'PAYMENT_RECEIVED', event_id: eventId, account_id: accountId, pending: true }]);
  });

  test('the CSV layout announces its new payments too', async () => {
    const accountId = uniqueId('IMP');
    const csv = [
      'record_type,borrower_id,full_name,account_id,product,currency,principal,opened_on,seq,due_date,principal_due,event_id,amount,value_date',
      `BORROWER,${accountId}-B,Sun Yu,,,,,,,,,,,`,
      `ACCOUNT,${accountId}-B,,${accountId},LOAN,CNY,1000.00,2025-01-01,,,,,,`,
      `INSTALLMENT,,,${accountId},,,,,1,${isoDateFrom(Date.now(), -40)},1000.00,,,`,
      `PAYMENT,,,${accountId},,,,,,,,${accountId}-P1,1000.00,${today}`,
    ].join('\n');
    expect((await imported('loan-book-csv', csv)).payments.inserted).toBe(1);
    expect((await outboxOf([accountId])).map((r) => r.event_id)).toEqual([`${accountId}-P1`]);
  });

  test('the UCI dataset (2005 history) writes its payments and no outbox row', async () => {
    const header =
      'ID,LIMIT_BAL,SEX,EDUCATION,MARRIAGE,AGE,PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6,' +
      'BILL_AMT1,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6,PAY_AMT1,PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6,default_payment';
    // holder 3 of the dataset under a fresh ID: PAY_AMT5 … PAY_AMT1 all paid, five payments
    const holder = randomInt(1_000_000, 9_999_999);
    const content = `${header}\n${holder},90000,2,2,2,34,0,0,0,0,0,0,29239,14027,13559,14331,14948,15549,1518,1500,1000,1000,1000,5000,0`;

    expect((await imported('uci-credit-card', content)).payments).toEqual({ inserted: 5, updated: 0, unchanged: 0 });
    expect(await outboxOf([uciAccountId(holder)])).toEqual([]);
  });
});

describe('delivery', () => {
  const log = createLogger('silent');
  const taskQueue = uniqueId('import-relay');
  let testWorker: TestWorker;
  let client: Client;
  let relay: SignalRelay;

  beforeAll(async () => {
    testWorker = await startTestWorker({ address: testTemporalAddress(), taskQueue, codecKeys: newCodecKeys(), pool });
    client = testWorker.client;
    relay = new SignalRelay({ databaseUrl, pool, client, taskQueue, log, pollIntervalMs: 200 });
    await relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    await testWorker?.stop();
  });

  test("an imported payment that clears the arrears reaches the account's open run and cures it", async () => {
    const accountId = uniqueId('IMP');
    await imported('loan-book-json', loanBook(accountId, []));
    await startAccountCollections(client, [accountId], { taskQueue, log });
    const handle = client.workflow.getHandle(accountWorkflowId(accountId));
    await eventually(
      () => handle.query(summaryQuery),
      (s) => s.stage === 'REMINDING',
    );

    const eventId = `${accountId}-P1`;
    await imported('loan-book-json', loanBook(accountId, [{ event_id: eventId, amount: '1000.00', value_date: today }]));

    expect((await handle.result()).outcome).toBe('CURED');
    const outbox = await pool.query('SELECT outcome FROM signal_outbox WHERE event_id = $1', [eventId]);
    expect(outbox.rows).toEqual([{ outcome: 'SIGNALLED' }]);
  });
});

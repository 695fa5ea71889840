/**
 * POST /accounts/import against the real Postgres: CSV and JSON bodies, 200 with the
 * counts, 400 naming every bad line and field without their values, nothing written;
 * the route in /openapi.json. (The server listens on a free port: see payment-routes.test.ts.)
 */
import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool';
import { connectClient } from '../temporal/client';
import { newCodecKeys, startTestApi, type TestApi, testPool, testTemporalAddress, uniqueId } from '../../test/support';
import { serviceTokenForTests } from '../../test/test-identities';

const codecKeys = newCodecKeys();
let pool: Pool;
let temporal: Client;
let api: TestApi;
let baseUrl: string;

beforeAll(async () => {
  pool = testPool();
  temporal = await connectClient({ address: testTemporalAddress(), namespace: 'default', codecKeys });
  api = await startTestApi({ pool, temporal, codecKeys });
  baseUrl = api.baseUrl;
});

afterAll(async () => {
  await api?.close();
  await temporal?.connection.close();
  await pool?.end();
});

async function post(body: string, contentType: string, query = ''): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/accounts/import${query}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${await serviceTokenForTests()}` }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const counts = (inserted: number, updated: number, unchanged: number) => ({ inserted, updated, unchanged });

function loanCsv(p: string, { amount = '100.00', phone = '+8613800000009' } = {}): string {
  return [
    'record_type,borrower_id,full_name,kind,label,value,preferred,account_id,product,currency,principal,opened_on,seq,due_date,principal_due,event_id,amount,value_date',
    `BORROWER,${p}-B1,Zhang Min,,,,,,,,,,,,,,,`,
    `CONTACT,${p}-B1,,PHONE,MOBILE,${phone},true,,,,,,,,,,,`,
    `ACCOUNT,${p}-B1,,,,,,${p}-L1,LOAN,CNY,300,2025-01-01,,,,,,`,
    `INSTALLMENT,,,,,,,${p}-L1,,,,,1,2025-02-01,100,,,`,
    `INSTALLMENT,,,,,,,${p}-L1,,,,,2,2025-03-01,100,,,`,
    `PAYMENT,,,,,,,${p}-L1,,,,,,,,${p}-P1,${amount},2025-02-01`,
  ].join('\n');
}

test('a CSV body: 200 with the counts; the same body again: all unchanged', async () => {
  const p = uniqueId('API');
  const first = await post(loanCsv(p), 'text/csv');
  expect(first.status).toBe(200);
  expect(first.json.counts).toEqual({
    borrowers: counts(1, 0, 0),
    contacts: counts(1, 0, 0),
    accounts: counts(1, 0, 0),
    installments: counts(2, 0, 0),
    payments: counts(1, 0, 0),
  });
  const again = await post(loanCsv(p), 'text/csv; charset=utf-8');
  expect(again.status).toBe(200);
  expect(again.json.counts).toEqual({
    borrowers: counts(0, 0, 1),
    contacts: counts(0, 0, 1),
    accounts: counts(0, 0, 1),
    installments: counts(0, 0, 2),
    payments: counts(0, 0, 1),
  });
  const { rows } = await pool.query('SELECT amount_overdue FROM account_figures($2::date) WHERE account_id = $1', [`${p}-L1`, '2025-04-01']);
  expect(rows).toEqual([{ amount_overdue: 10_000 }]);
});

test('a JSON body: 200 with the counts', async () => {
  const p = uniqueId('APIJ');
  const doc = {
    borrowers: [{ borrower_id: `${p}-B1`, full_name: 'Zhao Lei', time_zone: 'America/New_York', jurisdiction: 'US' }],
    accounts: [{ account_id: `${p}-C1`, borrower_id: `${p}-B1`, product: 'CREDIT_CARD', currency: 'USD', credit_limit: '2500.00', opened_on: '2024-11-02' }],
    installments: [{ account_id: `${p}-C1`, seq: 1, due_date: '2025-01-25', principal_due: '35.00', statement_balance: '1750.25' }],
  };
  const response = await post(JSON.stringify(doc), 'application/json');
  expect(response.status).toBe(200);
  expect(response.json.counts).toEqual({
    borrowers: counts(1, 0, 0),
    contacts: counts(0, 0, 0),
    accounts: counts(1, 0, 0),
    installments: counts(1, 0, 0),
    payments: counts(0, 0, 0),
  });
});

test('a bad body: 400 naming every bad line and field (never the values), and nothing is written', async () => {
  const p = uniqueId('API400');
  const response = await post(loanCsv(p, { amount: '12.345', phone: '13800000009' }), 'text/csv');
  expect(response.status).toBe(400);
  expect(response.json).toEqual({
    error: 'file rejected; nothing was written',
    issues: ['line 3, value: an international phone number such as +8613800000000', 'line 7, amount: finer than the minor unit: CNY has 2 decimal places'],
    problems: [
      { where: 'line 3', field: 'value', message: 'an international phone number such as +8613800000000' },
      { where: 'line 7', field: 'amount', message: 'finer than the minor unit: CNY has 2 decimal places' },
    ],
  });
  expect(JSON.stringify(response.json)).not.toContain('13800000009');
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM borrowers WHERE id = $1', [`${p}-B1`]);
  expect(rows).toEqual([{ n: 0 }]);

  const uciAsJson = await post('{}', 'application/json', '?format=uci-credit-card');
  expect(uciAsJson.status).toBe(400);
  expect((await post('x', 'text/csv', '?format=bogus')).status).toBe(400);
});

test('/openapi.json shows the route, its formats and its answers', async () => {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`, { headers: { authorization: `Bearer ${await serviceTokenForTests()}` } })).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown>; parameters?: { name: string }[] }>>;
  };
  const route = doc.paths['/accounts/import']?.post;
  expect(Object.keys(route?.requestBody?.content ?? {})).toEqual(expect.arrayContaining(['text/csv', 'application/json']));
  const body = JSON.stringify(route?.requestBody);
  for (const field of ['borrowers', 'contacts', 'accounts', 'installments', 'payments', 'credit_limit', 'statement_balance', 'event_id']) expect(body).toContain(field);
  expect(Object.keys(route?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400']));
  expect(route?.parameters?.map((p) => p.name)).toContain('format');
});

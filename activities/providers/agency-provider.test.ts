/** AGENCY_PROVIDER: the outbox by default (once per key), http with a URL; http without one is refused naming the variable. */
import { parseConfig } from '../../src/config';
import type { Pool } from '../../src/db/pool';
import { testPool, uniqueId } from '../../test/support';
import { HttpAgencyProvider, OutboxAgencyProvider } from './agency-provider';
import { agencyProviderFromConfig } from './agency-provider-from-config';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

test('the outbox takes a message once per key', async () => {
  const outbox = agencyProviderFromConfig(parseConfig({}), pool);
  expect(outbox).toBeInstanceOf(OutboxAgencyProvider);
  const message = { idempotencyKey: uniqueId('recall'), kind: 'RECALL' as const, agencyId: 'north-star-recoveries', accountId: 'ACC-1', placementId: 1, reason: 'PAYMENT_CURED' };
  const first = await outbox.send(message);
  expect(await outbox.send(message)).toEqual(first);
  const { rows } = await pool.query('SELECT kind, agency_id, payload FROM agency_outbox WHERE idempotency_key = $1', [message.idempotencyKey]);
  expect(rows).toEqual([{ kind: 'RECALL', agency_id: 'north-star-recoveries', payload: { accountId: 'ACC-1', placementId: 1, reason: 'PAYMENT_CURED' } }]);
});

test('http with a URL; without one, or an unknown provider, refused naming the variable', () => {
  expect(agencyProviderFromConfig(parseConfig({ AGENCY_PROVIDER: 'http', AGENCY_HTTP_URL: 'http://127.0.0.1:9/agency' }), pool)).toBeInstanceOf(HttpAgencyProvider);
  expect(() => parseConfig({ AGENCY_PROVIDER: 'http' })).toThrow(/AGENCY_HTTP_URL: required when AGENCY_PROVIDER=http/);
  expect(() => parseConfig({ AGENCY_PROVIDER: 'fax' })).toThrow(/AGENCY_PROVIDER/);
});

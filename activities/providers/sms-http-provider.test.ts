/** The HTTP SMS provider against a real HTTP gateway on loopback. */
import { ApplicationFailure } from '@temporalio/common';
import { parseConfig } from '../../src/config';
import type { Pool } from '../../src/db/pool';
import { startSmsGateway, type SmsGateway } from '../../test/sms-gateway';
import { testPool, uniqueId } from '../../test/support';
import { HttpSmsProvider } from './sms-http-provider';
import { smsProviderFromConfig } from './sms-provider-from-config';
import { OutboxSmsProvider } from './sms-provider';

let gateway: SmsGateway;
let provider: HttpSmsProvider;
let pool: Pool;

beforeAll(async () => {
  gateway = await startSmsGateway();
  provider = new HttpSmsProvider({ url: gateway.url, token: 'test-token' });
  pool = testPool('shared');
});
afterAll(async () => {
  await gateway.close();
  await pool.end();
});

const message = () => ({ idempotencyKey: uniqueId('sms-step'), to: '+8613800000000', body: 'A polite reminder.' });
const requestsFor = (key: string) => gateway.requests.filter((r) => r.idempotencyKey === key);

test('one POST of JSON with the idempotency key and the token; the gateway’s message id comes back', async () => {
  const m = message();
  expect(await provider.send(m)).toEqual({ providerMessageId: gateway.sent.get(m.idempotencyKey)?.messageId });
  expect(requestsFor(m.idempotencyKey)).toEqual([
    { method: 'POST', path: '/v1/messages', idempotencyKey: m.idempotencyKey, authorization: 'Bearer test-token', contentType: 'application/json', json: { to: m.to, body: m.body } },
  ]);
});

test('a gateway that is down (503) or busy (429) fails the send retryably; the retries carry the same key and it is sent once', async () => {
  const m = message();
  gateway.failNext(503, 429);
  const first = await provider.send(m).catch((err: unknown) => err);
  const second = await provider.send(m).catch((err: unknown) => err);
  for (const err of [first, second]) {
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
  }
  expect((first as Error).message).toBe('SMS gateway answered HTTP 503; will retry with the same key');
  const third = await provider.send(m);
  const again = await provider.send(m);
  expect(again).toEqual(third);
  expect(requestsFor(m.idempotencyKey).map((r) => r.idempotencyKey)).toEqual([m.idempotencyKey, m.idempotencyKey, m.idempotencyKey, m.idempotencyKey]);
  expect([...gateway.sent.keys()].filter((k) => k === m.idempotencyKey)).toHaveLength(1);
});

test('a refusal of the message (400) is non-retryable and names neither number nor text', async () => {
  const m = message();
  gateway.failNext(400);
  const err = await provider.send(m).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'ProviderRejected', nonRetryable: true, message: 'SMS gateway refused the message: HTTP 400' });
});

test('a 2xx without a message id, or no gateway at all, is retried', async () => {
  gateway.answerNextWith('{"queued":true}');
  await expect(provider.send(message())).rejects.toThrow('SMS gateway answered HTTP 200 without a messageId');
  const nowhere = new HttpSmsProvider({ url: 'http://127.0.0.1:1/v1/messages', timeoutMs: 2000 });
  const err = await nowhere.send(message()).catch((e: unknown) => e);
  expect((err as Error).message).toMatch(/^SMS gateway not reached/);
  expect(err).not.toBeInstanceOf(ApplicationFailure);
});

describe('SMS_PROVIDER', () => {
  it('is the outbox by default, and http with a URL', () => {
    expect(smsProviderFromConfig(parseConfig({}), pool)).toBeInstanceOf(OutboxSmsProvider);
    const http = smsProviderFromConfig(parseConfig({ SMS_PROVIDER: 'http', SMS_HTTP_URL: gateway.url, SMS_HTTP_TOKEN: 't' }), pool);
    expect(http).toBeInstanceOf(HttpSmsProvider);
    expect(http.name).toBe('http');
  });

  it('refuses http without a URL, or an unknown provider, naming the variable', () => {
    expect(() => parseConfig({ SMS_PROVIDER: 'http' })).toThrow(/SMS_HTTP_URL: required when SMS_PROVIDER=http/);
    expect(() => parseConfig({ SMS_PROVIDER: 'carrier-pigeon' })).toThrow(/SMS_PROVIDER/);
    expect(() => parseConfig({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'not a url' })).toThrow(/SMS_HTTP_URL/);
  });
});

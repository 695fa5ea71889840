/**
 * A real HTTP SMS gateway on loopback (port 0) for tests: it records every request, sends
 * once per Idempotency-Key (the same key gets the same message id back), and can be told
 * to fail the next requests with a status first.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  json: unknown;
}

export interface SmsGateway {
  url: string;
  requests: GatewayRequest[];
  /** messages the gateway actually sent: one per key */
  sent: Map<string, { to: string; body: string; messageId: string }>;
  /** the next requests are answered with these statuses (then normally again) */
  failNext(...statuses: number[]): void;
  /** the next 2xx answers carry this body instead of `{ messageId }` */
  answerNextWith(body: string): void;
  close(): Promise<void>;
}

/** `answerKey`: the field the 2xx answer names the id in (`reference` for an agency endpoint, which takes other messages the same way). */
export async function startSmsGateway({ answerKey = 'messageId' }: { answerKey?: string } = {}): Promise<SmsGateway> {
  const requests: GatewayRequest[] = [];
  const sent = new Map<string, { to: string; body: string; messageId: string }>();
  const failures: number[] = [];
  const oddAnswers: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['idempotency-key'] as string | undefined;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', idempotencyKey: key, authorization: req.headers.authorization, contentType: req.headers['content-type'], json });
      const status = failures.shift();
      if (status !== undefined) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'as told' }));
        return;
      }
      const odd = oddAnswers.shift();
      if (odd !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(odd);
        return;
      }
      const message = json as { to: string; body: string };
      const first = key === undefined ? undefined : sent.get(key);
      const messageId = first?.messageId ?? `gw-${sent.size + 1}`;
      if (key !== undefined && !first) sent.set(key, { to: message.to, body: message.body, messageId });
      res.writeHead(first ? 200 : 201, { 'content-type': 'application/json' }).end(JSON.stringify({ [answerKey]: messageId }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/messages`,
    requests,
    sent,
    failNext: (...statuses) => failures.push(...statuses),
    answerNextWith: (body) => oddAnswers.push(body),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The SMS provider's signature on its inbound-message webhook (issue 15 §5): the provider
 * holds no token of our OpenID provider, so it proves itself with a shared key instead.
 *
 *   x-sms-timestamp: <unix seconds>
 *   x-sms-signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>
 *
 * The timestamp is signed and must be within five minutes of now, so a captured request
 * cannot be replayed later; the comparison is constant-time (timingSafeEqual).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SMS_TIMESTAMP_HEADER = 'x-sms-timestamp';
export const SMS_SIGNATURE_HEADER = 'x-sms-signature';
const TOLERANCE_SECONDS = 5 * 60;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;

export function smsWebhookSignature(key: string, timestamp: string, rawBody: string): string {
  return `v1=${createHmac('sha256', key).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** Why a request is not the provider's, or null when its signature holds. */
export function smsWebhookRefusal(key: string, headers: { timestamp?: string; signature?: string }, rawBody: string, nowMs = Date.now()): string | null {
  const presented = SIGNATURE.exec(headers.signature ?? '')?.[1];
  if (!presented || !headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return `sign the request: ${SMS_TIMESTAMP_HEADER} and ${SMS_SIGNATURE_HEADER} (v1=hex HMAC-SHA256)`;
  if (Math.abs(nowMs / 1000 - Number(headers.timestamp)) > TOLERANCE_SECONDS) return `${SMS_TIMESTAMP_HEADER} is more than ${TOLERANCE_SECONDS} s from now`;
  const expected = Buffer.from(smsWebhookSignature(key, headers.timestamp, rawBody).slice(3), 'hex');
  return timingSafeEqual(expected, Buffer.from(presented, 'hex')) ? null : 'the signature does not match';
}

/**
 * Webhook signatures: HMAC-SHA256 over `${timestamp}.${body}` with the endpoint's secret, sent as
 * `X-Chatbridge-Signature: sha256=<hex>` with `X-Chatbridge-Timestamp: <unix seconds>`. Signing
 * the timestamp lets receivers refuse replays of old deliveries. docs/webhooks-and-api.md shows how to
 * verify in a receiver.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-chatbridge-signature';
export const TIMESTAMP_HEADER = 'x-chatbridge-timestamp';
export const EVENT_HEADER = 'x-chatbridge-event';
export const DELIVERY_HEADER = 'x-chatbridge-delivery';

/** A new endpoint secret. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** The signature header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a received delivery: the signature matches (compared in constant time) and the
 * timestamp is within `toleranceSeconds` of `nowMs`.
 */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowMs = Date.now(),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Visitor tokens: `<visitorId>.<hmac>`, opaque to the browser, checkable without a database.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const sign = (secret: string, value: string): string => createHmac('sha256', secret).update(value).digest('base64url');

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function issueVisitorToken(secret: string): { visitorId: string; token: string } {
  const visitorId = `v_${randomBytes(12).toString('base64url')}`;
  return { visitorId, token: `${visitorId}.${sign(secret, visitorId)}` };
}

export function tokenFor(secret: string, visitorId: string): string {
  return `${visitorId}.${sign(secret, visitorId)}`;
}

/** The visitor id inside a valid token, else null. */
export function verifyVisitorToken(secret: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const visitorId = token.slice(0, dot);
  return safeEqual(token.slice(dot + 1), sign(secret, visitorId)) ? visitorId : null;
}

/**
 * Checks the host site's identity claim: hex HMAC-SHA256 of the user id with WIDGET_IDENTITY_SECRET
 * (the scheme Intercom and Crisp use). Returns why it failed, for the server log.
 */
export function verifyIdentity(
  secret: string | undefined,
  identity: unknown,
): { ok: true; userId: string } | { ok: false; reason: string } | null {
  if (identity == null) return null;
  if (typeof identity !== 'object') return { ok: false, reason: 'identity must be an object {userId, hmac}' };
  const { userId, hmac } = identity as { userId?: unknown; hmac?: unknown };
  if (typeof userId !== 'string' || !userId || userId.length > 200) return { ok: false, reason: 'identity.userId must be a non-empty string' };
  if (typeof hmac !== 'string') return { ok: false, reason: 'identity.hmac must be a string' };
  if (!secret) return { ok: false, reason: 'WIDGET_IDENTITY_SECRET is not set on the server' };
  const expected = createHmac('sha256', secret).update(userId).digest('hex');
  if (!safeEqual(hmac.toLowerCase(), expected)) return { ok: false, reason: `identity HMAC does not match user id ${JSON.stringify(userId)}` };
  return { ok: true, userId };
}

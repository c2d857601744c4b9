/**
 * Which web pages may open the webchat socket (WIDGET_ALLOWED_ORIGINS).
 * @module
 */

/** Lower-case `scheme://host[:port]` with no trailing slash, or null when it is not an origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * True when a page at `origin` may connect. Browsers always send Origin on cross-site WebSocket
 * and XHR requests, so a request without one is a same-site or non-browser client. The server's
 * own pages (the demo shop) are always allowed: same host as the request.
 */
export function originAllowed(origin: string | undefined, requestHosts: (string | undefined)[], allowed: string[]): boolean {
  if (!origin) return true;
  if (allowed.includes('*')) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  if (allowed.some((a) => normalizeOrigin(a) === normalized)) return true;
  const host = new URL(normalized).host;
  return requestHosts.some((h) => typeof h === 'string' && h.toLowerCase() === host);
}

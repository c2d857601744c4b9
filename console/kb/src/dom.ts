/** The knowledge-base page's element helpers: the shared builder (console/shared/dom.ts) and relative times. */
export { byId, h, replace as fill } from '../../shared/dom.js';

/** "3 minutes ago", "yesterday", or a date. */
export function ago(at: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86_400) return 'yesterday';
  return new Date(at).toLocaleDateString();
}

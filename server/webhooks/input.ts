/**
 * Validation of what an admin submits for a webhook endpoint.
 * @module
 */
import { asObject, assertNoProblems } from '../routing/settings-error.js';
import { WEBHOOK_EVENTS } from './events.js';

export interface WebhookInput {
  url?: string;
  events?: string[];
  description?: string;
  active?: boolean;
}

/**
 * @param partial an update: every field optional.
 * @throws SettingsError listing every problem.
 */
export function parseWebhookInput(input: unknown, partial: boolean): WebhookInput {
  const problems: string[] = [];
  const raw = asObject(input, 'webhook', problems);
  const out: WebhookInput = {};
  for (const key of Object.keys(raw)) if (!['url', 'events', 'description', 'active'].includes(key)) problems.push(`unknown field "${key}"`);
  if (raw.url !== undefined || !partial) {
    const url = typeof raw.url === 'string' ? raw.url.trim() : '';
    let ok = false;
    try {
      const parsed = new URL(url);
      ok = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && url.length <= 2000;
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`url must be an http(s) URL of at most 2000 characters, got ${JSON.stringify(raw.url ?? null)}`);
    else out.url = url;
  }
  if (raw.events !== undefined || !partial) {
    const events = Array.isArray(raw.events) ? raw.events : null;
    const unknown = events?.filter((e) => !(WEBHOOK_EVENTS as readonly unknown[]).includes(e)) ?? [];
    if (!events || events.length === 0) problems.push(`events must list at least one of ${WEBHOOK_EVENTS.join(', ')}`);
    else if (unknown.length) problems.push(`unknown event types ${unknown.map((e) => JSON.stringify(e)).join(', ')} (use ${WEBHOOK_EVENTS.join(', ')})`);
    else out.events = [...new Set(events as string[])];
  }
  if (raw.description !== undefined) {
    if (typeof raw.description !== 'string' || raw.description.length > 200) problems.push('description must be text of at most 200 characters');
    else out.description = raw.description.trim();
  }
  if (raw.active !== undefined) {
    if (typeof raw.active !== 'boolean') problems.push('active must be true or false');
    else out.active = raw.active;
  }
  assertNoProblems(problems);
  return out;
}

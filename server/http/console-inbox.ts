/**
 * The inbox and search: conversation lists per view (queue, mine, snoozed, all, resolved, bot) with
 * filters, the count on each view, full-text search over messages, and the filter choices.
 * docs/protocol.md "REST API".
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { ConversationStatus, InboxFilter, Priority } from '../store/types.js';
import { fail, guards, type ConsoleDeps } from './console-common.js';
import { consoleConversationViews } from './console-views.js';

/** The inbox views and what each one holds. */
export const INBOX_VIEWS = {
  queue: { statuses: ['queued'], order: 'waiting' },
  bot: { statuses: ['bot'], order: 'recent' },
  mine: { statuses: ['assigned'], order: 'recent', mine: true, snoozed: 'hide' },
  snoozed: { statuses: ['assigned'], order: 'recent', mine: true, snoozed: 'only' },
  all: { statuses: ['bot', 'queued', 'assigned'], order: 'recent' },
  resolved: { statuses: ['resolved', 'closed'], order: 'recent' },
} as const satisfies Record<string, { statuses: ConversationStatus[]; order: InboxFilter['order']; mine?: boolean; snoozed?: InboxFilter['snoozed'] }>;

export type InboxView = keyof typeof INBOX_VIEWS;

const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

interface InboxQuery {
  view?: string;
  status?: string;
  channel?: string;
  teamId?: string;
  agentId?: string;
  topic?: string;
  tag?: string;
  priority?: string;
  q?: string;
  limit?: string;
}

/** "none" → null (unassigned / no team), a number → that id, absent → undefined; anything else is an error. */
function idOrNone(raw: string | undefined, name: string): number | null | undefined | Error {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'none') return null;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : new Error(`${name} must be an id or "none".`);
}

export function registerConsoleInboxRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { store, kb, channels } = deps;
  const guard = guards(deps);

  app.get('/api/console/inbox', guard.agent, async (request, reply) => {
    const q = request.query as InboxQuery;
    const viewName = (q.view ?? 'queue') as InboxView;
    if (!Object.hasOwn(INBOX_VIEWS, viewName)) return fail(reply, 400, 'invalid', `view must be one of ${Object.keys(INBOX_VIEWS).join(', ')}.`);
    const view: { statuses: readonly ConversationStatus[]; order: InboxFilter['order']; mine?: boolean; snoozed?: InboxFilter['snoozed'] } = INBOX_VIEWS[viewName];
    let statuses: ConversationStatus[] = [...view.statuses];
    if (q.status) {
      const wanted = q.status.split(',');
      statuses = statuses.filter((s) => wanted.includes(s));
      if (!statuses.length) return { conversations: [] };
    }
    const teamId = idOrNone(q.teamId, 'teamId');
    const agentId = idOrNone(q.agentId, 'agentId');
    if (teamId instanceof Error) return fail(reply, 400, 'invalid', teamId.message);
    if (agentId instanceof Error) return fail(reply, 400, 'invalid', agentId.message);
    if (q.priority && !PRIORITIES.includes(q.priority as Priority)) return fail(reply, 400, 'invalid', `priority must be one of ${PRIORITIES.join(', ')}.`);
    if ((q.q?.length ?? 0) > 200) return fail(reply, 400, 'invalid', 'q may be at most 200 characters.');
    const list = await store.listInbox({
      statuses,
      order: view.order,
      assignedAgentId: view.mine ? request.agent!.id : agentId,
      teamId,
      channel: q.channel || undefined,
      topic: q.topic || undefined,
      tag: q.tag || undefined,
      priority: (q.priority as Priority) || undefined,
      text: q.q?.trim() ? q.q : undefined,
      snoozed: view.snoozed,
      now: Date.now(),
      limit: Math.min(Math.max(Number(q.limit ?? 200) || 200, 1), 500),
    });
    return { conversations: await consoleConversationViews(store, list) };
  });

  app.get('/api/console/counts', guard.agent, async (request) => ({ counts: await store.inboxCounts(request.agent!.id, Date.now()) }));

  app.get('/api/console/search', guard.agent, async (request, reply) => {
    const { q = '', limit } = request.query as { q?: string; limit?: string };
    if (!q.trim()) return fail(reply, 400, 'invalid', 'Give q: the words to look for.');
    if (q.length > 200) return fail(reply, 400, 'invalid', 'q may be at most 200 characters.');
    const hits = await store.searchMessages(q, Math.min(Math.max(Number(limit ?? 50) || 50, 1), 200));
    const conversations = new Map<number, Awaited<ReturnType<typeof consoleConversationViews>>[number]>();
    const found = await Promise.all([...new Set(hits.map((h) => h.conversationId))].map((id) => store.getConversation(id)));
    for (const view of await consoleConversationViews(store, found.filter((c) => c !== null))) conversations.set(view.id, view);
    return {
      hits: hits.map((h) => ({ ...h, private: h.direction === 'internal', conversation: conversations.get(h.conversationId) ?? null })),
    };
  });

  app.get('/api/console/meta', guard.agent, async () => {
    const topics = [...new Set(kb.list().map((e) => e.topic).filter((t): t is string => Boolean(t)))].sort();
    return { channels: [...channels.keys()], topics, tags: await store.listTags(), priorities: PRIORITIES };
  });
}

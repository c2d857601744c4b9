/**
 * REST routes over conversations, for the console and for other clients. docs/protocol.md.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Sessions } from '../agents/sessions.js';
import { conversationView, messageView } from '../agents/views.js';
import type { ConversationStatus, Store } from '../store/types.js';
import { requireAgent } from './auth.js';

const STATUSES: ConversationStatus[] = ['bot', 'queued', 'assigned', 'resolved', 'closed'];

export function registerConversationRoutes(app: FastifyInstance, deps: { store: Store; sessions: Sessions }) {
  const { store } = deps;
  const auth = { onRequest: requireAgent(deps.sessions) };

  app.get('/api/conversations', auth, async (request, reply) => {
    const query = request.query as { status?: string; limit?: string };
    const statuses = (query.status ?? 'bot,queued,assigned').split(',').filter(Boolean) as ConversationStatus[];
    const bad = statuses.find((s) => !STATUSES.includes(s));
    if (bad) return reply.code(400).send({ error: { code: 'invalid', message: `status must be among ${STATUSES.join(', ')}; got "${bad}".` } });
    const limit = Math.min(Math.max(Number(query.limit ?? 100) || 100, 1), 500);
    const list = await store.listConversations({ statuses, limit });
    return { conversations: await Promise.all(list.map((c) => conversationView(store, c))) };
  });

  app.get('/api/conversations/:id', auth, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const conversation = Number.isInteger(id) ? await store.getConversation(id) : null;
    if (!conversation) return reply.code(404).send({ error: { code: 'not_found', message: 'No such conversation.' } });
    const messages = await store.listMessages(id, { includeInternal: true });
    return {
      conversation: await conversationView(store, conversation),
      messages: messages.map(messageView),
      events: await store.listEvents(id),
    };
  });
}

/**
 * The shapes agents see (socket.io agents namespace and REST): documented in docs/protocol.md.
 * @module
 */
import { slaView, type ConversationSla } from '../sla/view.js';
import type { Conversation, Message, Store } from '../store/types.js';

export interface ConversationView {
  id: number;
  status: Conversation['status'];
  channel: string;
  contact: { id: number; name: string | null; username: string | null; unreachable: string | null };
  assignedAgentId: number | null;
  teamId: number | null;
  priority: Conversation['priority'];
  topic: string | null;
  language: string | null;
  lastMessage: { text: string; authorType: Message['authorType']; createdAt: number } | null;
  previousConversationId: number | null;
  createdAt: number;
  queuedAt: number | null;
  lastMessageAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  /** SLA clocks (server/sla/view.ts): the running target due soonest, for a countdown; null before hand-off. */
  sla: ConversationSla | null;
}

export interface MessageView {
  id: number;
  conversationId: number;
  direction: Message['direction'];
  authorType: Message['authorType'];
  agentId: number | null;
  text: string;
  attachments: Message['attachments'];
  quickReplies: Message['quickReplies'];
  buttonId: string | null;
  channel: string;
  private: boolean;
  clientId: string | null;
  createdAt: number;
  delivery: Message['delivery'];
}

export function messageView(m: Message): MessageView {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    authorType: m.authorType,
    agentId: m.agentId,
    text: m.text,
    attachments: m.attachments,
    quickReplies: m.quickReplies,
    buttonId: m.buttonId,
    channel: m.channel,
    private: m.direction === 'internal',
    clientId: m.clientId,
    createdAt: m.createdAt,
    delivery: m.delivery,
  };
}

export async function conversationView(store: Store, c: Conversation): Promise<ConversationView> {
  const contact = await store.getContact(c.contactId);
  const last = await store.lastMessage(c.id);
  return {
    id: c.id,
    status: c.status,
    channel: c.channel,
    contact: {
      id: c.contactId,
      name: contact?.name ?? null,
      username: contact?.username ?? null,
      unreachable: contact?.unreachableReason ?? null,
    },
    assignedAgentId: c.assignedAgentId,
    teamId: c.teamId,
    priority: c.priority,
    topic: c.topic,
    language: c.language,
    lastMessage: last ? { text: last.text.slice(0, 200), authorType: last.authorType, createdAt: last.createdAt } : null,
    previousConversationId: c.previousConversationId,
    createdAt: c.createdAt,
    queuedAt: c.queuedAt,
    lastMessageAt: c.lastMessageAt,
    firstResponseAt: c.firstResponseAt,
    resolvedAt: c.resolvedAt,
    sla: await slaView(store, c),
  };
}

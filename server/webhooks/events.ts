/**
 * The webhook event types and how each is built: most come from the events log (read by the
 * event feed), `message.created` from the bus. The body is the same for every endpoint:
 * `{ id, type, createdAt, data }`, documented in docs/webhooks-and-api.md.
 * @module
 */
import { conversationView, messageView } from '../agents/views.js';
import type { Conversation, ConversationEvent, Message, Store } from '../store/types.js';

export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.escalated',
  'conversation.assigned',
  'conversation.resolved',
  'message.created',
  'sla.warning',
  'sla.breached',
  'csat.received',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number] | 'ping';

/** Events-log types that become webhook events. */
const FROM_LOG: Record<string, WebhookEventType> = {
  created: 'conversation.created',
  escalated: 'conversation.escalated',
  assigned: 'conversation.assigned',
  resolved: 'conversation.resolved',
  sla_warning: 'sla.warning',
  sla_breached: 'sla.breached',
  csat: 'csat.received',
};

export interface WebhookEvent {
  /** Stable per event: `evt_<events id>`, `msg_<message id>`, `ping_<random>`. Receivers de-duplicate on it. */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export function webhookTypeOf(event: ConversationEvent): WebhookEventType | null {
  return FROM_LOG[event.type] ?? null;
}

/** The webhook body for an events-log entry, or null when that type is not sent. */
export async function eventPayload(store: Store, event: ConversationEvent): Promise<WebhookEvent | null> {
  const type = webhookTypeOf(event);
  if (!type || event.conversationId === null) return null;
  const conversation = await store.getConversation(event.conversationId);
  if (!conversation) return null;
  return {
    id: `evt_${event.id}`,
    type,
    createdAt: new Date(event.createdAt).toISOString(),
    data: {
      conversation: await conversationView(store, conversation),
      event: { type: event.type, actor: event.actor, data: event.data, createdAt: event.createdAt },
    },
  };
}

/** The webhook body for a new message (private notes are never sent). */
export async function messagePayload(store: Store, conversation: Conversation, message: Message): Promise<WebhookEvent | null> {
  if (message.direction === 'internal') return null;
  return {
    id: `msg_${message.id}`,
    type: 'message.created',
    createdAt: new Date(message.createdAt).toISOString(),
    data: { conversation: await conversationView(store, conversation), message: messageView(message) },
  };
}

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

/**
 * Events-log types that become webhook events. `transferred` (to an agent) and `reopened` also
 * become `conversation.assigned`: see {@link webhookTypeOf} and {@link webhookEventData}.
 */
const FROM_LOG: Record<string, WebhookEventType> = {
  created: 'conversation.created',
  escalated: 'conversation.escalated',
  assigned: 'conversation.assigned',
  reopened: 'conversation.assigned',
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

/**
 * The webhook type of an events-log entry, or null when it is not sent. A transfer is an
 * assignment when it names an agent; a transfer to a team only (back to the queue) is not sent.
 */
export function webhookTypeOf(event: ConversationEvent): WebhookEventType | null {
  if (event.type === 'transferred') return typeof event.data?.toAgentId === 'number' ? 'conversation.assigned' : null;
  return FROM_LOG[event.type] ?? null;
}

/**
 * `data.event.data` of the webhook body. Every `conversation.assigned` carries `agentId` (who has
 * the conversation now) and `by` (how it got there: `claim`, `routing`, `transfer` or `reopen`).
 * A transfer's note is left out: it is a private note, and private notes are never sent.
 */
export function webhookEventData(event: ConversationEvent): Record<string, unknown> | null {
  const data = event.data ?? null;
  if (event.type === 'transferred') {
    return { agentId: data?.toAgentId ?? null, by: 'transfer', previousAgentId: data?.fromAgentId ?? null, toTeamId: data?.toTeamId ?? null };
  }
  if (event.type === 'reopened') return { ...data, agentId: data?.agentId ?? null, by: 'reopen' };
  return data;
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
      event: { type: event.type, actor: event.actor, data: webhookEventData(event), createdAt: event.createdAt },
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

/**
 * Turns the core's messages and conversations into the webchat wire shapes (protocol.ts).
 * @module
 */
import type { ConversationSnapshot, HistoryMessage } from '../../server/channels/contract.js';
import type { WireConversation, WireMessage } from './protocol.js';

/** The wire form of a message, as the widget renders it (text only, never HTML). */
export function toWire(m: HistoryMessage, conversationId?: number): WireMessage {
  return {
    id: m.id,
    conversationId,
    direction: m.direction,
    author: m.author.name ? { type: m.author.type, name: m.author.name } : { type: m.author.type },
    text: m.text,
    quickReplies: m.quickReplies ?? [],
    attachments: m.attachments ?? [],
    clientId: m.clientId ?? null,
    createdAt: m.createdAt,
  };
}

export function snapshotToWire(s: ConversationSnapshot | null): WireConversation | null {
  if (!s) return null;
  return {
    id: s.conversationId,
    status: s.status,
    agentName: s.assignedAgentName ?? null,
    messages: s.messages.map((m) => toWire(m, s.conversationId)),
  };
}

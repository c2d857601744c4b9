/**
 * The in-process event bus: the router publishes, the agents namespace (and later webhooks,
 * metrics) listen. On more than one node this becomes the socket.io Redis adapter's job.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { Conversation, ConversationEvent, Message } from './store/types.js';

export interface BusEvents {
  /** A conversation changed (status, assignment, last message...). */
  conversation: [conversation: Conversation];
  /** A message was stored (any direction, including private notes). */
  message: [conversation: Conversation, message: Message];
  /** Someone is typing in a conversation. */
  typing: [event: { conversationId: number; who: 'contact' | 'agent'; agentId?: number; typing: boolean }];
  /** An outgoing message could not be delivered and was given up on. */
  deliveryFailed: [event: { conversationId: number; messageId: number; reason: string }];
  /** An event was appended to the events log (read back by the event feed, server/webhooks/event-feed.ts). */
  event: [event: ConversationEvent];
  /** The knowledge-base matcher ran on a customer message (for the latency metric). */
  match: [result: { ms: number; decision: string }];
}

export class Bus extends EventEmitter<BusEvents> {}

/**
 * The in-process event bus: the router publishes, the agents namespace (and later webhooks,
 * metrics) listen. On more than one node this becomes the socket.io Redis adapter's job.
 * @module
 */
import { EventEmitter } from 'node:events';
import type { Conversation, Message } from './store/types.js';

export interface BusEvents {
  /** A conversation changed (status, assignment, last message...). */
  conversation: [conversation: Conversation];
  /** A message was stored (any direction, including private notes). */
  message: [conversation: Conversation, message: Message];
  /** Someone is typing in a conversation. */
  typing: [event: { conversationId: number; who: 'contact' | 'agent'; agentId?: number; typing: boolean }];
  /** An outgoing message could not be delivered and was given up on. */
  deliveryFailed: [event: { conversationId: number; messageId: number; reason: string }];
}

export class Bus extends EventEmitter<BusEvents> {}

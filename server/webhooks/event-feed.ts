/**
 * The feeds other modules listen to, both durable (see {@link CursorFeed}):
 * - the event feed: every new row of the events log, in id order, to its listeners (webhooks,
 *   metrics) and then to the bus as `event`. Whoever appended the event (router, console, SLA
 *   monitor, a future module) needs to know nothing about it;
 * - the message feed: every new message, for webhooks' `message.created`.
 * @module
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import type { ConversationEvent, Message, Store } from '../store/types.js';
import { CursorFeed, type FeedListener } from './cursor-feed.js';

export type EventListener = FeedListener<ConversationEvent>;

export interface FeedDeps {
  store: Store;
  bus: Bus;
  log: Logger;
  /** How often to look when nothing woke the feed (ms). */
  pollMs: number;
}

export class EventFeed extends CursorFeed<ConversationEvent> {
  constructor(deps: FeedDeps) {
    const { store, bus } = deps;
    super(deps, {
      cursorKey: 'events.feed_cursor',
      after: (id, limit) => store.eventsAfter(id, limit),
      newestId: () => store.maxEventId(),
      handled: (event) => bus.emit('event', event),
    });
    // Most events are written together with a conversation change: look right away.
    bus.on('conversation', () => this.wake());
  }

  onEvent(listener: EventListener): void {
    this.onRow(listener);
  }
}

export class MessageFeed extends CursorFeed<Message> {
  constructor(deps: FeedDeps) {
    const { store, bus } = deps;
    super(deps, { cursorKey: 'messages.feed_cursor', after: (id, limit) => store.messagesAfter(id, limit), newestId: () => store.maxMessageId() });
    bus.on('message', () => this.wake());
  }
}

/**
 * Outgoing webhooks: turns events and new messages (from their durable feeds) into one queued
 * delivery per subscribed endpoint, and runs the sender. Rows are written before anything is sent,
 * and the feeds resume after a crash where they stopped, so a restart never loses a delivery.
 * @module
 */
import type { Logger } from 'pino';
import type { Store, Webhook } from '../store/types.js';
import type { EventFeed, MessageFeed } from './event-feed.js';
import { eventPayload, messagePayload, type WebhookEvent } from './events.js';
import { WebhookSender, type DeliveryOutcome, type WebhookSenderOptions } from './sender.js';

export interface WebhookServiceDeps {
  store: Store;
  feed: EventFeed;
  messages: MessageFeed;
  log: Logger;
  now: () => number;
  options?: WebhookSenderOptions;
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export class WebhookService {
  readonly sender: WebhookSender;
  private hooks: Webhook[] | null = null;

  constructor(private readonly deps: WebhookServiceDeps) {
    this.sender = new WebhookSender(deps.store, deps.log, deps.now, deps.options, deps.onOutcome);
    deps.feed.onEvent(async (event) => {
      if (!(await this.anySubscribed())) return;
      const payload = await eventPayload(deps.store, event);
      if (payload) await this.enqueue(payload);
    });
    deps.messages.onRow(async (message) => {
      if (!(await this.anySubscribed('message.created'))) return;
      const conversation = await deps.store.getConversation(message.conversationId);
      const payload = conversation && (await messagePayload(deps.store, conversation, message));
      if (payload) await this.enqueue(payload);
    });
  }

  /** Forget cached endpoints (after an admin changed them). */
  invalidate(): void {
    this.hooks = null;
  }

  private async active(): Promise<Webhook[]> {
    this.hooks ??= (await this.deps.store.listWebhooks()).filter((w) => w.active);
    return this.hooks;
  }

  private async anySubscribed(type?: string): Promise<boolean> {
    const hooks = await this.active();
    return type ? hooks.some((w) => w.events.includes(type)) : hooks.length > 0;
  }

  /** Queues the event for every active endpoint subscribed to its type (or for one endpoint). */
  async enqueue(event: WebhookEvent, only?: Webhook): Promise<number> {
    const body = JSON.stringify(event);
    let queued = 0;
    const targets = only ? [only] : (await this.active()).filter((w) => w.events.includes(event.type));
    for (const w of targets) {
      if (await this.deps.store.enqueueWebhookDelivery({ webhookId: w.id, eventType: event.type, eventId: event.id, payload: body }, this.deps.now())) queued++;
    }
    if (queued) this.sender.wake();
    return queued;
  }

  start(): void {
    this.sender.start();
  }

  stop(): Promise<void> {
    return this.sender.stop();
  }
}

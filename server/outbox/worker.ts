/**
 * The outbox worker: delivers stored outgoing messages through their channels, in order per
 * conversation, retrying with back-off and honouring rate limits. Rows survive a restart, so
 * whatever was not delivered goes out when the server is back (or when the customer reconnects).
 * @module
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import type { Channel, ConversationRef, DeliveryResult, Outbound } from '../channels/contract.js';
import type { Agent, OutboxItem, Store } from '../store/types.js';

export interface OutboxOptions {
  /** How often to look for due rows when nothing woke the worker (ms). */
  pollMs?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest retry-after a channel may ask for before it is capped. */
  maxRetryAfterMs?: number;
  /** After this many attempts the row is given up on (and the agents are told). */
  maxAttempts?: number;
  batchSize?: number;
  /** Deliveries in flight at once (each to a different conversation). */
  concurrency?: number;
  now?: () => number;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;
  private readonly agentNames = new Map<number, string>();
  /** Conversations with a delivery in flight. */
  private readonly inflight = new Set<number>();
  private readonly opts: Required<OutboxOptions>;

  constructor(
    private readonly store: Store,
    private readonly channels: Map<string, Channel>,
    private readonly bus: Bus,
    private readonly log: Logger,
    options: OutboxOptions = {},
  ) {
    this.opts = {
      pollMs: 1000,
      baseDelayMs: 1000,
      maxDelayMs: 5 * 60_000,
      maxRetryAfterMs: 10 * 60_000,
      maxAttempts: 50,
      batchSize: 100,
      concurrency: 64,
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // In-flight deliveries get a moment to finish; one still waiting for an ack after that stays
    // pending in the store and goes out again after the restart (clients drop duplicates by id).
    const deadline = Date.now() + 1000;
    while ((this.running || this.inflight.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }

  /** Something was queued or became deliverable: run now instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      do {
        this.again = false;
        const free = this.opts.concurrency - this.inflight.size;
        if (free <= 0) break;
        const due = await this.store.dueOutbox(this.opts.now(), this.opts.batchSize);
        // Only the oldest row of each conversation is ever due, and a conversation with a delivery
        // in flight is skipped: order holds within a chat, and a slow chat never blocks the others.
        for (const item of due.filter((i) => !this.inflight.has(i.conversationId)).slice(0, free)) {
          this.inflight.add(item.conversationId);
          void this.deliver(item)
            .catch((err: unknown) => this.log.error({ err, outboxId: item.id }, 'outbox delivery crashed'))
            .finally(() => {
              this.inflight.delete(item.conversationId);
              this.wake();
            });
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.log.error({ err }, 'outbox run failed');
    } finally {
      this.running = false;
      this.schedule(this.opts.pollMs);
    }
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const now = this.opts.now();
    const channel = this.channels.get(item.channel);
    const message = await this.store.getMessage(item.messageId);
    const conversation = await this.store.getConversation(item.conversationId);
    if (!message || !conversation) {
      await this.store.markOutboxFailed(item.id, 'message or conversation missing', now);
      return;
    }
    if (!channel) {
      // The adapter is switched off: keep the row, it goes out once the channel is configured again.
      await this.store.markOutboxRetry(item.id, now + this.opts.maxDelayMs, `channel ${item.channel} is not enabled`);
      return;
    }
    const ref: ConversationRef = {
      channel: conversation.channel,
      conversationId: conversation.id,
      contactId: conversation.contactId,
      externalChatId: conversation.externalChatId,
      externalUserId: conversation.externalUserId,
    };
    const outbound: Outbound = {
      text: message.text,
      quickReplies: message.quickReplies ?? undefined,
      author: { type: message.authorType === 'contact' ? 'system' : message.authorType, name: await this.agentName(message.agentId) },
      messageId: message.id,
      createdAt: message.createdAt,
    };
    let result: DeliveryResult;
    try {
      result = await channel.send(ref, outbound);
    } catch (err) {
      result = { status: 'retry', reason: err instanceof Error ? err.message : String(err) };
    }
    const at = this.opts.now();
    if (result.status === 'ok') {
      await this.store.markOutboxSent(item.id, at);
      return;
    }
    if (result.status === 'retry' && result.recipientOffline) {
      await this.store.markOutboxRetry(item.id, at + this.opts.maxDelayMs, result.reason, false);
      return;
    }
    if (result.status === 'retry' && item.attempts + 1 < this.opts.maxAttempts) {
      const backoff = Math.min(this.opts.baseDelayMs * 2 ** item.attempts, this.opts.maxDelayMs);
      const delay =
        result.retryAfterMs !== undefined ? Math.min(result.retryAfterMs, this.opts.maxRetryAfterMs) : backoff * (0.8 + Math.random() * 0.4);
      await this.store.markOutboxRetry(item.id, at + delay, result.reason);
      if (result.retryAfterMs !== undefined) this.schedule(Math.max(0, delay));
      return;
    }
    const reason = result.reason;
    await this.store.markOutboxFailed(item.id, reason, at);
    await this.store.appendEvent(
      { conversationId: conversation.id, type: 'delivery_failed', actor: 'system', data: { messageId: message.id, reason } },
      at,
    );
    if (result.status === 'failed' && result.unreachable) await this.store.setContactUnreachable(conversation.contactId, reason);
    this.log.warn({ conversationId: conversation.id, messageId: message.id, reason }, 'delivery failed');
    this.bus.emit('deliveryFailed', { conversationId: conversation.id, messageId: message.id, reason });
  }

  private async agentName(agentId: number | null): Promise<string | undefined> {
    if (agentId === null) return undefined;
    let name = this.agentNames.get(agentId);
    if (!name) {
      const agent: Agent | null = await this.store.getAgent(agentId);
      name = agent?.name ?? 'Agent';
      this.agentNames.set(agentId, name);
    }
    return name;
  }
}

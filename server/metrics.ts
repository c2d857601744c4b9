/**
 * Prometheus metrics at `/metrics` (prom-client, one registry per server so tests can run
 * several): queue length, conversations by state, messages in and out by channel, delivery
 * failures, matcher latency, SLA warnings and breaches, webhook deliveries, plus the process
 * defaults. Counters listen to the bus; gauges read the store when scraped.
 * @module
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Bus } from './bus.js';
import type { SlaAlert } from './sla/monitor.js';
import type { ConversationStatus, Store } from './store/types.js';
import type { DeliveryOutcome } from './webhooks/sender.js';

const STATUSES: ConversationStatus[] = ['bot', 'queued', 'assigned', 'resolved', 'closed'];

export class Metrics {
  readonly registry = new Registry();
  private readonly slaAlerts: Counter<'kind' | 'metric' | 'priority'>;
  private readonly slaBreaches: Counter<'metric' | 'priority'>;
  private readonly webhookDeliveries: Counter<'outcome'>;

  constructor(store: Store, bus: Bus) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'chatbridge_queue_length',
      help: 'Conversations waiting in the queue for an agent.',
      registers,
      async collect() {
        this.set((await store.countByStatus()).queued);
      },
    });
    new Gauge({
      name: 'chatbridge_conversations',
      help: 'Conversations by state.',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await store.countByStatus();
        for (const state of STATUSES) this.set({ state }, counts[state]);
      },
    });
    const messages = new Counter({ name: 'chatbridge_messages_total', help: 'Messages by channel and direction (in: from customers; out: bot, agents, system).', labelNames: ['channel', 'direction'], registers });
    const failures = new Counter({ name: 'chatbridge_delivery_failures_total', help: 'Outgoing messages given up on (customer unreachable).', labelNames: ['channel'], registers });
    const matcher = new Histogram({
      name: 'chatbridge_matcher_latency_seconds',
      help: 'Knowledge-base matcher time per customer message.',
      labelNames: ['decision'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
      registers,
    });
    this.slaBreaches = new Counter({ name: 'chatbridge_sla_breaches_total', help: 'SLA targets breached.', labelNames: ['metric', 'priority'], registers });
    this.slaAlerts = new Counter({ name: 'chatbridge_sla_alerts_total', help: 'SLA warnings and breaches raised.', labelNames: ['kind', 'metric', 'priority'], registers });
    this.webhookDeliveries = new Counter({ name: 'chatbridge_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome.', labelNames: ['outcome'], registers });

    bus.on('message', (c, m) => {
      if (m.direction !== 'internal') messages.inc({ channel: c.channel, direction: m.direction });
    });
    bus.on('deliveryFailed', (e) => {
      void store.getConversation(e.conversationId).then((c) => failures.inc({ channel: c?.channel ?? 'unknown' }));
    });
    bus.on('match', (r) => matcher.observe({ decision: r.decision }, r.ms / 1000));
  }

  slaAlert(alert: SlaAlert): void {
    this.slaAlerts.inc({ kind: alert.kind, metric: alert.metric, priority: alert.priority });
    if (alert.kind === 'breached') this.slaBreaches.inc({ metric: alert.metric, priority: alert.priority });
  }

  webhookOutcome(outcome: DeliveryOutcome): void {
    this.webhookDeliveries.inc({ outcome: outcome.outcome });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

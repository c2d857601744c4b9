/**
 * Wires issue 8 into one server: routing (assigner), SLA (settings, monitor, console view),
 * reports, the event feed, outgoing webhooks, Prometheus metrics, API tokens and their routes.
 * `createOperations` runs before the router is built (the router calls `escalation` on every
 * hand-off); `registerOperationsRoutes` adds the HTTP routes; `start`/`stop` run the timers.
 * Everything reads time from one clock, so tests can drive it with a fake one.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Server as SocketServer } from 'socket.io';
import type { Sessions } from '../agents/sessions.js';
import type { Bus } from '../bus.js';
import { registerApiTokenRoutes } from '../http/api-tokens.js';
import { requireAgent } from '../http/auth.js';
import { registerReportRoutes } from '../http/reports-routes.js';
import { registerRoutingRoutes } from '../http/routing-routes.js';
import { registerWebhookRoutes } from '../http/webhook-routes.js';
import { Metrics } from '../metrics.js';
import { Reports } from '../reports/service.js';
import type { EscalationHook, Presence } from '../router/router.js';
import { SlaMonitor, type SlaAlert } from '../sla/monitor.js';
import { SlaSettings, type Clock } from '../sla/settings.js';
import { registerSlaView } from '../sla/view.js';
import type { Store } from '../store/types.js';
import { EventFeed, MessageFeed } from '../webhooks/event-feed.js';
import type { WebhookSenderOptions } from '../webhooks/sender.js';
import { WebhookService } from '../webhooks/service.js';
import { Assigner } from './assigner.js';
import { JsonSetting } from './json-setting.js';
import { DEFAULT_ROUTING_SETTINGS, parseRoutingSettings, type RoutingSettings } from './rules.js';

export interface OperationsOptions {
  /** The clock for routing, SLA, reports and webhooks (default Date.now). */
  now?: Clock;
  /** How often routing re-checks offline agents, unanswered assignments and the queue (ms). */
  sweepMs?: number;
  /** How often SLA timers are checked (ms). */
  slaCheckMs?: number;
  /** How often the event feed reads the events log when nothing woke it (ms). */
  feedPollMs?: number;
  webhooks?: WebhookSenderOptions;
}

export interface OperationsDeps {
  store: Store;
  bus: Bus;
  presence: Presence;
  io: SocketServer;
  log: Logger;
  /** Defaults from the configuration, used until an admin saves the routing settings. */
  defaults: { autoAssign: boolean };
  options?: OperationsOptions;
}

export interface Operations {
  now: Clock;
  routing: JsonSetting<RoutingSettings>;
  sla: SlaSettings;
  assigner: Assigner;
  monitor: SlaMonitor;
  reports: Reports;
  feed: EventFeed;
  webhooks: WebhookService;
  metrics: Metrics;
  /** The router's hand-off hook. */
  escalation: EscalationHook;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createOperations(deps: OperationsDeps): Operations {
  const { store, bus, io, log } = deps;
  const o = deps.options ?? {};
  const now = o.now ?? Date.now;
  const sla = new SlaSettings(store, now);
  registerSlaView(store, sla);
  const base: RoutingSettings = { ...structuredClone(DEFAULT_ROUTING_SETTINGS), autoAssign: deps.defaults.autoAssign };
  const routing = new JsonSetting(store, 'routing.settings', (raw) => parseRoutingSettings(raw, base), () => structuredClone(base));
  const assigner = new Assigner({ store, bus, presence: deps.presence, settings: routing, sla, log: log.child({ part: 'routing' }) });
  const metrics = new Metrics(store, bus);
  const feed = new EventFeed({ store, bus, log: log.child({ part: 'event-feed' }), pollMs: o.feedPollMs ?? 1000 });
  const messageFeed = new MessageFeed({ store, bus, log: log.child({ part: 'message-feed' }), pollMs: o.feedPollMs ?? 1000 });
  const webhooks = new WebhookService({ store, feed, messages: messageFeed, log: log.child({ part: 'webhooks' }), now, options: o.webhooks, onOutcome: (x) => metrics.webhookOutcome(x) });
  const onAlert = (alert: SlaAlert) => {
    metrics.slaAlert(alert);
    // Every agents socket joins the namespace's room, so a namespace-wide emit reaches the same people.
    io.of('/agents').emit(alert.kind === 'warning' ? 'sla:warning' : 'sla:breached', alert);
    void store.getConversation(alert.conversationId).then((c) => c && bus.emit('conversation', c));
    feed.wake();
  };
  const monitor = new SlaMonitor({ store, settings: sla, log: log.child({ part: 'sla' }), onAlert });
  const reports = new Reports(store, sla);
  return {
    now,
    routing,
    sla,
    assigner,
    monitor,
    reports,
    feed,
    webhooks,
    metrics,
    escalation: { queued: (conversation, language) => assigner.onQueued(conversation, language) },
    async start() {
      await feed.start();
      await messageFeed.start();
      webhooks.start();
      assigner.start(o.sweepMs ?? 5000);
      monitor.start(o.slaCheckMs ?? 15_000);
    },
    async stop() {
      await assigner.stop();
      await monitor.stop();
      await feed.stop();
      await messageFeed.stop();
      await webhooks.stop();
    },
  };
}

/** The HTTP side: routing/SLA settings, reports, webhooks, API tokens and /metrics. */
export function registerOperationsRoutes(app: FastifyInstance, ops: Operations, deps: { store: Store; sessions: Sessions; metricsPublic: boolean }): void {
  const { store, sessions } = deps;
  registerApiTokenRoutes(app, { store, sessions, now: ops.now });
  registerRoutingRoutes(app, { store, sessions, assigner: ops.assigner, routing: ops.routing, sla: ops.sla });
  registerReportRoutes(app, { reports: ops.reports, sessions, now: ops.now, defaultZone: async () => (await ops.sla.hours.get()).timeZone });
  registerWebhookRoutes(app, { store, sessions, webhooks: ops.webhooks, now: ops.now });
  app.get(
    '/metrics',
    {
      // Prometheus scrapes with an API token (bearer_token in its config); METRICS_PUBLIC=true opens it.
      preHandler: deps.metricsPublic ? [] : requireAgent(sessions),
      schema: {
        tags: ['Metrics'],
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Needs a session or an API token (Prometheus: `bearer_token`), unless METRICS_PUBLIC=true.',
      },
    },
    async (_request, reply) => {
      const { body, contentType } = await ops.metrics.render();
      return reply.type(contentType).send(body);
    },
  );
}

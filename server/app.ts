/**
 * Builds one chatbridge server: store, knowledge base, router, outbox, channels, agents
 * namespace and HTTP routes, on one fastify + socket.io server. `server/main.ts` runs it;
 * tests build it on a random port with a temporary database.
 * @module
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { Server as SocketServer } from 'socket.io';
import { attachAgentsNamespace, AgentPresence } from './agents/namespace.js';
import { generatePassword, hashPassword } from './agents/passwords.js';
import { guardAgentSessions } from './agents/session-guard.js';
import { Sessions } from './agents/sessions.js';
import { Bus } from './bus.js';
import type { Channel } from './channels/contract.js';
import { createChannelHost } from './channels/host.js';
import type { Config } from './config/config.js';
import { registerAuthRoutes } from './http/auth.js';
import { registerConsoleAgentRoutes } from './http/console-agents.js';
import { registerConsoleCannedRoutes } from './http/console-canned.js';
import type { ConsoleDeps } from './http/console-common.js';
import { registerConsoleContactRoutes } from './http/console-contacts.js';
import { registerConsoleInboxRoutes } from './http/console-inbox.js';
import { registerConsolePages } from './http/console-pages.js';
import { startSnoozeWaker } from './http/console-snooze.js';
import { registerConsoleTeamRoutes } from './http/console-teams.js';
import { registerAttachmentRoutes } from './http/attachment-routes.js';
import { registerConversationRoutes } from './http/conversation-routes.js';
import { registerKbRoutes } from './http/kb-routes.js';
import { registerPages } from './http/pages.js';
import { registerOpenApi } from './http/openapi.js';
import { describeBusinessHours } from './routing/hours-text.js';
import { createOperations, registerOperationsRoutes, type Operations, type OperationsOptions } from './routing/operations.js';
import { KnowledgeBase } from './kb/service.js';
import { OutboxWorker, type OutboxOptions } from './outbox/worker.js';
import { ConversationRouter } from './router/router.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

/** What a channel factory gets to build its adapter. */
export interface ChannelContext {
  config: Config;
  app: FastifyInstance;
  io: SocketServer;
  log: Logger;
  /** Signs visitor tokens and other server-made secrets. */
  secret: string;
  settings: { get(key: string): Promise<string | null>; set(key: string, value: string): Promise<void> };
}

export type ChannelFactory = (ctx: ChannelContext) => Channel | null | Promise<Channel | null>;

export interface ChatbridgeOptions {
  channels: ChannelFactory[];
  logger?: Logger;
  outbox?: OutboxOptions;
  /** Routing, SLA, webhooks (server/routing/operations.ts): clock and intervals, for tests. */
  operations?: OperationsOptions;
}

export interface FirstAdmin {
  email: string;
  /** Present only when it was generated (not given in ADMIN_PASSWORD). */
  generatedPassword?: string;
}

export interface Chatbridge {
  config: Config;
  app: FastifyInstance;
  io: SocketServer;
  store: Store;
  kb: KnowledgeBase;
  router: ConversationRouter;
  outbox: OutboxWorker;
  channels: Map<string, Channel>;
  log: Logger;
  /** Set when this start created the first admin. */
  firstAdmin: FirstAdmin | null;
  /** Routing, SLA, reports, webhooks, metrics. */
  operations: Operations;
  /** Listens and starts the channels; resolves to the base URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function createChatbridge(config: Config, options: ChatbridgeOptions): Promise<Chatbridge> {
  const log = options.logger ?? pino({ level: config.logLevel });
  const store = openSqliteStore(config.databasePath, { sync: config.databaseSync });
  const bus = new Bus();
  const kb = new KnowledgeBase(store, log.child({ part: 'kb' }));
  await kb.init(config.kbPath);

  const secret = config.appSecret ?? (await persistedSecret(store));
  const firstAdmin = await ensureFirstAdmin(store, config);

  const app = Fastify({
    loggerInstance: log.child({ part: 'http' }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // Only a configured proxy may tell the client's address: else X-Forwarded-For would dodge the sign-in limit.
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance;
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  // Before any route, so OpenAPI at /docs describes them all.
  await registerOpenApi(app, config.publicUrl);
  const io = new SocketServer(app.server, {
    // Room for the longest message MAX_MESSAGE_LENGTH allows, so an oversized one gets `too_long`, not a dropped socket.
    maxHttpBufferSize: 1024 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    cors: { origin: config.widgetAllowedOrigins.includes('*') ? true : config.widgetAllowedOrigins, credentials: true },
  });
  // socket.io must close before fastify, or open sockets keep app.close() waiting.
  app.addHook('preClose', async () => {
    await io.close();
  });

  const channels = new Map<string, Channel>();
  const outbox = new OutboxWorker(store, channels, bus, log.child({ part: 'outbox' }), options.outbox);
  const presence = new AgentPresence();
  const operations = createOperations({
    store,
    bus,
    presence,
    io,
    log: log.child({ part: 'operations' }),
    defaults: { autoAssign: config.routingAutoAssign },
    options: options.operations,
  });
  // WORKING_HOURS, when set, is quoted as is; otherwise the business-hours setting in the customer's language.
  const workingHours = async (language: 'ru' | 'en'): Promise<string> =>
    config.workingHours || describeBusinessHours(await operations.sla.hours.get(), language);
  const router = new ConversationRouter({
    store,
    kb,
    bus,
    presence,
    config,
    log: log.child({ part: 'router' }),
    wakeOutbox: () => outbox.wake(),
    escalation: operations.escalation,
    workingHours,
  });
  const sessions = new Sessions(store, config.sessionTtlHours * 3600_000);
  const host = createChannelHost({
    store,
    router,
    expedite: (channel, externalUserId) => {
      void store.expediteOutbox(channel, externalUserId, Date.now()).then((n) => n > 0 && outbox.wake());
    },
    agentsOnline: () => presence.onlineAgentIds().length > 0,
    workingHours,
  });
  // Channels that show the conversation's state (the widget's header: agent name, offline notice) hear of changes.
  bus.on('conversation', (c) => {
    const channel = channels.get(c.channel);
    if (!channel?.conversationChanged) return;
    void (async () => {
      const agentName = c.assignedAgentId === null ? undefined : (await store.getAgent(c.assignedAgentId))?.name;
      const ref = { channel: c.channel, conversationId: c.id, contactId: c.contactId, externalChatId: c.externalChatId, externalUserId: c.externalUserId };
      await channel.conversationChanged!(ref, { status: c.status, agentName, agentsOnline: presence.onlineAgentIds().length > 0 });
    })().catch((err: unknown) => log.warn({ err }, 'conversation change not passed to the channel'));
  });

  const agentsNamespace = attachAgentsNamespace({
    io,
    store,
    router,
    sessions,
    presence,
    bus,
    log: log.child({ part: 'agents' }),
    kb,
    typingToCustomer: (conversationId, typing) => {
      void store.getConversation(conversationId).then((c) => {
        const channel = c && channels.get(c.channel);
        if (!c || !channel?.typing) return;
        const ref = { channel: c.channel, conversationId: c.id, contactId: c.contactId, externalChatId: c.externalChatId, externalUserId: c.externalUserId };
        return channel.typing(ref, typing);
      }).catch((err: unknown) => log.warn({ err }, 'typing not delivered'));
    },
  });
  guardAgentSessions(app, agentsNamespace, sessions, log.child({ part: 'sessions' }));

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code = error.validation ? 'invalid' : status === 429 ? 'rate_limited' : status >= 500 ? 'internal' : (error.code ?? 'error');
    reply.code(status).send({ error: { code, message: status >= 500 ? 'Something went wrong on the server.' : error.message } });
  });
  app.get('/api/health', async () => ({ ok: true }));
  registerAuthRoutes(app, { store, sessions, secureCookies: config.publicUrl.startsWith('https:'), ttlMs: config.sessionTtlHours * 3600_000 });
  registerConversationRoutes(app, { store, sessions });
  registerOperationsRoutes(app, operations, { store, sessions, metricsPublic: config.metricsPublic });
  registerKbRoutes(app, { store, kb, sessions, log });
  registerAttachmentRoutes(app, { store, sessions, channels, log });
  registerPages(app);
  const consoleDeps: ConsoleDeps = { store, sessions, router, io, bus, presence, kb, channels, log: log.child({ part: 'console' }) };
  registerConsoleAgentRoutes(app, consoleDeps);
  registerConsoleTeamRoutes(app, consoleDeps);
  registerConsoleCannedRoutes(app, consoleDeps);
  registerConsoleContactRoutes(app, consoleDeps);
  registerConsoleInboxRoutes(app, consoleDeps);
  registerConsolePages(app, consoleDeps);
  startSnoozeWaker(app, consoleDeps);

  const ctx: ChannelContext = {
    config,
    app,
    io,
    log,
    secret,
    settings: { get: (k) => store.getSetting(k), set: (k, v) => store.setSetting(k, v) },
  };
  for (const factory of options.channels) {
    const channel = await factory(ctx);
    if (channel) channels.set(channel.name, channel);
  }

  let started = false;
  return {
    config,
    app,
    io,
    store,
    kb,
    router,
    outbox,
    channels,
    log,
    firstAdmin,
    operations,
    async start() {
      await app.listen({ host: config.host, port: config.port });
      // Before the channels redeliver anything: messages stored just before a crash get their answer.
      await router.resumePendingBotSteps().catch((err: unknown) => log.error({ err }, 'resuming bot steps failed'));
      for (const channel of channels.values()) await channel.start(host);
      outbox.start();
      await operations.start();
      started = true;
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    async stop() {
      await operations.stop();
      await outbox.stop();
      if (started) for (const channel of channels.values()) await channel.stop().catch((err: unknown) => log.warn({ err }, 'channel stop failed'));
      await app.close();
      await store.close();
    },
  };
}

async function persistedSecret(store: Store): Promise<string> {
  const existing = await store.getSetting('app_secret');
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  await store.setSetting('app_secret', secret);
  return secret;
}

async function ensureFirstAdmin(store: Store, config: Config): Promise<FirstAdmin | null> {
  if ((await store.countAgents()) > 0) return null;
  const email = config.adminEmail ?? 'admin@chatbridge.local';
  const password = config.adminPassword ?? generatePassword();
  await store.createAgent(
    { email, name: 'Admin', passwordHash: await hashPassword(password), role: 'admin', active: true, capacity: 5 },
    Date.now(),
  );
  return { email, generatedPassword: config.adminPassword ? undefined : password };
}

/**
 * The agents' socket.io namespace `/agents`: authenticated by the session cookie (or
 * `auth.token`), it carries the live queue and every agent action. Protocol: docs/protocol.md.
 * @module
 */
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Bus } from '../bus.js';
import { consoleConversationView, consoleConversationViews } from '../http/console-views.js';
import { ID_PATTERN } from '../kb/format.js';
import { isHumanRequest } from '../kb/human-request.js';
import { recordKbAnswerUsed } from '../kb/learning.js';
import { RouterError, type ConversationRouter, type Presence } from '../router/router.js';
import type { Agent, ConversationStatus, Store } from '../store/types.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { AgentStatus, Priority } from '../store/types.js';
import { readCookie, SESSION_COOKIE, type Sessions } from './sessions.js';
import { messageView } from './views.js';

export const AGENTS_NAMESPACE = '/agents';
const ROOM = 'agents';

type Ack = (response: unknown) => void;
type Handler = (agent: Agent, payload: Record<string, unknown>) => Promise<unknown>;

const STATUSES: ConversationStatus[] = ['bot', 'queued', 'assigned', 'resolved', 'closed'];
const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
const AGENT_STATUSES: AgentStatus[] = ['online', 'away', 'offline'];
/** Below this the matcher is guessing: such answers would only distract the agent. */
const MIN_SUGGESTION_CONFIDENCE = 0.05;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,31}$/u;

/** Validates a tag list: at most 20 tags of 1–32 letters, digits, space, "_", "." or "-". */
function tagList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 20) throw new RouterError('invalid', 'tags must be a list of at most 20 tags.');
  const tags = new Map<string, string>();
  for (const raw of value) {
    const tag = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
    if (!TAG.test(tag)) throw new RouterError('invalid', `"${String(raw).slice(0, 40)}" is not a tag: use 1 to 32 letters, digits, spaces, "_", "." or "-".`);
    if (!tags.has(tag.toLowerCase())) tags.set(tag.toLowerCase(), tag);
  }
  return [...tags.values()];
}

/**
 * Who is online: agents with at least one connected console socket, and the status each chose
 * (online or away). Only `online` agents count for `onlineAgentIds` (routing, "agents online").
 */
export class AgentPresence implements Presence {
  private readonly sockets = new Map<number, number>();
  private readonly statuses = new Map<number, AgentStatus>();
  /** Console tabs the agent has open. */
  connections(agentId: number): number {
    return this.sockets.get(agentId) ?? 0;
  }
  setStatus(agentId: number, status: AgentStatus): void {
    this.statuses.set(agentId, status);
  }
  /**
   * The status others see: the chosen one while a tab is open; with none open, away (or offline
   * once signed out). `persisted` fills in for agents not seen since the server started.
   */
  statusOf(agentId: number, persisted?: AgentStatus): AgentStatus {
    const status = this.statuses.get(agentId) ?? persisted;
    if (this.connections(agentId) === 0) return status === undefined || status === 'offline' ? 'offline' : 'away';
    return status ?? 'online';
  }
  add(agentId: number): void {
    this.sockets.set(agentId, (this.sockets.get(agentId) ?? 0) + 1);
  }
  remove(agentId: number): void {
    const n = (this.sockets.get(agentId) ?? 1) - 1;
    if (n <= 0) this.sockets.delete(agentId);
    else this.sockets.set(agentId, n);
  }
  onlineAgentIds(): number[] {
    return [...this.sockets.keys()].filter((id) => (this.statuses.get(id) ?? 'online') === 'online');
  }
}

export interface AgentsNamespaceDeps {
  io: Server;
  store: Store;
  router: ConversationRouter;
  sessions: Sessions;
  presence: AgentPresence;
  bus: Bus;
  log: Logger;
  /** Sends the agent's typing to the customer's channel. */
  typingToCustomer(conversationId: number, typing: boolean): void;
  /** For `kb:suggest`: answers from the knowledge base for the customer's last message. */
  kb?: KnowledgeBase;
}

export function attachAgentsNamespace(deps: AgentsNamespaceDeps): Namespace {
  const { io, store, router, sessions, presence, bus, log } = deps;
  const nsp = io.of(AGENTS_NAMESPACE);

  nsp.use((socket, next) => {
    const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE) ?? (socket.handshake.auth as { token?: unknown })?.token;
    sessions
      .agentFor(typeof token === 'string' ? token : null)
      .then((agent) => {
        if (!agent) return next(new Error('unauthorized'));
        socket.data.agent = agent;
        socket.data.token = token;
        next();
      })
      .catch((err: unknown) => {
        log.error({ err }, 'agent session check failed');
        next(new Error('unauthorized'));
      });
  });

  const id = (payload: Record<string, unknown>, key = 'conversationId'): number => {
    const value = payload[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new RouterError('invalid', `${key} must be a whole number.`);
    return value;
  };
  const str = (payload: Record<string, unknown>, key: string): string => {
    const value = payload[key];
    if (typeof value !== 'string') throw new RouterError('invalid', `${key} must be a string.`);
    return value;
  };
  const optionalClientId = (payload: Record<string, unknown>): string | undefined => {
    const value = payload.clientId;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !/^[\w.:-]{1,64}$/.test(value)) throw new RouterError('invalid', 'clientId must be 1 to 64 letters, digits, ".", ":", "_" or "-".');
    return value;
  };

  // Presence changes of one agent run one after another, so a quick close-and-reopen settles right.
  const chains = new Map<number, Promise<void>>();
  const serial = (agentId: number, step: () => Promise<void>): Promise<void> => {
    const next = (chains.get(agentId) ?? Promise.resolve()).then(step).catch((err: unknown) => log.error({ err, agentId }, 'presence update failed'));
    chains.set(agentId, next);
    return next;
  };
  const emitPresence = (agentId: number) =>
    nsp.to(ROOM).emit('presence', { agentId, online: presence.connections(agentId) > 0, status: presence.statusOf(agentId) });

  const handlers: Record<string, Handler> = {
    'conversations:list': async (_agent, p) => {
      const statuses = Array.isArray(p.statuses) ? (p.statuses.filter((s) => STATUSES.includes(s as ConversationStatus)) as ConversationStatus[]) : ['queued', 'assigned', 'bot'] as ConversationStatus[];
      const list = await store.listConversations({ statuses, limit: 200 });
      return { conversations: await consoleConversationViews(store, list) };
    },
    'conversation:open': async (_agent, p) => {
      const conversation = await store.getConversation(id(p));
      if (!conversation) throw new RouterError('not_found', `Conversation ${String(p.conversationId)} does not exist.`);
      const messages = await store.listMessages(conversation.id, { includeInternal: true });
      const contact = await store.getContact(conversation.contactId);
      const identities = await store.listIdentities(conversation.contactId);
      return {
        conversation: await consoleConversationView(store, conversation),
        messages: messages.map(messageView),
        contact: contact && { ...contact, identities },
        events: await store.listEvents(conversation.id),
      };
    },
    'conversation:claim': async (agent, p) => ({ conversation: await consoleConversationView(store, await router.claim(agent, id(p))) }),
    'message:send': async (agent, p) => {
      // kbEntryId: the agent inserted that entry's answer; checked before sending so a bad value sends nothing.
      const kbEntryId = p.kbEntryId === undefined ? undefined : str(p, 'kbEntryId');
      if (kbEntryId !== undefined && !ID_PATTERN.test(kbEntryId)) throw new RouterError('invalid', 'kbEntryId must be a knowledge base entry id.');
      const message = await router.reply(agent, id(p), str(p, 'text'), optionalClientId(p));
      if (kbEntryId) await recordKbAnswerUsed({ store, log }, { agentId: agent.id, conversationId: message.conversationId, messageId: message.id, kbEntryId });
      return { message: messageView(message) };
    },
    'note:add': async (agent, p) => ({ message: messageView(await router.note(agent, id(p), str(p, 'text'), optionalClientId(p))) }),
    'conversation:resolve': async (agent, p) => ({ conversation: await consoleConversationView(store, await router.resolve(agent, id(p))) }),
    'conversation:reopen': async (agent, p) => ({ conversation: await consoleConversationView(store, await router.reopen(agent, id(p))) }),
    // ---- console ----
    'conversation:transfer': async (agent, p) => {
      const toAgentId = p.toAgentId === undefined || p.toAgentId === null ? undefined : id(p, 'toAgentId');
      const toTeamId = p.toTeamId === undefined || p.toTeamId === null ? undefined : id(p, 'toTeamId');
      const note = p.note === undefined || p.note === null ? undefined : str(p, 'note');
      return { conversation: await consoleConversationView(store, await router.transfer(agent, id(p), { agentId: toAgentId, teamId: toTeamId, note })) };
    },
    'conversation:snooze': async (agent, p) => {
      const until = p.until;
      if (until !== null && (typeof until !== 'number' || !Number.isFinite(until))) throw new RouterError('invalid', 'until must be a time in UTC milliseconds, or null to wake it.');
      return { conversation: await consoleConversationView(store, await router.snooze(agent, id(p), until)) };
    },
    'conversation:tags': async (agent, p) => {
      const conversationId = id(p);
      const tags = tagList(p.tags);
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new RouterError('not_found', `Conversation ${conversationId} does not exist.`);
      await store.setConversationTags(conversationId, tags, { conversationId, type: 'tagged', actor: `agent:${agent.id}`, data: { tags } }, Date.now());
      const updated = (await store.getConversation(conversationId)) ?? conversation;
      bus.emit('conversation', updated);
      return { conversation: await consoleConversationView(store, updated) };
    },
    'conversation:priority': async (agent, p) => {
      const conversationId = id(p);
      const priority = p.priority as Priority;
      if (!PRIORITIES.includes(priority)) throw new RouterError('invalid', `priority must be one of ${PRIORITIES.join(', ')}.`);
      const current = await store.getConversation(conversationId);
      if (!current) throw new RouterError('not_found', `Conversation ${conversationId} does not exist.`);
      const updated = await store.updateConversation(
        conversationId,
        { priority },
        { conversationId, type: 'priority_changed', actor: `agent:${agent.id}`, data: { from: current.priority, to: priority, by: 'agent', agentId: agent.id } },
      );
      bus.emit('conversation', updated!);
      return { conversation: await consoleConversationView(store, updated!) };
    },
    'kb:suggest': async (_agent, p) => {
      const conversationId = id(p);
      const conversation = await store.getConversation(conversationId);
      if (!conversation) throw new RouterError('not_found', `Conversation ${conversationId} does not exist.`);
      const kb = deps.kb;
      const messages = await store.listMessages(conversationId);
      // The customer's last real question: not a button press, not "call an agent".
      const last = messages.reverse().find((m) => m.direction === 'in' && m.text.trim() && !m.buttonId && !isHumanRequest(m.text));
      if (!kb || !last) return { messageId: last?.id ?? null, suggestions: [] };
      const result = kb.match(last.text);
      const language = (conversation.language === 'en' || conversation.language === 'ru' ? conversation.language : null) ?? result.language;
      const suggestions = result.ranked.filter((c) => c.confidence >= MIN_SUGGESTION_CONFIDENCE).slice(0, 3).flatMap((c) => {
        const entry = kb.get(c.entryId);
        return entry ? [{ entryId: entry.id, question: c.question, answer: kb.answerText(entry, language), confidence: c.confidence, topic: entry.topic ?? null }] : [];
      });
      return { messageId: last.id, suggestions };
    },
    'presence:set': async (agent, p) => {
      const status = p.status as AgentStatus;
      if (!AGENT_STATUSES.includes(status)) throw new RouterError('invalid', `status must be one of ${AGENT_STATUSES.join(', ')}.`);
      await serial(agent.id, async () => {
        await store.setAgentStatus(agent.id, status, false, Date.now());
        presence.setStatus(agent.id, status);
        emitPresence(agent.id);
      });
      return { status: presence.statusOf(agent.id) };
    },
    typing: async (agent, p) => {
      const conversationId = id(p);
      router.agentTyping(agent, conversationId, p.typing === true);
      deps.typingToCustomer(conversationId, p.typing === true);
      return {};
    },
  };

  nsp.on('connection', (socket: Socket) => {
    const agent = socket.data.agent as Agent;
    presence.add(agent.id);
    void socket.join(ROOM);
    void socket.join(`agent:${agent.id}`);
    // Opening a tab brings an agent back online, unless they chose "away" themselves.
    const arrived = serial(agent.id, async () => {
      const record = await store.getAgentStatus(agent.id);
      let status: AgentStatus = record?.status ?? 'offline';
      if (status === 'offline' || (status === 'away' && record?.auto)) {
        status = 'online';
        await store.setAgentStatus(agent.id, status, false, Date.now());
      }
      presence.setStatus(agent.id, status);
      emitPresence(agent.id);
    });
    void arrived.then(() => {
      if (socket.connected) socket.emit('ready', { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, status: presence.statusOf(agent.id) });
    });
    socket.on('disconnect', () => {
      presence.remove(agent.id);
      // The last console tab closed: the agent is away (not offline: they did not sign out).
      void serial(agent.id, async () => {
        if (presence.connections(agent.id) > 0) return;
        if ((await store.getAgentStatus(agent.id))?.status === 'online') {
          await store.setAgentStatus(agent.id, 'away', true, Date.now());
          presence.setStatus(agent.id, 'away');
        }
        emitPresence(agent.id);
      });
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack: Ack | null = typeof last === 'function' ? (last as Ack) : null;
      const handler = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
      if (!handler) {
        const error = { code: 'unknown_event', message: `Unknown event "${String(event).slice(0, 40)}".` };
        if (ack) ack({ ok: false, error });
        else socket.emit('protocol_error', error);
        return;
      }
      const payload = args[0];
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        ack?.({ ok: false, error: { code: 'invalid', message: 'The payload must be an object.' } });
        return;
      }
      // Re-check the session on every action, so a sign-out or deactivation stops the socket at once.
      sessions
        .agentFor(socket.data.token as string | undefined)
        .then((fresh) => {
          if (!fresh?.active) {
            // After the refusal is acknowledged, so the client learns why.
            setImmediate(() => socket.disconnect(true));
            throw new RouterError('forbidden', 'This session has ended or the account is deactivated; sign in again.');
          }
          return handler(fresh, payload as Record<string, unknown>);
        })
        .then((result) => ack?.({ ok: true, ...(result as object) }))
        .catch((err: unknown) => {
          if (err instanceof RouterError) return ack?.({ ok: false, error: { code: err.code, message: err.message } });
          log.error({ err, event }, 'agent action failed');
          ack?.({ ok: false, error: { code: 'internal', message: 'Something went wrong; try again.' } });
        });
    });
  });

  bus.on('conversation', (c) => {
    void consoleConversationView(store, c)
      .then((view) => nsp.to(ROOM).emit('conversation:updated', view))
      .catch((err: unknown) => log.error({ err, conversationId: c.id }, 'conversation update not pushed'));
  });
  bus.on('message', (_c, m) => nsp.to(ROOM).emit('message:new', messageView(m)));
  bus.on('typing', (e) => {
    if (e.who === 'contact') nsp.to(ROOM).emit('typing', e);
  });
  bus.on('deliveryFailed', (e) => nsp.to(ROOM).emit('delivery:failed', e));
  return nsp;
}

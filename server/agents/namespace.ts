/**
 * The agents' socket.io namespace `/agents`: authenticated by the session cookie (or
 * `auth.token`), it carries the live queue and every agent action. Protocol: docs/protocol.md.
 * @module
 */
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Bus } from '../bus.js';
import { RouterError, type ConversationRouter, type Presence } from '../router/router.js';
import type { Agent, ConversationStatus, Store } from '../store/types.js';
import { readCookie, SESSION_COOKIE, type Sessions } from './sessions.js';
import { conversationView, messageView } from './views.js';

export const AGENTS_NAMESPACE = '/agents';
const ROOM = 'agents';

type Ack = (response: unknown) => void;
type Handler = (agent: Agent, payload: Record<string, unknown>) => Promise<unknown>;

const STATUSES: ConversationStatus[] = ['bot', 'queued', 'assigned', 'resolved', 'closed'];

/** Who is online: agents with at least one connected console socket. */
export class AgentPresence implements Presence {
  private readonly sockets = new Map<number, number>();
  add(agentId: number): void {
    this.sockets.set(agentId, (this.sockets.get(agentId) ?? 0) + 1);
  }
  remove(agentId: number): void {
    const n = (this.sockets.get(agentId) ?? 1) - 1;
    if (n <= 0) this.sockets.delete(agentId);
    else this.sockets.set(agentId, n);
  }
  onlineAgentIds(): number[] {
    return [...this.sockets.keys()];
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

  const handlers: Record<string, Handler> = {
    'conversations:list': async (_agent, p) => {
      const statuses = Array.isArray(p.statuses) ? (p.statuses.filter((s) => STATUSES.includes(s as ConversationStatus)) as ConversationStatus[]) : ['queued', 'assigned', 'bot'] as ConversationStatus[];
      const list = await store.listConversations({ statuses, limit: 200 });
      return { conversations: await Promise.all(list.map((c) => conversationView(store, c))) };
    },
    'conversation:open': async (_agent, p) => {
      const conversation = await store.getConversation(id(p));
      if (!conversation) throw new RouterError('not_found', `Conversation ${String(p.conversationId)} does not exist.`);
      const messages = await store.listMessages(conversation.id, { includeInternal: true });
      const contact = await store.getContact(conversation.contactId);
      const identities = await store.listIdentities(conversation.contactId);
      return {
        conversation: await conversationView(store, conversation),
        messages: messages.map(messageView),
        contact: contact && { ...contact, identities },
      };
    },
    'conversation:claim': async (agent, p) => ({ conversation: await conversationView(store, await router.claim(agent, id(p))) }),
    'message:send': async (agent, p) => ({ message: messageView(await router.reply(agent, id(p), str(p, 'text'), optionalClientId(p))) }),
    'note:add': async (agent, p) => ({ message: messageView(await router.note(agent, id(p), str(p, 'text'), optionalClientId(p))) }),
    'conversation:resolve': async (agent, p) => ({ conversation: await conversationView(store, await router.resolve(agent, id(p))) }),
    'conversation:reopen': async (agent, p) => ({ conversation: await conversationView(store, await router.reopen(agent, id(p))) }),
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
    socket.emit('ready', { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role } });
    nsp.to(ROOM).emit('presence', { agentId: agent.id, online: true });
    socket.on('disconnect', () => {
      presence.remove(agent.id);
      if (!presence.onlineAgentIds().includes(agent.id)) nsp.to(ROOM).emit('presence', { agentId: agent.id, online: false });
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
      // Re-read the agent so a deactivated account stops working at once.
      store
        .getAgent(agent.id)
        .then((fresh) => {
          if (!fresh?.active) {
            socket.disconnect(true);
            throw new RouterError('forbidden', 'This account is deactivated.');
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
    void conversationView(store, c).then((view) => nsp.to(ROOM).emit('conversation:updated', view));
  });
  bus.on('message', (_c, m) => nsp.to(ROOM).emit('message:new', messageView(m)));
  bus.on('typing', (e) => {
    if (e.who === 'contact') nsp.to(ROOM).emit('typing', e);
  });
  bus.on('deliveryFailed', (e) => nsp.to(ROOM).emit('delivery:failed', e));
  return nsp;
}

/**
 * The webchat channel: the server side of the website widget, a socket.io namespace `/webchat`.
 * Protocol: docs/protocol.md. A visitor only ever reaches the room of their own visitor id.
 * @module
 */
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import type {
  Channel,
  ChannelHost,
  ConversationRef,
  ConversationSnapshot,
  DeliveryResult,
  HistoryMessage,
  Outbound,
} from '../../server/channels/contract.js';
import { issueVisitorToken, tokenFor, verifyIdentity, verifyVisitorToken } from './tokens.js';

export const WEBCHAT_NAMESPACE = '/webchat';

export interface WebchatOptions {
  io: Server;
  /** Signs visitor tokens. */
  secret: string;
  maxMessageLength: number;
  /** Origins allowed to open the socket; ['*'] allows any. */
  allowedOrigins: string[];
  identitySecret?: string;
  log: Logger;
  /** Messages a visitor may send per 10 s before being told to slow down. */
  rateLimit?: number;
  ackTimeoutMs?: number;
}

type Ack = (response: unknown) => void;

interface VisitorData {
  visitorId: string;
  sent: number[];
}

const CLIENT_ID = /^[\w.:-]{1,64}$/;

function fail(ack: unknown, code: string, message: string): void {
  if (typeof ack === 'function') (ack as Ack)({ ok: false, error: { code, message } });
}

/** The wire form of a message, as the widget renders it (text only, never HTML). */
export function toWire(m: HistoryMessage): Record<string, unknown> {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    text: m.text,
    quickReplies: m.quickReplies ?? [],
    attachments: m.attachments ?? [],
    clientId: m.clientId ?? null,
    createdAt: m.createdAt,
  };
}

function snapshotToWire(s: ConversationSnapshot | null): Record<string, unknown> | null {
  if (!s) return null;
  return { id: s.conversationId, status: s.status, agentName: s.assignedAgentName ?? null, messages: s.messages.map(toWire) };
}

export class WebchatChannel implements Channel {
  readonly name = 'webchat';
  private nsp: Namespace | null = null;
  private host: ChannelHost | null = null;

  constructor(private readonly opts: WebchatOptions) {}

  async start(host: ChannelHost): Promise<void> {
    this.host = host;
    const nsp = this.opts.io.of(WEBCHAT_NAMESPACE);
    this.nsp = nsp;
    nsp.use((socket, next) => {
      const origin = socket.handshake.headers.origin;
      const allowed = this.opts.allowedOrigins;
      if (origin && !allowed.includes('*') && !allowed.includes(origin)) {
        this.opts.log.warn({ origin }, 'webchat connection refused: origin not in WIDGET_ALLOWED_ORIGINS');
        return next(new Error('origin_not_allowed'));
      }
      const auth = (socket.handshake.auth ?? {}) as { token?: unknown; identity?: unknown };
      let visitorId = verifyVisitorToken(this.opts.secret, auth.token);
      const identity = verifyIdentity(this.opts.identitySecret, auth.identity);
      if (identity?.ok) visitorId = `u_${identity.userId}`;
      else if (identity && !identity.ok) this.opts.log.warn({ reason: identity.reason }, 'webchat identity refused; the visitor stays anonymous');
      if (!visitorId) visitorId = issueVisitorToken(this.opts.secret).visitorId;
      (socket.data as VisitorData) = { visitorId, sent: [] };
      next();
    });
    nsp.on('connection', (socket) => void this.onConnection(socket));
  }

  async stop(): Promise<void> {
    if (this.nsp) {
      this.nsp.disconnectSockets(true);
      this.nsp.removeAllListeners('connection');
    }
  }

  private async onConnection(socket: Socket): Promise<void> {
    const host = this.host!;
    const data = socket.data as VisitorData;
    const visitorId = data.visitorId;
    await socket.join(room(visitorId));

    socket.on('message', (payload: unknown, ack: unknown) => void this.onMessage(socket, payload, ack, false));
    socket.on('button', (payload: unknown, ack: unknown) => void this.onMessage(socket, payload, ack, true));
    socket.on('history', async (_payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      (ack as Ack)({ ok: true, conversation: snapshotToWire(await host.history(this.name, visitorId)) });
    });
    socket.on('typing', (payload: unknown) => {
      const typing = typeof payload === 'object' && payload !== null && (payload as { typing?: unknown }).typing === true;
      host.customerTyping(this.name, visitorId, typing);
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      if (['message', 'button', 'history', 'typing'].includes(event)) return;
      const ack = args[args.length - 1];
      const message = `Unknown event "${String(event).slice(0, 40)}". Known: message, button, history, typing.`;
      if (typeof ack === 'function') fail(ack, 'unknown_event', message);
      else socket.emit('protocol_error', { code: 'unknown_event', message });
    });

    try {
      const snapshot = await host.history(this.name, visitorId);
      socket.emit('ready', { token: tokenFor(this.opts.secret, visitorId), visitorId, conversation: snapshotToWire(snapshot) });
    } catch (err) {
      this.opts.log.error({ err }, 'webchat history failed');
      socket.emit('ready', { token: tokenFor(this.opts.secret, visitorId), visitorId, conversation: null });
    }
    host.reachable(this.name, visitorId);
  }

  private async onMessage(socket: Socket, payload: unknown, ack: unknown, isButton: boolean): Promise<void> {
    const data = socket.data as VisitorData;
    if (typeof payload !== 'object' || payload === null) {
      return fail(ack, 'invalid_payload', 'Send an object: { clientId: string, text: string }.');
    }
    const p = payload as { clientId?: unknown; text?: unknown; buttonId?: unknown; label?: unknown };
    if (typeof p.clientId !== 'string' || !CLIENT_ID.test(p.clientId)) {
      return fail(ack, 'invalid_client_id', 'clientId must be a string of 1 to 64 letters, digits, ".", ":", "_" or "-".');
    }
    let text: string;
    let buttonId: string | undefined;
    if (isButton) {
      if (typeof p.buttonId !== 'string' || !p.buttonId || p.buttonId.length > 100) {
        return fail(ack, 'invalid_payload', 'buttonId must be the id of a quick reply the server sent.');
      }
      buttonId = p.buttonId;
      text = typeof p.label === 'string' ? p.label.slice(0, 200) : p.buttonId;
    } else {
      if (typeof p.text !== 'string') return fail(ack, 'invalid_payload', 'text must be a string.');
      if (!p.text.trim()) return fail(ack, 'empty_message', 'The message is empty.');
      if (p.text.length > this.opts.maxMessageLength) {
        return fail(ack, 'too_long', `A message may be at most ${this.opts.maxMessageLength} characters long.`);
      }
      text = p.text;
    }
    const now = Date.now();
    data.sent = data.sent.filter((t) => now - t < 10_000);
    if (data.sent.length >= (this.opts.rateLimit ?? 20)) {
      return fail(ack, 'rate_limited', 'Too many messages; wait a few seconds and send again.');
    }
    data.sent.push(now);
    try {
      const result = await this.host!.receive({
        channel: this.name,
        externalChatId: data.visitorId,
        externalUserId: data.visitorId,
        // Scoped by visitor, so one visitor's client ids can never collide with another's.
        externalMessageId: `${data.visitorId}:${p.clientId}`,
        clientId: p.clientId,
        text,
        buttonId,
        sentAt: now,
      });
      if (typeof ack === 'function') (ack as Ack)({ ok: true, id: result.messageId, conversationId: result.conversationId, duplicate: result.duplicate });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'too_long') return fail(ack, 'too_long', (err as Error).message);
      this.opts.log.error({ err }, 'webchat message not stored');
      fail(ack, 'internal', 'The message could not be stored; send it again.');
    }
  }

  async send(ref: ConversationRef, outbound: Outbound): Promise<DeliveryResult> {
    if (!this.nsp) return { status: 'retry', reason: 'webchat not started' };
    const target = this.nsp.to(room(ref.externalUserId));
    const sockets = await this.nsp.in(room(ref.externalUserId)).fetchSockets();
    if (sockets.length === 0) return { status: 'retry', reason: 'visitor not connected', recipientOffline: true };
    try {
      const acks = await target.timeout(this.opts.ackTimeoutMs ?? 5000).emitWithAck(
        'message',
        toWire({
          id: outbound.messageId,
          direction: 'out',
          author: outbound.author,
          text: outbound.text,
          quickReplies: outbound.quickReplies,
          createdAt: outbound.createdAt,
        }),
      );
      return acks.length > 0 ? { status: 'ok' } : { status: 'retry', reason: 'visitor not connected', recipientOffline: true };
    } catch {
      // No tab acknowledged in time (a dying connection): try again; the widget drops duplicates by id.
      return { status: 'retry', reason: 'no acknowledgement from the visitor' };
    }
  }

  async typing(ref: ConversationRef, typing: boolean): Promise<void> {
    this.nsp?.to(room(ref.externalUserId)).emit('typing', { typing, who: 'agent' });
  }
}

const room = (visitorId: string) => `visitor:${visitorId}`;


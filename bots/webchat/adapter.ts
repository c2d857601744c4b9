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
  ConversationChange,
  ConversationRef,
  DeliveryResult,
  Outbound,
} from '../../server/channels/contract.js';
import { webchatHandshake, type VisitorData } from './handshake.js';
import type { PrechatMode, ReadyPayload, StatusPayload, WireError } from './protocol.js';
import { VisitorLimiter } from './rate-limit.js';
import { tokenFor } from './tokens.js';
import { CLIENT_ID, checkContactDetails } from './validate.js';
import { snapshotToWire, toWire } from './wire.js';

export const WEBCHAT_NAMESPACE = '/webchat';
/** Settings key that switches the pre-chat form at run time (off, optional, required). */
export const PRECHAT_SETTING = 'widget.prechat_form';

export interface WebchatOptions {
  io: Server;
  /** Signs visitor tokens. */
  secret: string;
  maxMessageLength: number;
  /** Origins allowed to open the socket; ['*'] allows any. The server's own pages always may. */
  allowedOrigins: string[];
  identitySecret?: string;
  log: Logger;
  /** Messages a visitor may send per 10 s before being told to slow down (all their connections together). */
  rateLimit?: number;
  /** The rate limit's window; 10 s (tests shorten it). */
  rateWindowMs?: number;
  ackTimeoutMs?: number;
  /** Shown with the offline notice when nobody is online. */
  workingHours?: string;
  /** The pre-chat form's default; the `widget.prechat_form` setting overrides it. */
  prechatForm?: PrechatMode;
  settings?: { get(key: string): Promise<string | null> };
}

type Ack = (response: unknown) => void;

const KNOWN_EVENTS = ['message', 'button', 'history', 'typing', 'contact'];
/** Contact-detail writes a visitor may make per minute. */
const CONTACT_WRITES_PER_MINUTE = 5;

function fail(ack: unknown, code: string, message: string): void {
  if (typeof ack === 'function') (ack as Ack)({ ok: false, error: { code, message } satisfies WireError });
}

export { toWire } from './wire.js';

export class WebchatChannel implements Channel {
  readonly name = 'webchat';
  private nsp: Namespace | null = null;
  private host: ChannelHost | null = null;
  /** Per visitor id, not per socket: a reconnect or another tab does not reset the count. */
  private readonly sent: VisitorLimiter;
  private readonly contactWrites = new VisitorLimiter(CONTACT_WRITES_PER_MINUTE, 60_000);

  constructor(private readonly opts: WebchatOptions) {
    this.sent = new VisitorLimiter(opts.rateLimit ?? 20, opts.rateWindowMs ?? 10_000);
  }

  async start(host: ChannelHost): Promise<void> {
    this.host = host;
    const nsp = this.opts.io.of(WEBCHAT_NAMESPACE);
    this.nsp = nsp;
    nsp.use(webchatHandshake(this.opts));
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
    socket.on('contact', (payload: unknown, ack: unknown) => void this.onContact(socket, payload, ack));
    socket.on('history', async (_payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      try {
        (ack as Ack)({ ok: true, conversation: snapshotToWire(await host.history(this.name, visitorId)) });
      } catch (err) {
        this.opts.log.error({ err }, 'webchat history failed');
        fail(ack, 'internal', 'The history could not be read; ask again.');
      }
    });
    socket.on('typing', (payload: unknown) => {
      const typing = typeof payload === 'object' && payload !== null && (payload as { typing?: unknown }).typing === true;
      // A repeat of the same signal within 500 ms is dropped (each one is a lookup); a change never is.
      const now = Date.now();
      if (typing === data.lastTyping && now - data.lastTypingAt < 500) return;
      data.lastTyping = typing;
      data.lastTypingAt = now;
      host.customerTyping(this.name, visitorId, typing);
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      if (KNOWN_EVENTS.includes(event)) return;
      const ack = args[args.length - 1];
      const message = `Unknown event "${String(event).slice(0, 40)}". Known: ${KNOWN_EVENTS.join(', ')}.`;
      if (typeof ack === 'function') fail(ack, 'unknown_event', message);
      else socket.emit('protocol_error', { code: 'unknown_event', message });
    });

    if (data.identityDetails && host.saveContact) {
      await host.saveContact(this.name, visitorId, data.identityDetails).catch((err: unknown) => {
        this.opts.log.error({ err }, 'webchat identity details not saved');
      });
    }
    const ready: ReadyPayload = {
      token: tokenFor(this.opts.secret, visitorId),
      visitorId,
      identified: data.identified,
      conversation: null,
      agentsOnline: host.agentsOnline?.() ?? true,
      workingHours: (await host.workingHours?.(data.language).catch(() => undefined)) || (this.opts.workingHours ?? ''),
      prechat: await this.prechatMode(),
      maxMessageLength: this.opts.maxMessageLength,
      greeting: host.greeting(data.language),
    };
    try {
      ready.conversation = snapshotToWire(await host.history(this.name, visitorId));
    } catch (err) {
      this.opts.log.error({ err }, 'webchat history failed');
    }
    socket.emit('ready', ready);
    host.reachable(this.name, visitorId);
  }

  private async prechatMode(): Promise<PrechatMode> {
    const fallback = this.opts.prechatForm ?? 'off';
    const value = await this.opts.settings?.get(PRECHAT_SETTING).catch(() => null);
    return value === 'off' || value === 'optional' || value === 'required' ? value : fallback;
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
      text = typeof p.label === 'string' && p.label.trim() ? p.label.slice(0, 200) : p.buttonId;
    } else {
      if (typeof p.text !== 'string') return fail(ack, 'invalid_payload', 'text must be a string.');
      if (!p.text.trim()) return fail(ack, 'empty_message', 'The message is empty.');
      if (p.text.length > this.opts.maxMessageLength) {
        return fail(ack, 'too_long', `A message may be at most ${this.opts.maxMessageLength} characters long.`);
      }
      text = p.text;
    }
    const now = Date.now();
    if (!this.sent.take(data.visitorId, now)) {
      return fail(ack, 'rate_limited', 'Too many messages; wait a few seconds and send again.');
    }
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
        profile: data.language ? { language: data.language } : undefined,
        sentAt: now,
      });
      if (typeof ack === 'function') (ack as Ack)({ ok: true, id: result.messageId, conversationId: result.conversationId, duplicate: result.duplicate });
      if (!result.duplicate) {
        // The visitor's other tabs (and devices) show it too: one conversation wherever they look.
        // With an ack, like every `message`: clients acknowledge it, and a broadcast without one
        // would carry socket.io's recovery offset as a second argument where they expect the ack.
        // Not retried: a tab that misses it gets it with the history of its next `ready`.
        const own = toWire({ id: result.messageId, direction: 'in', author: { type: 'contact' }, text, clientId: p.clientId, createdAt: now }, result.conversationId);
        socket.to(room(data.visitorId)).timeout(this.opts.ackTimeoutMs ?? 5000).emit('message', own, () => undefined);
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'too_long') return fail(ack, 'too_long', (err as Error).message);
      this.opts.log.error({ err }, 'webchat message not stored');
      fail(ack, 'internal', 'The message could not be stored; send it again.');
    }
  }

  /** The pre-chat form or the email left with the offline notice. */
  private async onContact(socket: Socket, payload: unknown, ack: unknown): Promise<void> {
    const data = socket.data as VisitorData;
    const checked = checkContactDetails(payload);
    if (!checked.ok) return fail(ack, checked.error.code, checked.error.message);
    if (!this.contactWrites.take(data.visitorId)) {
      return fail(ack, 'rate_limited', 'Too many changes; wait a minute and try again.');
    }
    if (!this.host?.saveContact) return fail(ack, 'internal', 'This server does not keep contact details.');
    try {
      await this.host.saveContact(this.name, data.visitorId, checked.value);
      if (typeof ack === 'function') (ack as Ack)({ ok: true });
    } catch (err) {
      this.opts.log.error({ err }, 'webchat contact details not saved');
      fail(ack, 'internal', 'The details could not be saved; send them again.');
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
        toWire(
          {
            id: outbound.messageId,
            direction: 'out',
            author: outbound.author,
            text: outbound.text,
            quickReplies: outbound.quickReplies,
            createdAt: outbound.createdAt,
          },
          ref.conversationId,
        ),
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

  async conversationChanged(ref: ConversationRef, change: ConversationChange): Promise<void> {
    const status: StatusPayload = {
      conversationId: ref.conversationId,
      status: change.status,
      agentName: change.agentName ?? null,
      agentsOnline: change.agentsOnline,
    };
    this.nsp?.to(room(ref.externalUserId)).emit('status', status);
  }
}

const room = (visitorId: string) => `visitor:${visitorId}`;

/**
 * The widget's socket: loads socket.io-client on first use, connects to `/webchat`, reconnects
 * with back-off, and treats the browser's offline/online events as the truth (a phone that lost
 * its network should not wait for a ping timeout to show "no connection").
 * @module
 */
import type { Socket } from 'socket.io-client';
import type { HandshakeAuth, ReadyPayload, StatusPayload, TypingPayload, WireError, WireMessage } from './protocol.js';
import { loadSocketIo } from './socket-loader.js';

/** idle: not started; loading: fetching the socket client; connecting: waiting for `ready`. */
export type ConnectionState = 'idle' | 'loading' | 'connecting' | 'online' | 'offline' | 'refused';

export interface ConnectionHandlers {
  state(state: ConnectionState): void;
  ready(payload: ReadyPayload): void;
  message(message: WireMessage): void;
  status(status: StatusPayload): void;
  typing(typing: TypingPayload): void;
}

type Failure = { ok: false; error: WireError };

export class Connection {
  state: ConnectionState = 'idle';
  private socket: Socket | null = null;
  private starting = false;
  private isReady = false;
  private loadRetry: ReturnType<typeof setTimeout> | null = null;
  private loadDelay = 1000;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Server-side disconnects in a row, for the back-off. */
  private serverDrops = 0;

  constructor(
    private readonly server: string,
    private readonly auth: () => HandshakeAuth,
    private readonly on: ConnectionHandlers,
  ) {}

  /** Connected and greeted by the server: requests can go out. */
  get ready(): boolean {
    return this.isReady && this.socket?.connected === true;
  }

  get started(): boolean {
    return this.socket !== null || this.starting;
  }

  /** Loads the client and connects; calling it again does nothing. */
  async start(): Promise<void> {
    if (this.socket || this.starting) return;
    this.starting = true;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.setState('loading');
    let io;
    try {
      io = await loadSocketIo(this.server);
    } catch {
      // Offline at the first open, say: try again when the network is back, or a bit later.
      this.starting = false;
      this.setState('offline');
      this.loadRetry = setTimeout(() => void this.start(), this.loadDelay);
      this.loadDelay = Math.min(this.loadDelay * 2, 30_000);
      return;
    }
    const socket = io(`${this.server}/webchat`, {
      auth: (cb: (data: object) => void) => cb(this.auth()),
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
      timeout: 10_000,
      autoConnect: false,
    });
    this.socket = socket;
    this.starting = false;
    socket.on('connect', () => this.setState('connecting'));
    socket.on('ready', (payload: ReadyPayload) => {
      this.isReady = true;
      this.setState('online');
      this.on.ready(payload);
    });
    socket.on('connect', () => (this.serverDrops = 0));
    socket.on('disconnect', (reason: string) => {
      this.isReady = false;
      this.setState(navigator.onLine === false ? 'offline' : 'connecting');
      // socket.io does not come back by itself after the server ended the session (a restart
      // closing every socket): try again with back-off, as it does for network drops.
      if (reason === 'io server disconnect') this.reconnectLater();
    });
    socket.on('connect_error', (err: Error) => {
      this.isReady = false;
      if (err.message === 'origin_not_allowed') {
        // Final (socket.io does not retry a refusal): the visitor is told the chat is unavailable here.
        console.error(`chatbridge widget: ${location.origin} is not in the server's WIDGET_ALLOWED_ORIGINS`);
        this.setState('refused');
      } else {
        // socket.io keeps retrying with back-off; meanwhile the visitor sees "no connection".
        this.setState('offline');
      }
    });
    socket.on('message', (message: WireMessage, ack?: unknown) => {
      // Acknowledge first: the message is in memory now; a duplicate later is dropped by id. (A
      // push without an ack may carry socket.io's recovery offset, a string, in its place.)
      if (typeof ack === 'function') ack({ ok: true });
      this.on.message(message);
    });
    socket.on('status', (status: StatusPayload) => this.on.status(status));
    socket.on('typing', (typing: TypingPayload) => this.on.typing(typing));
    if (navigator.onLine === false) this.setState('offline');
    else socket.connect();
  }

  /** Emits with an acknowledgement; never throws (offline and timeouts come back as errors). */
  async request<T extends { ok: boolean }>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T | Failure> {
    // Only when connected: a disconnected socket.io client would buffer the packet and send it
    // again on its own, next to our own resend.
    if (!this.ready) return { ok: false, error: { code: 'offline', message: 'not connected' } };
    try {
      return (await this.socket!.timeout(timeoutMs).emitWithAck(event, payload)) as T;
    } catch {
      return { ok: false, error: { code: 'timeout', message: 'no answer from the server' } };
    }
  }

  /** Fire and forget (typing): dropped when not connected. */
  signal(event: string, payload: unknown): void {
    if (this.ready) this.socket!.emit(event, payload);
  }

  /** Reconnects with fresh `auth` (a new identity). */
  reconnect(): void {
    if (!this.socket) return;
    this.isReady = false;
    this.socket.disconnect();
    if (navigator.onLine !== false) this.socket.connect();
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    if (this.loadRetry) clearTimeout(this.loadRetry);
    clearTimeout(this.reconnectTimer);
    this.socket?.disconnect();
    this.socket?.removeAllListeners();
    this.socket = null;
    this.isReady = false;
    this.setState('idle');
  }

  private reconnectLater(): void {
    clearTimeout(this.reconnectTimer);
    const delay = Math.min(1000 * 2 ** this.serverDrops++, 30_000) * (0.5 + Math.random());
    this.reconnectTimer = setTimeout(() => {
      if (this.socket && !this.socket.connected && navigator.onLine !== false) this.socket.connect();
    }, delay);
  }

  private readonly onOffline = (): void => {
    // Stop socket.io from reconnecting into a dead network; `online` starts it again.
    this.isReady = false;
    this.socket?.disconnect();
    this.setState('offline');
  };

  private readonly onOnline = (): void => {
    // Refused for this site's origin: the network coming back changes nothing.
    if (this.state === 'refused') return;
    if (!this.socket) {
      if (this.loadRetry) clearTimeout(this.loadRetry);
      this.loadDelay = 1000;
      void this.start();
      return;
    }
    if (!this.socket.connected) {
      this.setState('connecting');
      this.socket.connect();
    }
  };

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.on.state(state);
  }
}

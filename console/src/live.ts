/**
 * The live connection: the `/agents` socket.io namespace. Actions are acknowledged calls; pushes
 * arrive as events. socket.io reconnects by itself after a drop; every `ready` (first connect and
 * each reconnect) makes the app catch up on what it missed.
 */
import { io, type Socket } from 'socket.io-client';

export type LinkState = 'connecting' | 'online' | 'reconnecting' | 'signed-out';

export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LiveError';
  }
}

export class Live {
  private socket: Socket | null = null;
  private readonly stateListeners = new Set<(state: LinkState) => void>();
  private readonly handlers: [string, (payload: any) => void][] = [];
  state: LinkState = 'connecting';

  /** Opens the socket; `onReady` runs on every (re)connection once the server has said hello. */
  connect(onReady: (hello: { agent: { id: number }; status?: string }) => void): void {
    this.socket?.disconnect();
    const socket = io('/agents', { withCredentials: true, reconnectionDelayMax: 5000 });
    this.socket = socket;
    // connectionStateRecovery appends an offset argument to replayed packets; only the first one is ours.
    for (const [event, handler] of this.handlers) socket.on(event, (payload: unknown) => handler(payload));
    socket.on('ready', (hello) => {
      this.setState('online');
      onReady(hello);
    });
    socket.on('disconnect', (reason) => {
      // A server-side disconnect (signed out elsewhere, deactivated) is not retried by socket.io.
      this.setState(reason === 'io server disconnect' ? 'signed-out' : 'reconnecting');
    });
    socket.on('connect_error', (err) => {
      this.setState(err.message === 'unauthorized' ? 'signed-out' : 'reconnecting');
      if (err.message === 'unauthorized') socket.disconnect();
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Listens to a server push (on this and every later socket). */
  on<T = any>(event: string, handler: (payload: T) => void): void {
    this.handlers.push([event, handler]);
    this.socket?.on(event, (payload: T) => handler(payload));
  }

  onState(listener: (state: LinkState) => void): void {
    this.stateListeners.add(listener);
  }

  /** An acknowledged action; throws `LiveError` with the server's message when refused. */
  async call<T = any>(event: string, payload: Record<string, unknown>): Promise<T> {
    if (!this.socket) throw new LiveError('offline', 'Not connected.');
    let res: { ok: boolean; error?: { code: string; message: string } };
    try {
      res = await this.socket.timeout(10_000).emitWithAck(event, payload);
    } catch {
      throw new LiveError('timeout', 'The server did not answer in time. Check the connection and try again.');
    }
    if (!res.ok) throw new LiveError(res.error?.code ?? 'error', res.error?.message ?? 'The server refused.');
    return res as T;
  }

  /** Fire-and-forget (typing). */
  send(event: string, payload: Record<string, unknown>): void {
    if (this.socket?.connected) this.socket.emit(event, payload, () => {});
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }
}

/**
 * socket.io clients that speak the documented protocols: a website visitor and an agent.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { ADMIN_EMAIL, ADMIN_PASSWORD, waitFor } from './server.js';

export interface WireMessage {
  id: number;
  direction: 'in' | 'out';
  author: { type: string; name?: string };
  text: string;
  quickReplies: { id: string; label: string }[];
  clientId: string | null;
  createdAt: number;
}

export interface Visitor {
  socket: Socket;
  token: string;
  visitorId: string;
  /** Every message the server pushed or returned in history, by id (no duplicates). */
  received: Map<number, WireMessage>;
  /** How many times each message id was pushed live (to prove exactly-once delivery). */
  pushes: Map<number, number>;
  history: WireMessage[];
  send(text: string, clientId?: string): Promise<{ ok: boolean; id?: number; conversationId?: number; duplicate?: boolean; error?: { code: string; message: string } }>;
  press(buttonId: string): Promise<{ ok: boolean; id?: number }>;
  /** Waits for a bot/agent message that satisfies `match`. */
  waitForMessage(match: (m: WireMessage) => boolean, what: string): Promise<WireMessage>;
  close(): void;
}

export async function connectVisitor(url: string, token?: string, extra: Record<string, unknown> = {}): Promise<Visitor> {
  const socket = io(`${url}/webchat`, { auth: { token, ...extra }, transports: ['websocket'], reconnection: false, forceNew: true });
  const received = new Map<number, WireMessage>();
  const pushes = new Map<number, number>();
  socket.on('message', (m: WireMessage, ack?: (r: unknown) => void) => {
    received.set(m.id, m);
    pushes.set(m.id, (pushes.get(m.id) ?? 0) + 1);
    ack?.({ ok: true });
  });
  const ready = await new Promise<{ token: string; visitorId: string; conversation: { messages: WireMessage[] } | null }>(
    (resolve, reject) => {
      socket.once('ready', resolve);
      socket.once('connect_error', reject);
    },
  );
  const history = ready.conversation?.messages ?? [];
  for (const m of history) received.set(m.id, m);
  return {
    socket,
    token: ready.token,
    visitorId: ready.visitorId,
    received,
    pushes,
    history,
    send: (text, clientId = randomUUID()) => socket.timeout(5000).emitWithAck('message', { clientId, text }),
    press: (buttonId) => socket.timeout(5000).emitWithAck('button', { clientId: randomUUID(), buttonId }),
    waitForMessage: (match, what) =>
      waitFor(() => [...received.values()].find((m) => m.direction === 'out' && match(m)), what),
    close: () => socket.disconnect(),
  };
}

export async function signIn(url: string, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

export interface AgentClient {
  socket: Socket;
  cookie: string;
  events: { event: string; payload: any }[];
  call(event: string, payload: Record<string, unknown>): Promise<any>;
  close(): void;
}

export async function connectAgent(url: string, cookie?: string): Promise<AgentClient> {
  const sessionCookie = cookie ?? (await signIn(url));
  const socket = io(`${url}/agents`, { extraHeaders: { cookie: sessionCookie }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: { event: string; payload: any }[] = [];
  socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    cookie: sessionCookie,
    events,
    call: (event, payload) => socket.timeout(5000).emitWithAck(event, payload),
    close: () => socket.disconnect(),
  };
}

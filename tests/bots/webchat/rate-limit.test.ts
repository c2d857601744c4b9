/**
 * WEBCHAT_RATE_LIMIT counts per visitor, not per connection: a reconnect or a second tab does not
 * reset it, and nothing the server accepted is lost along the way.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebchatChannel } from '../../../bots/webchat/index.js';
import type { ReadyPayload } from '../../../bots/webchat/protocol.js';
import { VisitorLimiter } from '../../../bots/webchat/rate-limit.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const LIMIT = 5;
const WINDOW_MS = 3000;

describe('the per-visitor rate limit', () => {
  let server: TestServer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { WEBCHAT_RATE_LIMIT: String(LIMIT) },
      // A shorter window than the real 10 s, so the test can also wait it out.
      channels: [(ctx) => createWebchatChannel(ctx, { rateWindowMs: WINDOW_MS })],
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.stop();
  });

  const connect = (token?: string) =>
    new Promise<{ socket: Socket; ready: ReadyPayload }>((resolve, reject) => {
      const socket = io(`${server.url}/webchat`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      socket.once('ready', (ready: ReadyPayload) => resolve({ socket, ready }));
      socket.once('connect_error', reject);
    });
  const send = (socket: Socket, i: number) => socket.timeout(5000).emitWithAck('message', { clientId: `flood-${i}`, text: `Сообщение ${i}` });
  const stored = async (visitorId: string) => {
    const conversation = await server.chatbridge.store.latestConversation('webchat', visitorId);
    return conversation ? (await server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in').map((m) => m.text) : [];
  };

  it('slows a visitor who floods, reconnects and floods again, or floods from a second tab; keeps all it accepted', async () => {
    const first = await connect();
    const visitorId = first.ready.visitorId;
    const started = Date.now();
    const codes: string[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const ack = await send(first.socket, i);
      codes.push(ack.ok ? 'ok' : ack.error.code);
    }
    expect(codes).toEqual([...Array(LIMIT).fill('ok'), 'rate_limited', 'rate_limited']);

    // A reconnect with the same token is the same visitor: still slowed down.
    first.socket.disconnect();
    const again = await connect(first.ready.token);
    expect(again.ready.visitorId).toBe(visitorId);
    expect(await send(again.socket, LIMIT)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // So is a second tab at the same time.
    const tab = await connect(first.ready.token);
    expect(await send(tab.socket, LIMIT + 1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // Another visitor is not.
    const other = await connect();
    expect((await send(other.socket, 100)).ok).toBe(true);
    // All of this happened inside one window, so the limit, not luck, held it back.
    expect(Date.now() - started).toBeLessThan(WINDOW_MS);

    // What was accepted is stored, once each, in order; what was refused is not.
    const accepted = Array.from({ length: LIMIT }, (_, i) => `Сообщение ${i}`);
    expect(await stored(visitorId)).toEqual(accepted);

    // The refused messages go through once the window slides past the flood, retried as the
    // widget does (same client ids); refused retries do not count, so they do not extend the wait.
    const untilAccepted = async (socket: Socket, i: number) => {
      for (;;) {
        const ack = await send(socket, i);
        if (ack.ok) return ack;
        expect(ack.error.code).toBe('rate_limited');
        expect(Date.now() - started).toBeLessThan(WINDOW_MS + 2000);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    expect(await untilAccepted(again.socket, LIMIT)).toMatchObject({ ok: true, duplicate: false });
    expect(await untilAccepted(tab.socket, LIMIT + 1)).toMatchObject({ ok: true, duplicate: false });
    // A resend of an accepted message (a lost ack) is the same message, not a new one.
    expect(await untilAccepted(tab.socket, 0)).toMatchObject({ ok: true, duplicate: true });
    expect(await stored(visitorId)).toEqual([...accepted, `Сообщение ${LIMIT}`, `Сообщение ${LIMIT + 1}`]);
  });
});

describe('VisitorLimiter', () => {
  it('allows `limit` events per window per key and does not count refusals', () => {
    const limiter = new VisitorLimiter(3, 1000);
    expect([0, 10, 20, 30, 40].map((t) => limiter.take('a', t))).toEqual([true, true, true, false, false]);
    expect(limiter.take('b', 50)).toBe(true);
    // The first event leaves the window at 1000; the refusals at 30 and 40 did not push it out.
    expect(limiter.take('a', 999)).toBe(false);
    expect(limiter.take('a', 1000)).toBe(true);
    expect(limiter.take('a', 1001)).toBe(false);
  });

  it('forgets visitors once they are a window old, so the map cannot grow without bound', () => {
    const limiter = new VisitorLimiter(2, 1000);
    for (let i = 0; i < 10_000; i++) limiter.take(`v${i}`, i / 10);
    expect(limiter.size).toBe(10_000);
    // Two windows later only the visitors active since are kept.
    limiter.take('late', 2500);
    expect(limiter.size).toBe(1);
    for (let round = 1; round <= 50; round++) for (let i = 0; i < 1000; i++) limiter.take(`r${round}-${i}`, 2500 + round * 1000 + i / 1000);
    expect(limiter.size).toBeLessThanOrEqual(2000);
  });
});

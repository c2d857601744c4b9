import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, signIn } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

describe('security', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const refused = (auth: Record<string, unknown>, headers: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const socket = io(`${server.url}/agents`, { auth, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.on('connect', () => {
        socket.disconnect();
        reject(new Error('an unauthenticated agent socket was accepted'));
      });
      socket.on('connect_error', (err) => {
        socket.disconnect();
        resolve(err.message);
      });
    });

  it('refuses agent sockets without a valid session', async () => {
    expect(await refused({})).toBe('unauthorized');
    expect(await refused({}, { cookie: 'cb_session=forged-token' })).toBe('unauthorized');
    expect(await refused({ token: 'x'.repeat(43) })).toBe('unauthorized');
  });

  it('refuses REST calls without a session and a wrong password', async () => {
    expect((await fetch(`${server.url}/api/conversations`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@test.local', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
    const cookie = await signIn(server.url);
    expect(cookie).toMatch(/^cb_session=/);
    const agent = await server.chatbridge.store.findAgentByEmail('admin@test.local');
    expect(agent?.passwordHash).toMatch(/^scrypt\$/);
    expect(agent?.passwordHash).not.toContain('correct-horse-battery');
  });

  it('closes the live connection of a session that signs out: no more conversations, messages or notes', async () => {
    const agent = await connectAgent(server.url);
    const other = await connectAgent(server.url); // another session of the same admin stays live
    const disconnected = new Promise<string>((resolve) => agent.socket.once('disconnect', (reason) => resolve(reason)));
    const logout = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { cookie: agent.cookie } });
    expect(logout.status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    expect(agent.events.find((e) => e.event === 'session:ended')?.payload).toMatchObject({ code: 'session_ended' });

    const seenBefore = agent.events.length;
    const visitor = await connectVisitor(server.url);
    await visitor.send('позовите оператора, нужен человек');
    await waitFor(() => other.events.some((e) => e.event === 'message:new' && e.payload.text === 'позовите оператора, нужен человек'), 'the message at the live session');
    expect(agent.events.slice(seenBefore).filter((e) => e.event !== 'session:ended')).toEqual([]);
    visitor.close();
    other.close();
  });

  it("never shows visitor A's conversation to visitor B", async () => {
    const a = await connectVisitor(server.url);
    await a.send('Секретный вопрос посетителя A о заказе 12345');
    const b = await connectVisitor(server.url);
    expect(b.visitorId).not.toBe(a.visitorId);
    expect(b.history).toEqual([]);
    // A token with A's visitor id but a forged signature gets a fresh, empty identity.
    const forged = await connectVisitor(server.url, `${a.visitorId}.forgedsignature`);
    expect(forged.visitorId).not.toBe(a.visitorId);
    expect(forged.history).toEqual([]);
    const history = await b.socket.timeout(2000).emitWithAck('history', {});
    expect(history).toEqual({ ok: true, conversation: null });
    for (const v of [a, b, forged]) v.close();
  });

  it('stores HTML as text and hands it to agents unchanged', async () => {
    const agent = await connectAgent(server.url);
    const visitor = await connectVisitor(server.url);
    const html = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const sent = await visitor.send(html);
    const stored = await server.chatbridge.store.getMessage(sent.id!);
    expect(stored?.text).toBe(html);
    const opened = await agent.call('conversation:open', { conversationId: sent.conversationId });
    expect(opened.messages[0].text).toBe(html);
    // The pages render message text with textContent only; none sets innerHTML.
    const { readFileSync, readdirSync } = await import('node:fs');
    const widgetFiles = readdirSync('widget/src').filter((f) => f.endsWith('.ts')).map((f) => `widget/src/${f}`);
    for (const file of [...widgetFiles, 'console/src/main.ts']) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML/);
    }
    visitor.close();
    agent.close();
  });
});

describe('bad input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_MESSAGE_LENGTH: '500' } });
  });
  afterAll(async () => server?.stop());

  it('answers oversized, malformed and unknown input with a clear error and keeps running', async () => {
    const visitor = await connectVisitor(server.url);
    expect(await visitor.send('x'.repeat(501))).toEqual({
      ok: false,
      error: { code: 'too_long', message: 'A message may be at most 500 characters long.' },
    });
    // Far over the limit (about 80 KB of Cyrillic): still a clear answer, not a dropped connection.
    expect(await visitor.send('я'.repeat(40_000))).toMatchObject({ ok: false, error: { code: 'too_long' } });
    const notString = await visitor.socket.timeout(2000).emitWithAck('message', { clientId: 'c1', text: { $gt: 1 } });
    expect(notString).toEqual({ ok: false, error: { code: 'invalid_payload', message: 'text must be a string.' } });
    const notObject = await visitor.socket.timeout(2000).emitWithAck('message', 42);
    expect(notObject.error.code).toBe('invalid_payload');
    const badClientId = await visitor.socket.timeout(2000).emitWithAck('message', { clientId: '<bad id>', text: 'hi' });
    expect(badClientId.error.code).toBe('invalid_client_id');
    const unknown = await visitor.socket.timeout(2000).emitWithAck('drop_tables', {});
    expect(unknown).toEqual({
      ok: false,
      error: { code: 'unknown_event', message: 'Unknown event "drop_tables". Known: message, button, history, typing, contact.' },
    });
    const protocolError = new Promise((resolve) => visitor.socket.once('protocol_error', resolve));
    visitor.socket.emit('no_such_event', 1);
    expect(await protocolError).toMatchObject({ code: 'unknown_event' });

    // Nothing was stored from the bad input, and the server still works.
    const ok = await visitor.send('How much is delivery?');
    expect(ok.ok).toBe(true);
    const messages = await server.chatbridge.store.listMessages(ok.conversationId!);
    expect(messages.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['How much is delivery?']);
    visitor.close();
  });

  it('slows a flooding visitor down without losing what was accepted', async () => {
    const visitor = await connectVisitor(server.url);
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await visitor.send(`flood ${i}`));
    const accepted = results.filter((r) => r.ok);
    const limited = results.filter((r) => !r.ok);
    expect(accepted.length).toBe(20);
    expect(limited[0]?.error?.code).toBe('rate_limited');
    const stored = await server.chatbridge.store.listMessages(accepted[0]!.conversationId!);
    expect(stored.filter((m) => m.direction === 'in')).toHaveLength(20);
    visitor.close();
  });

  it('refuses agent actions with wrong types', async () => {
    const agent = await connectAgent(server.url);
    expect((await agent.call('message:send', { conversationId: 'one', text: 'hi' })).error).toEqual({
      code: 'invalid',
      message: 'conversationId must be a whole number.',
    });
    expect((await agent.call('message:send', { conversationId: 99999, text: 'hi' })).error.code).toBe('not_found');
    expect((await agent.call('nope', {})).error.code).toBe('unknown_event');
    agent.close();
  });
});

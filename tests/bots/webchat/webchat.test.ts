/**
 * The webchat namespace as the widget uses it, driven with the real socket.io client against the
 * real server: what `ready` says, status and typing pushes, contact details, identity, origins.
 */
import { createHmac, randomUUID } from 'node:crypto';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebchatChannel, PRECHAT_SETTING } from '../../../bots/webchat/index.js';
import { normalizeOrigin, originAllowed } from '../../../bots/webchat/origin.js';
import type { ReadyPayload, StatusPayload, WireMessage } from '../../../bots/webchat/protocol.js';
import { checkContactDetails, checkEmail } from '../../../bots/webchat/validate.js';
import { ConfigError, loadConfig } from '../../../server/config/config.js';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';

const SECRET = 'identity-secret-of-the-shop';
const HOURS = 'пн–пт 9:00–21:00 (МСК)';
const sign = (userId: string) => createHmac('sha256', SECRET).update(userId).digest('hex');

interface Client {
  socket: Socket;
  ready: ReadyPayload;
  events: { event: string; payload: any }[];
  send(text: string, clientId?: string): Promise<any>;
  request(event: string, payload: unknown): Promise<any>;
  close(): void;
}

describe('the webchat namespace', () => {
  let server: TestServer;
  const logs: { msg: string; reason?: string; origin?: string }[] = [];
  const open: (Client | AgentClient)[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    server = await startTestServer({
      env: { WIDGET_ALLOWED_ORIGINS: 'https://shop.example', WIDGET_IDENTITY_SECRET: SECRET, WIDGET_PRECHAT_FORM: 'optional', WORKING_HOURS: HOURS },
      channels: [(ctx) => createWebchatChannel(ctx, { log: logger })],
    });
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.stop();
  });

  /** A visitor socket with any auth and headers; resolves once `ready` came (or rejects on refusal). */
  const connect = (auth: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    new Promise<Client>((resolve, reject) => {
      const socket = io(`${server.url}/webchat`, { auth, extraHeaders: headers, transports: ['websocket'], reconnection: false, forceNew: true });
      const events: Client['events'] = [];
      socket.onAny((event: string, payload: unknown, ...rest: unknown[]) => {
        events.push({ event, payload });
        const ack = rest[rest.length - 1];
        if (event === 'message' && typeof ack === 'function') ack({ ok: true });
      });
      socket.once('ready', (ready: ReadyPayload) => {
        const client: Client = {
          socket,
          ready,
          events,
          send: (text, clientId = randomUUID()) => socket.timeout(5000).emitWithAck('message', { clientId, text }),
          request: (event, payload) => socket.timeout(5000).emitWithAck(event, payload),
          close: () => socket.disconnect(),
        };
        open.push(client);
        resolve(client);
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        reject(err);
      });
    });
  const agent = async () => {
    const a = await connectAgent(server.url);
    open.push(a);
    return a;
  };
  const pushed = (c: Client, event: string) => c.events.filter((e) => e.event === event).map((e) => e.payload);

  it('greets in the visitor language and says who is online, the working hours and the pre-chat mode', async () => {
    const ru = await connect({ language: 'ru' });
    expect(ru.ready).toMatchObject({ identified: false, conversation: null, agentsOnline: false, workingHours: HOURS, prechat: 'optional', maxMessageLength: 4000 });
    expect(ru.ready.visitorId).toMatch(/^v_/);
    expect(ru.ready.greeting.text).toMatch(/^Здравствуйте/);
    expect(ru.ready.greeting.quickReplies.map((q) => q.id)).toContain('human');
    const en = await connect({ language: 'en' });
    expect(en.ready.greeting.text).toMatch(/^Hello/);
    expect(en.ready.greeting.quickReplies.some((q) => q.label === 'Delivery')).toBe(true);

    // The setting switches the form at run time, over WIDGET_PRECHAT_FORM.
    await server.chatbridge.store.setSetting(PRECHAT_SETTING, 'required');
    expect((await connect()).ready.prechat).toBe('required');
    await server.chatbridge.store.setSetting(PRECHAT_SETTING, 'nonsense');
    expect((await connect()).ready.prechat).toBe('optional');

    const a = await agent();
    expect((await connect()).ready.agentsOnline).toBe(true);
    a.close();
    await waitFor(async () => !(await connect()).ready.agentsOnline, 'the agent to go offline');
  });

  it("pushes status changes with the agent's name, typing both ways, and messages with their conversation", async () => {
    const v = await connect({ language: 'ru' });
    const asked = await v.send('Позовите оператора');
    const conversationId = asked.conversationId as number;
    const queued = await waitFor(() => pushed(v, 'status').find((s: StatusPayload) => s.status === 'queued'), 'queued');
    expect(queued).toEqual({ conversationId, status: 'queued', agentName: null, agentsOnline: false });
    const notice = await waitFor(() => pushed(v, 'message').find((m: WireMessage) => m.author.type === 'bot'), 'the offline notice');
    expect(notice.conversationId).toBe(conversationId);

    const a = await agent();
    await a.call('conversation:claim', { conversationId });
    const assigned = await waitFor(() => pushed(v, 'status').find((s: StatusPayload) => s.status === 'assigned'), 'assigned');
    expect(assigned).toEqual({ conversationId, status: 'assigned', agentName: 'Admin', agentsOnline: true });

    await a.call('typing', { conversationId, typing: true });
    expect(await waitFor(() => pushed(v, 'typing')[0], 'agent typing')).toEqual({ typing: true, who: 'agent' });
    // "Started" and, at once, "stopped": the stop is never throttled away.
    v.socket.emit('typing', { typing: true });
    v.socket.emit('typing', { typing: false });
    await waitFor(() => a.events.find((e) => e.event === 'typing' && e.payload.conversationId === conversationId && e.payload.typing === false), 'the visitor stopping');
    expect(a.events.filter((e) => e.event === 'typing' && e.payload.conversationId === conversationId).map((e) => e.payload.typing)).toEqual([true, false]);

    await a.call('conversation:resolve', { conversationId });
    await waitFor(() => pushed(v, 'status').find((s: StatusPayload) => s.status === 'resolved'), 'resolved');
    a.close();
  });

  it('saves the pre-chat name and email on the contact the first message then lands on', async () => {
    const v = await connect();
    expect(await v.request('contact', { name: '  Ольга  ', email: 'Olga@Example.COM' })).toEqual({ ok: true });
    const sent = await v.send('Здравствуйте');
    const conversation = (await server.chatbridge.store.getConversation(sent.conversationId))!;
    expect(await server.chatbridge.store.getContact(conversation.contactId)).toMatchObject({ name: 'Ольга', email: 'Olga@example.com' });

    // Later (the offline notice's email field): the event lands in the open conversation.
    expect(await v.request('contact', { email: 'olga.new@example.com' })).toEqual({ ok: true });
    expect((await server.chatbridge.store.getContact(conversation.contactId))?.email).toBe('olga.new@example.com');
    const event = (await server.chatbridge.store.listEvents(conversation.id)).find((e) => e.type === 'contact_details');
    expect(event?.data).toEqual({ fields: ['email'] });
  });

  it('refuses bad contact details with a clear code and stores nothing', async () => {
    const v = await connect();
    expect(await v.request('contact', { email: 'not an email' })).toEqual({ ok: false, error: { code: 'invalid_email', message: 'That does not look like an email address.' } });
    expect((await v.request('contact', { name: 'x'.repeat(101) })).error.code).toBe('invalid_name');
    expect((await v.request('contact', { name: 'Bob\u202Egnp.exe' })).error.code).toBe('invalid_name');
    expect((await v.request('contact', {})).error.code).toBe('invalid_payload');
    expect((await v.request('contact', 'Bob')).error.code).toBe('invalid_payload');
    expect(await server.chatbridge.store.latestConversation('webchat', v.ready.visitorId)).toBeNull();
    for (let i = 0; i < 5; i++) expect((await v.request('contact', { name: `Имя ${i}` })).ok).toBe(true);
    expect((await v.request('contact', { name: 'Ещё' })).error.code).toBe('rate_limited');
  });

  it('lets a valid shop identity own the conversation on every device; a wrong one stays anonymous and is logged', async () => {
    const identity = { userId: 'customer-77', hmac: sign('customer-77'), name: 'Пётр', email: 'petr@example.com' };
    const laptop = await connect({ identity });
    expect(laptop.ready).toMatchObject({ identified: true, visitorId: 'u_customer-77' });
    const sent = await laptop.send('Где мой заказ?');
    const conversation = (await server.chatbridge.store.getConversation(sent.conversationId))!;
    expect(await server.chatbridge.store.getContact(conversation.contactId)).toMatchObject({ name: 'Пётр', email: 'petr@example.com' });
    const phone = await connect({ identity: { userId: 'customer-77', hmac: sign('customer-77').toUpperCase() } });
    expect(phone.ready.conversation?.messages.map((m) => m.text)).toContain('Где мой заказ?');

    const forged = await connect({ identity: { userId: 'customer-77', hmac: sign('customer-78') } });
    expect(forged.ready).toMatchObject({ identified: false, conversation: null });
    expect(forged.ready.visitorId).toMatch(/^v_/);
    expect(logs.find((l) => l.reason === 'identity HMAC does not match user id "customer-77"')?.msg).toContain('stays anonymous');
    const malformed = await connect({ identity: 'customer-77' });
    expect(malformed.ready.identified).toBe(false);
    expect(logs.some((l) => l.reason === 'identity must be an object {userId, hmac}')).toBe(true);

    // The identified user's token alone (a shared computer after the shop's logout) opens nothing.
    const tokenOnly = await connect({ token: laptop.ready.token });
    expect(tokenOnly.ready.visitorId).not.toBe('u_customer-77');
    expect(tokenOnly.ready.conversation).toBeNull();
    // An anonymous visitor's token still brings their own conversation back.
    const anon = await connect();
    await anon.send('Анонимный вопрос');
    const back = await connect({ token: anon.ready.token });
    expect(back.ready.visitorId).toBe(anon.ready.visitorId);
    expect(back.ready.conversation?.messages.map((m) => m.text)).toContain('Анонимный вопрос');
  });

  it('accepts only allowed origins and the server itself', async () => {
    await expect(connect({}, { origin: 'https://evil.example' })).rejects.toThrow('origin_not_allowed');
    expect(logs.some((l) => l.origin === 'https://evil.example' && l.msg.includes('WIDGET_ALLOWED_ORIGINS'))).toBe(true);
    expect((await connect({}, { origin: 'https://shop.example' })).ready.visitorId).toMatch(/^v_/);
    expect((await connect({}, { origin: 'https://SHOP.example/' })).ready.visitorId).toMatch(/^v_/);
    expect((await connect({}, { origin: server.url })).ready.visitorId).toMatch(/^v_/);
    await expect(connect({}, { origin: 'https://shop.example.evil.example' })).rejects.toThrow('origin_not_allowed');
    await expect(connect({}, { origin: 'null' })).rejects.toThrow('origin_not_allowed');
  });
});

describe('webchat input checks', () => {
  it('normalizes origins and matches them exactly', () => {
    expect(normalizeOrigin('HTTPS://Shop.Example:443/path')).toBe('https://shop.example');
    expect(normalizeOrigin('javascript:alert(1)')).toBeNull();
    expect(originAllowed(undefined, [], ['https://a.example'])).toBe(true);
    expect(originAllowed('https://b.example', [], ['*'])).toBe(true);
    expect(originAllowed('https://b.example', ['b.example'], ['https://a.example'])).toBe(true);
    expect(originAllowed('https://b.example', ['a.example'], ['https://a.example'])).toBe(false);
  });

  it('checks emails and names', () => {
    expect(checkEmail(' Anna@Mail.RU ')).toEqual({ ok: true, value: 'Anna@mail.ru' });
    for (const bad of ['anna', 'anna@', '@mail.ru', 'anna@mail', 'a b@mail.ru', '<a>@mail.ru', `${'a'.repeat(250)}@mail.ru`]) {
      expect(checkEmail(bad).ok).toBe(false);
    }
    expect(checkContactDetails({ name: 'Анна', email: '' })).toEqual({ ok: true, value: { name: 'Анна' } });
  });

  it('validates WIDGET_PRECHAT_FORM', () => {
    expect(loadConfig({ KB_PATH: 'data/kb', WIDGET_PRECHAT_FORM: 'Required' }).widgetPrechatForm).toBe('required');
    expect(loadConfig({ KB_PATH: 'data/kb' }).widgetPrechatForm).toBe('off');
    expect(() => loadConfig({ KB_PATH: 'data/kb', WIDGET_PRECHAT_FORM: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ KB_PATH: 'data/kb', WIDGET_PRECHAT_FORM: 'maybe' })).toThrow('WIDGET_PRECHAT_FORM must be off, optional or required; got "maybe"');
  });
});

/**
 * Routing on the real server: a hand-off is assigned to the connected agent at once; outside
 * business hours with nobody online the bot says when people are back and the queue keeps; the
 * REST API sets priorities, shows the queue urgent first, and guards settings; a team rule by topic
 * takes the topic from the knowledge-base answer the bot gave.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../server/agents/passwords.js';
import { formatOpening } from '../../../server/routing/business-hours.js';
import { texts } from '../../../server/router/texts.js';
import { connectAgent, signIn } from '../../helpers/clients.js';
import { ADMIN_EMAIL, waitFor } from '../../helpers/server.js';
import { startOpsServer, type OpsServer } from './helpers.js';
import { FakeClock } from './seed.js';

const msk = (local: string) => Date.parse(`${local}+03:00`);

describe('routing on the real server', () => {
  let server: OpsServer;
  const clock = new FakeClock(msk('2025-05-13T12:00:00')); // a Tuesday, open (default hours: weekdays 9–21)
  let adminCookie: string;

  beforeAll(async () => {
    server = await startOpsServer({ env: { ROUTING_AUTO_ASSIGN: 'true' }, operations: { now: clock.now } });
    adminCookie = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const api = async (path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: init.cookie ?? adminCookie, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  async function askForHuman(text = 'позовите оператора'): Promise<number> {
    const user = `u-${randomUUID()}`;
    const result = await server.chatbridge.router.receive({
      channel: 'webchat',
      externalChatId: user,
      externalUserId: user,
      externalMessageId: randomUUID(),
      text,
      profile: { name: 'Ирина', language: 'ru' },
    });
    return result.conversationId;
  }
  const botTexts = async (id: number) => (await server.chatbridge.store.listMessages(id)).filter((m) => m.authorType === 'bot').map((m) => m.text);

  it('assigns a hand-off to the connected agent straight away', async () => {
    const agent = await connectAgent(server.url, adminCookie);
    try {
      const id = await askForHuman();
      const update = await waitFor(() => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === id && e.payload.status === 'assigned'), 'the assignment');
      expect(update.payload.assignedAgentId).toBe((await server.chatbridge.store.findAgentByEmail(ADMIN_EMAIL))!.id);
      expect(await botTexts(id)).toContain(texts.ru.escalatedOnline);
      const events = (await server.chatbridge.store.listEvents(id)).map((e) => [e.type, e.actor]);
      expect(events).toContainEqual(['assigned', 'routing']);
    } finally {
      agent.close();
    }
  });

  it('outside business hours with nobody online, says when people are back; the queue keeps it', async () => {
    clock.set(msk('2025-05-10T02:00:00')); // Saturday night; weekends open 10–18
    await waitFor(() => server.chatbridge.io.of('/agents').sockets.size === 0, 'the agent to leave');
    const id = await askForHuman();
    const back = formatOpening(msk('2025-05-10T10:00:00'), await server.chatbridge.operations.sla.hours.get(), 'ru');
    expect(await botTexts(id)).toContain(texts.ru.escalatedClosed(back));
    expect(back).toBe('суббота, 10 мая в 10:00 GMT+3');
    expect((await server.chatbridge.store.getConversation(id))!.status).toBe('queued');

    // An agent on duty comes online: the next routing run assigns it.
    const agent = await connectAgent(server.url, adminCookie);
    try {
      expect((await api('/api/routing/run', { method: 'POST' })).status).toBe(200);
      expect((await server.chatbridge.store.getConversation(id))!.status).toBe('assigned');
    } finally {
      agent.close();
    }
  });

  it('within business hours with nobody online, quotes the business-hours setting in the customer language', async () => {
    clock.set(msk('2025-05-13T12:00:00')); // Tuesday noon: open
    await waitFor(() => server.chatbridge.io.of('/agents').sockets.size === 0, 'the agent to leave');
    const id = await askForHuman();
    expect(await botTexts(id)).toContain(texts.ru.escalatedOffline('пн–пт 9:00–21:00, сб–вс 10:00–18:00 (GMT+3)'));

    // The admin changes the hours: the next customer hears the new ones, without a restart.
    const before = (await api('/api/settings/business-hours')).body.businessHours;
    const weekdays = [{ from: '08:00', to: '20:00' }];
    const changed = { timeZone: 'Europe/Moscow', week: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: [{ from: '08:00', to: '17:00' }] }, holidays: [] };
    expect((await api('/api/settings/business-hours', { method: 'PUT', body: changed })).status).toBe(200);
    try {
      const user = `u-${randomUUID()}`;
      const english = await server.chatbridge.router.receive({
        channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text: 'human please', profile: { language: 'en' },
      });
      expect(await botTexts(english.conversationId)).toContain(texts.en.escalatedOffline('Mon–Thu 8:00–20:00, Fri 8:00–17:00 (GMT+3)'));
      // The widget's offline notice quotes the same hours.
      const socket = io(`${server.url}/webchat`, { auth: { language: 'ru' }, transports: ['websocket'], reconnection: false, forceNew: true });
      try {
        const ready = await new Promise<{ workingHours: string }>((resolve, reject) => (socket.once('ready', resolve), socket.once('connect_error', reject)));
        expect(ready.workingHours).toBe('пн–чт 8:00–20:00, пт 8:00–17:00 (GMT+3)');
      } finally {
        socket.disconnect();
      }
    } finally {
      expect((await api('/api/settings/business-hours', { method: 'PUT', body: before })).status).toBe(200);
    }
  });

  it('shows the queue urgent first, lets an agent set a priority, and keeps settings for admins', async () => {
    const store = server.chatbridge.store;
    await store.createAgent({ email: 'olga@test.local', name: 'Olga', passwordHash: await hashPassword('olga-password-1'), role: 'agent', active: true, capacity: 5 }, Date.now());
    const agentCookie = await signIn(server.url, 'olga@test.local', 'olga-password-1');
    await waitFor(() => server.chatbridge.io.of('/agents').sockets.size === 0, 'no agent online');
    clock.set(msk('2025-05-13T12:00:00'));

    const first = await askForHuman('позовите оператора, вопрос по доставке');
    const second = await askForHuman('оператор, срочно!');
    const third = await askForHuman('живой человек нужен');
    const queue = (await api('/api/routing/queue', { cookie: agentCookie })).body.conversations as { id: number; priority: string; sla: { metric: string; dueAt: number } | null }[];
    const ours = queue.filter((c) => [first, second, third].includes(c.id));
    expect(ours.map((c) => [c.id, c.priority])).toEqual([
      [second, 'urgent'],
      [first, 'normal'],
      [third, 'normal'],
    ]);
    expect(ours[0]!.sla).toMatchObject({ metric: 'first_response', state: 'running' });

    const set = await api(`/api/routing/conversations/${third}/priority`, { method: 'POST', cookie: agentCookie, body: { priority: 'high' } });
    expect(set.status).toBe(200);
    expect(set.body.conversation.priority).toBe('high');
    expect((await api(`/api/routing/conversations/${third}/priority`, { method: 'POST', cookie: agentCookie, body: { priority: 'asap' } })).status).toBe(400);
    const order = ((await api('/api/routing/queue')).body.conversations as { id: number }[]).map((c) => c.id).filter((id) => [first, second, third].includes(id));
    expect(order).toEqual([second, third, first]);

    // Settings: agents read, only admins write; a rule naming a missing team is refused.
    expect((await api('/api/settings/routing', { cookie: agentCookie })).status).toBe(200);
    expect((await api('/api/settings/routing', { method: 'PUT', cookie: agentCookie, body: { autoAssign: false } })).status).toBe(403);
    const bad = await api('/api/settings/routing', { method: 'PUT', body: { teamRules: [{ language: 'en', teamId: 999 }] } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid', problems: ['teamRules[0].teamId: there is no team 999'] } } });
    expect((await api('/api/settings/routing', { method: 'PUT', body: { autoAssign: true, reassignAfterMinutes: 20 } })).body.settings).toMatchObject({ autoAssign: true, reassignAfterMinutes: 20 });

    const contactId = (await store.getConversation(first))!.contactId;
    expect((await api(`/api/routing/contacts/${contactId}/tags`, { method: 'PUT', cookie: agentCookie, body: { tags: ['VIP', 'vip', ' wholesale '] } })).body.tags).toEqual(['VIP', 'wholesale']);
    expect((await api('/api/routing/contacts/999999/tags')).status).toBe(404);
  });

  it('routes by topic: the topic of the knowledge-base entry the bot answered with before the hand-off', async () => {
    const store = server.chatbridge.store;
    const team = await store.createTeam({ name: 'Returns', assignmentMode: 'auto' }, Date.now());
    expect((await api('/api/settings/routing', { method: 'PUT', body: { teamRules: [{ topic: 'returns', teamId: team.id }] } })).status).toBe(200);
    try {
      const user = `u-${randomUUID()}`;
      const say = (text: string) =>
        server.chatbridge.router.receive({ channel: 'webchat', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text, profile: { name: 'Ирина', language: 'ru' } });
      const { conversationId } = await say('Какие условия возврата?');
      const answered = (await store.listEvents(conversationId)).find((e) => e.type === 'bot_answered');
      expect(answered).toBeTruthy();
      expect((await store.getConversation(conversationId))!.topic).toBe('returns');
      await say('позовите оператора');
      expect(await store.getConversation(conversationId)).toMatchObject({ status: 'queued', topic: 'returns', teamId: team.id });

      // Straight to a person, without a KB answer: no topic, no team.
      const other = await askForHuman();
      expect(await store.getConversation(other)).toMatchObject({ topic: null, teamId: null });
    } finally {
      await api('/api/settings/routing', { method: 'PUT', body: { teamRules: [] } });
    }
  });

  it('refuses routing settings and priorities without a session', async () => {
    const res = await fetch(`${server.url}/api/settings/routing`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, type AgentClient } from '../../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { api, customer, handOff, newAgent, type Api } from './fixtures.js';

describe('console work: inbox, search, transfer, snooze, tags, canned responses, KB suggestions', () => {
  let server: TestServer;
  let admin: Api;
  let adminSocket: AgentClient;
  let adminId: number;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
    adminSocket = await connectAgent(server.url, admin.cookie);
    adminId = (await admin.get('/api/auth/me')).agent.id;
  });
  afterAll(async () => {
    adminSocket?.close();
    await server?.stop();
  });

  it('shows the queue longest-waiting first, then mine, with counts and filters', async () => {
    const first = await handOff(server, 'Первый', 'Вопрос про серьги');
    const second = await handOff(server, 'Второй', 'Вопрос про кольца');
    const queue = (await admin.get('/api/console/inbox?view=queue')).conversations as { id: number; queuedAt: number }[];
    const ids = queue.map((c) => c.id);
    expect(ids.indexOf(first.conversationId)).toBeLessThan(ids.indexOf(second.conversationId));
    const before = (await admin.get('/api/console/counts')).counts;

    expect((await adminSocket.call('conversation:claim', { conversationId: second.conversationId })).ok).toBe(true);
    const mine = (await admin.get('/api/console/inbox?view=mine')).conversations.map((c: { id: number }) => c.id);
    expect(mine).toContain(second.conversationId);
    expect(mine).not.toContain(first.conversationId);
    const after = (await admin.get('/api/console/counts')).counts;
    expect(after.queue).toBe(before.queue - 1);
    expect(after.mine).toBe(before.mine + 1);

    expect((await admin.get('/api/console/inbox?view=all&channel=telegram')).conversations).toEqual([]);
    const webchat = (await admin.get('/api/console/inbox?view=all&channel=webchat')).conversations.map((c: { id: number }) => c.id);
    expect(webchat).toEqual(expect.arrayContaining([first.conversationId, second.conversationId]));
    const assignedOnly = (await admin.get('/api/console/inbox?view=all&status=assigned')).conversations.map((c: { id: number }) => c.id);
    expect(assignedOnly).toContain(second.conversationId);
    expect(assignedOnly).not.toContain(first.conversationId);
    const byAgent = (await admin.get(`/api/console/inbox?view=all&agentId=${adminId}`)).conversations.map((c: { id: number }) => c.id);
    expect(byAgent).toEqual([second.conversationId]);
    expect((await admin.call('GET', '/api/console/inbox?view=everything')).status).toBe(400);
    expect((await admin.call('GET', '/api/console/inbox?view=all&agentId=abc')).status).toBe(400);
  });

  it('tags and prioritises a conversation live, and filters by tag', async () => {
    const { conversationId } = await handOff(server, 'Тегов', 'Сломался замок на серьге');
    const tagged = await adminSocket.call('conversation:tags', { conversationId, tags: ['брак', 'VIP', 'vip'] });
    expect(tagged.ok).toBe(true);
    expect(tagged.conversation.tags).toEqual(['VIP', 'брак']);
    await waitFor(() => adminSocket.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversationId && e.payload.tags.length === 2), 'the tags pushed live');
    const priority = await adminSocket.call('conversation:priority', { conversationId, priority: 'urgent' });
    expect(priority.conversation.priority).toBe('urgent');
    expect((await adminSocket.call('conversation:priority', { conversationId, priority: 'whenever' })).error.code).toBe('invalid');
    expect((await adminSocket.call('conversation:tags', { conversationId, tags: ['<script>'] })).error.code).toBe('invalid');

    const byTag = (await admin.get(`/api/console/inbox?view=all&tag=${encodeURIComponent('брак')}`)).conversations.map((c: { id: number }) => c.id);
    expect(byTag).toEqual([conversationId]);
    expect((await admin.get('/api/console/inbox?view=all&priority=urgent')).conversations.map((c: { id: number }) => c.id)).toEqual([conversationId]);
    expect((await admin.get('/api/console/meta')).tags).toEqual(expect.arrayContaining([{ tag: 'брак', count: 1 }]));
    const events = (await server.chatbridge.store.listEvents(conversationId)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['tagged', 'priority_changed']));
  });

  it('finds an old message by a word form, notes included, and survives search syntax', async () => {
    const old = customer(server, 'Давний клиент');
    const conversationId = await old.say('Мой заказ номер 58213 пришёл с поцарапанной застёжкой');
    await adminSocket.call('note:add', { conversationId, text: 'Проверить партию застёжек у поставщика' });
    for (let i = 0; i < 5; i++) await customer(server, `Шум ${i}`).say(`Какие у вас серьги-кольца ${i}?`);

    const found = await admin.get(`/api/console/search?q=${encodeURIComponent('поцарапан застежк')}`);
    expect(found.hits.length).toBeGreaterThanOrEqual(1);
    const hit = found.hits[0];
    expect(hit).toMatchObject({ conversationId, authorType: 'contact', private: false, conversation: { id: conversationId, contact: { name: 'Давний клиент' } } });
    expect(hit.snippet.filter((s: { match: boolean }) => s.match).map((s: { text: string }) => s.text.toLowerCase())).toEqual(['поцарапанной', 'застёжкой']);
    expect(hit.snippet.map((s: { text: string }) => s.text).join('')).toContain('58213');

    const notes = await admin.get(`/api/console/search?q=${encodeURIComponent('поставщика')}`);
    expect(notes.hits.map((h: { private: boolean; conversationId: number }) => [h.conversationId, h.private])).toEqual([[conversationId, true]]);
    const inbox = (await admin.get('/api/console/inbox?view=all&q=58213')).conversations.map((c: { id: number }) => c.id);
    expect(inbox).toEqual([conversationId]);

    for (const q of ['"unbalanced', 'AND OR NOT', '*', 'a) OR (b', 'NEAR(x y']) {
      const res = await admin.call('GET', `/api/console/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    expect((await admin.call('GET', '/api/console/search?q=')).status).toBe(400);
  });

  it('transfers to an agent with a note the customer never receives, and respects capacity', async () => {
    const boris = await newAgent(admin, server, 'Boris', { capacity: 1 });
    const borisSocket = await connectAgent(server.url, boris.api.cookie);
    const visitor = await connectVisitor(server.url);
    const sent = await visitor.send('Нужна помощь с возвратом, позовите оператора');
    const conversationId = sent.conversationId!;
    await waitFor(async () => (await server.chatbridge.store.getConversation(conversationId))?.status === 'queued', 'the hand-off');
    expect((await adminSocket.call('conversation:claim', { conversationId })).ok).toBe(true);
    await adminSocket.call('message:send', { conversationId, text: 'Сейчас передам коллеге по возвратам.' });
    await visitor.waitForMessage((m) => m.text === 'Сейчас передам коллеге по возвратам.', 'the reply before the transfer');

    const transferred = await adminSocket.call('conversation:transfer', { conversationId, toAgentId: boris.id, note: 'Клиент постоянный, оформить возврат без чека' });
    expect(transferred).toMatchObject({ ok: true, conversation: { status: 'assigned', assignedAgentId: boris.id } });
    await waitFor(() => borisSocket.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversationId && e.payload.assignedAgentId === boris.id), 'Boris hears of the transfer');
    const opened = await borisSocket.call('conversation:open', { conversationId });
    const note = opened.messages.find((m: { private: boolean; text: string }) => m.private && m.text.includes('без чека'));
    expect(note.text).toBe('Transferred to Boris: Клиент постоянный, оформить возврат без чека');
    expect(opened.events.find((e: { type: string }) => e.type === 'transferred').data).toMatchObject({ fromAgentId: adminId, toAgentId: boris.id });
    expect((await borisSocket.call('message:send', { conversationId, text: 'Здравствуйте, я Борис.' })).ok).toBe(true);
    await visitor.waitForMessage((m) => m.text === 'Здравствуйте, я Борис.', "Boris's reply");
    expect([...visitor.received.values()].some((m) => m.text.includes('без чека'))).toBe(false);
    expect((await adminSocket.call('message:send', { conversationId, text: 'x' })).ok).toBe(true); // admins may still step in

    // Boris has one chat and a capacity of one.
    const { conversationId: other } = await handOff(server, 'Ещё клиент', 'Где заказ?');
    await adminSocket.call('conversation:claim', { conversationId: other });
    const full = await adminSocket.call('conversation:transfer', { conversationId: other, toAgentId: boris.id });
    expect(full).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(full.error.message).toContain('capacity (1 of 1');
    // Boris may not transfer the admin's chat away.
    expect((await borisSocket.call('conversation:transfer', { conversationId: other, toAgentId: adminId })).error.code).toBe('forbidden');
    expect((await adminSocket.call('conversation:transfer', { conversationId: other })).error.code).toBe('invalid');
    visitor.close();
    borisSocket.close();
  });

  it('transfers to a team: back in the queue for that team', async () => {
    const team = (await admin.call('POST', '/api/console/teams', { name: 'Wholesale' })).body.team;
    const { conversationId } = await handOff(server, 'Оптовик', 'Хочу купить оптом');
    await adminSocket.call('conversation:claim', { conversationId });
    const moved = await adminSocket.call('conversation:transfer', { conversationId, toTeamId: team.id });
    expect(moved.conversation).toMatchObject({ status: 'queued', assignedAgentId: null, teamId: team.id });
    const queue = (await admin.get(`/api/console/inbox?view=queue&teamId=${team.id}`)).conversations.map((c: { id: number }) => c.id);
    expect(queue).toEqual([conversationId]);
    expect((await adminSocket.call('conversation:transfer', { conversationId, toTeamId: 99999 })).error.code).toBe('not_found');
  });

  it('snoozes out of "mine" until the time comes, or until the customer writes', async () => {
    const a = await handOff(server, 'Сонный', 'Жду поставку');
    await adminSocket.call('conversation:claim', { conversationId: a.conversationId });
    const until = Date.now() + 1500;
    const seen = adminSocket.events.length;
    const snoozed = await adminSocket.call('conversation:snooze', { conversationId: a.conversationId, until });
    expect(snoozed.conversation.snoozedUntil).toBe(until);
    const mineIds = async () => (await admin.get('/api/console/inbox?view=mine')).conversations.map((c: { id: number }) => c.id);
    expect(await mineIds()).not.toContain(a.conversationId);
    expect((await admin.get('/api/console/inbox?view=snoozed')).conversations.map((c: { id: number }) => c.id)).toContain(a.conversationId);
    await waitFor(
      () =>
        adminSocket.events
          .slice(seen)
          .find((e) => e.event === 'conversation:updated' && e.payload.id === a.conversationId && e.payload.snoozedUntil === null),
      'the snooze to run out',
    );
    expect(await mineIds()).toContain(a.conversationId);

    const b = await handOff(server, 'Нетерпеливый', 'Когда привезут?');
    await adminSocket.call('conversation:snooze', { conversationId: b.conversationId, until: Date.now() + 3600_000 });
    expect(await mineIds()).not.toContain(b.conversationId);
    await b.customer.say('Ну что там?');
    await waitFor(async () => (await mineIds()).includes(b.conversationId), 'the customer to wake it');
    const types = (await server.chatbridge.store.listEvents(b.conversationId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['snoozed', 'unsnoozed']));
    expect((await adminSocket.call('conversation:snooze', { conversationId: b.conversationId, until: Date.now() - 1000 })).error.code).toBe('invalid');
    expect((await adminSocket.call('conversation:snooze', { conversationId: b.conversationId, until: 'tomorrow' })).error.code).toBe('invalid');
  });

  it('keeps shared and personal canned responses apart', async () => {
    const kira = await newAgent(admin, server, 'Kira');
    const shared = await admin.call('POST', '/api/console/canned', { shortcut: '/hello', title: 'Greeting', text: 'Здравствуйте, {{name}}! Чем помочь?', scope: 'shared' });
    expect(shared.status).toBe(201);
    expect(shared.body.canned).toMatchObject({ shortcut: 'hello', scope: 'shared' });
    expect((await kira.api.call('POST', '/api/console/canned', { shortcut: 'x', text: 'y', scope: 'shared' })).status).toBe(403);
    const mine = await kira.api.call('POST', '/api/console/canned', { shortcut: 'спасибо', text: 'Спасибо за ожидание!' });
    expect(mine.body.canned).toMatchObject({ shortcut: 'спасибо', scope: 'personal' });
    expect((await kira.api.call('POST', '/api/console/canned', { shortcut: 'СПАСИБО', text: 'again' })).status).toBe(409);
    expect((await kira.api.call('POST', '/api/console/canned', { shortcut: 'two words', text: 'y' })).status).toBe(400);

    const kiraSees = (await kira.api.get('/api/console/canned')).canned.map((c: { shortcut: string }) => c.shortcut);
    expect(kiraSees).toEqual(expect.arrayContaining(['hello', 'спасибо']));
    const adminSees = (await admin.get('/api/console/canned')).canned.map((c: { shortcut: string }) => c.shortcut);
    expect(adminSees).toContain('hello');
    expect(adminSees).not.toContain('спасибо');
    expect((await kira.api.call('PATCH', `/api/console/canned/${shared.body.canned.id}`, { text: 'hacked' })).status).toBe(403);
    expect((await admin.call('DELETE', `/api/console/canned/${mine.body.canned.id}`)).status).toBe(404);
    const edited = await kira.api.call('PATCH', `/api/console/canned/${mine.body.canned.id}`, { text: 'Спасибо, что подождали!' });
    expect(edited.body.canned.text).toBe('Спасибо, что подождали!');
    expect((await kira.api.call('DELETE', `/api/console/canned/${mine.body.canned.id}`)).status).toBe(200);
  });

  it("suggests knowledge-base answers for the customer's last message", async () => {
    const c = customer(server, 'Вопрошающий');
    const conversationId = await c.say('позовите оператора');
    await c.say('сколько стоит доставка курьером по Москве?');
    const res = await adminSocket.call('kb:suggest', { conversationId });
    expect(res.ok).toBe(true);
    expect(res.suggestions.length).toBeGreaterThan(0);
    expect(res.suggestions.length).toBeLessThanOrEqual(3);
    const top = res.suggestions[0];
    expect(top.entryId).toMatch(/delivery/);
    const entry = server.chatbridge.kb.get(top.entryId)!;
    expect(top.answer).toBe(server.chatbridge.kb.answerText(entry, 'ru'));

    const used = await adminSocket.call('message:send', { conversationId, text: top.answer, kbEntryId: top.entryId });
    expect(used.ok).toBe(true);
    const event = (await server.chatbridge.store.listEvents(conversationId)).find((e) => e.type === 'kb_answer_used');
    expect(event?.data).toMatchObject({ kbEntryId: top.entryId });
    expect((await adminSocket.call('kb:suggest', { conversationId: 999999 })).error.code).toBe('not_found');
  });
});

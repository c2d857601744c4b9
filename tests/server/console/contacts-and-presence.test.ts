import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor } from '../../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { api, customer, newAgent, type Api } from './fixtures.js';

describe('contacts: panel, notes, merge', () => {
  let server: TestServer;
  let admin: Api;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
  });
  afterAll(async () => server?.stop());

  it('merges the same customer from Telegram and the website into one contact with one history', async () => {
    const web = customer(server, 'Мария с сайта');
    const webConversation = await web.say('Здравствуйте, я оформила заказ 7781 на сайте');
    const tg = customer(server, 'Мария', 'telegram', '555001');
    const tgConversation = await tg.say('Это снова я, по заказу 7781, пишу из телеграма');
    const webContact = (await server.chatbridge.store.getConversation(webConversation))!.contactId;
    const tgContact = (await server.chatbridge.store.getConversation(tgConversation))!.contactId;
    expect(webContact).not.toBe(tgContact);
    await admin.call('POST', `/api/console/contacts/${tgContact}/notes`, { text: 'Предпочитает телеграм' });

    const found = await admin.get(`/api/console/contacts?q=${encodeURIComponent('Мария')}`);
    expect(found.contacts.map((c: { contact: { id: number } }) => c.contact.id)).toEqual(expect.arrayContaining([webContact, tgContact]));

    const merged = await admin.call('POST', `/api/console/contacts/${webContact}/merge`, { contactId: tgContact });
    expect(merged.status).toBe(200);
    expect(merged.body.contact).toMatchObject({ id: webContact, name: 'Мария с сайта' });
    expect(merged.body.identities.map((i: { channel: string }) => i.channel).sort()).toEqual(['telegram', 'webchat']);
    expect(merged.body.conversations.map((c: { id: number }) => c.id).sort()).toEqual([webConversation, tgConversation].sort());
    expect(merged.body.notes.map((n: { text: string; agentName: string }) => [n.text, n.agentName])).toEqual([['Предпочитает телеграм', 'Admin']]);

    const history = await admin.get(`/api/console/contacts/${webContact}/history`);
    expect(history.messages.filter((m: { direction: string }) => m.direction === 'in').map((m: { text: string; channel: string }) => [m.channel, m.text])).toEqual([
      ['webchat', 'Здравствуйте, я оформила заказ 7781 на сайте'],
      ['telegram', 'Это снова я, по заказу 7781, пишу из телеграма'],
    ]);
    // The old id leads to the merged contact, and new Telegram messages land on it.
    const old = await admin.get(`/api/console/contacts/${tgContact}`);
    expect(old).toMatchObject({ contact: { id: webContact }, mergedFrom: tgContact });
    const later = await tg.say('И ещё вопрос');
    expect((await server.chatbridge.store.getConversation(later))!.contactId).toBe(webContact);
    const events = (await server.chatbridge.store.listEvents(tgConversation)).find((e) => e.type === 'contact_merged');
    expect(events?.data).toEqual({ from: tgContact, into: webContact });

    expect((await admin.call('POST', `/api/console/contacts/${webContact}/merge`, { contactId: tgContact })).status).toBe(409);
    expect((await admin.call('POST', `/api/console/contacts/${webContact}/merge`, { contactId: 99999 })).status).toBe(404);
    expect((await admin.call('POST', `/api/console/contacts/${webContact}/merge`, { contactId: 'x' })).status).toBe(400);
  });

  it('edits a contact and keeps notes to their authors', async () => {
    const c = customer(server, 'Безымянный');
    const contactId = (await server.chatbridge.store.getConversation(await c.say('Привет')))!.contactId;
    const edited = await admin.call('PATCH', `/api/console/contacts/${contactId}`, { name: 'Пётр Иванов', email: 'petr@example.com' });
    expect(edited.body.contact).toMatchObject({ name: 'Пётр Иванов', email: 'petr@example.com' });
    expect((await admin.call('PATCH', `/api/console/contacts/${contactId}`, { email: 'nope' })).status).toBe(400);
    const note = (await admin.call('POST', `/api/console/contacts/${contactId}/notes`, { text: 'Звонить после 18:00' })).body.note;
    expect((await admin.call('POST', `/api/console/contacts/${contactId}/notes`, { text: '   ' })).status).toBe(400);
    const lena = await newAgent(admin, server, 'Lena');
    expect((await lena.api.call('DELETE', `/api/console/contacts/${contactId}/notes/${note.id}`)).status).toBe(403);
    expect((await admin.call('DELETE', `/api/console/contacts/${contactId}/notes/${note.id}`)).status).toBe(200);
    expect((await admin.get(`/api/console/contacts/${contactId}`)).notes).toEqual([]);
  });
});

describe('presence: online, away, offline', () => {
  let server: TestServer;
  let admin: Api;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await api(server);
  });
  afterAll(async () => server?.stop());

  const statusOf = async (id: number) => ((await admin.get('/api/console/agents')).agents as { id: number; status: string }[]).find((a) => a.id === id)?.status;

  it('goes online with the first tab, away when the last one closes, back online with a new one', async () => {
    const olga = await newAgent(admin, server, 'Olga');
    expect(await statusOf(olga.id)).toBe('offline');
    const watcher = await connectAgent(server.url, admin.cookie);
    const tab1 = await connectAgent(server.url, olga.api.cookie);
    const tab2 = await connectAgent(server.url, olga.api.cookie);
    await waitFor(() => watcher.events.find((e) => e.event === 'presence' && e.payload.agentId === olga.id && e.payload.status === 'online'), 'online presence');
    tab1.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf(olga.id)).toBe('online'); // one tab is still open
    tab2.close();
    await waitFor(() => watcher.events.find((e) => e.event === 'presence' && e.payload.agentId === olga.id && e.payload.status === 'away' && e.payload.online === false), 'auto away');
    expect(await statusOf(olga.id)).toBe('away');
    expect(await server.chatbridge.store.getAgentStatus(olga.id)).toMatchObject({ status: 'away', auto: true });
    const tab3 = await connectAgent(server.url, olga.api.cookie);
    await waitFor(async () => (await statusOf(olga.id)) === 'online', 'back online');
    tab3.close();
    watcher.close();
  });

  it('keeps a chosen "away" across tabs, tells customers nobody is online, and signs out to offline', async () => {
    const me = (await admin.get('/api/auth/me')).agent;
    const tab = await connectAgent(server.url, admin.cookie);
    expect(await tab.call('presence:set', { status: 'away' })).toEqual({ ok: true, status: 'away' });
    expect((await tab.call('presence:set', { status: 'busy' })).error.code).toBe('invalid');

    // Nobody online: the customer is told so when asking for a person.
    const visitor = await connectVisitor(server.url);
    await visitor.send('позовите оператора');
    const notice = await visitor.waitForMessage((m) => m.author.type === 'bot' && /оператор|работаем/i.test(m.text), 'the hand-off notice');
    // Either "everyone is offline" or "we are closed" (outside working hours), never "an agent will answer shortly".
    expect(notice.text).toMatch(/офлайн|не работаем/);

    tab.close();
    await waitFor(async () => (await statusOf(me.id)) === 'away', 'away');
    const again = await connectAgent(server.url, admin.cookie);
    await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf(me.id)).toBe('away'); // chosen, so a new tab does not undo it
    expect((await again.call('presence:set', { status: 'online' })).status).toBe('online');
    expect(await statusOf(me.id)).toBe('online');
    await again.call('presence:set', { status: 'offline' });
    again.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf(me.id)).toBe('offline');
    visitor.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { callbackData, keyboardLabels, startTelegramHarness, type TelegramHarness } from './harness.js';

describe('Telegram by long polling: customers talk to the bot and to agents (real grammy, fake Bot API)', () => {
  let h: TelegramHarness;
  let agent: AgentClient;

  beforeAll(async () => {
    // No overrides: server/channels.ts builds the adapter from TELEGRAM_* as in production.
    h = await startTelegramHarness({ env: { MAX_MESSAGE_LENGTH: '10000' } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  it('polls through TELEGRAM_API_ROOT: getMe, deleteWebhook, getUpdates for the update types it handles, and sets the command menu', async () => {
    expect(h.fake.callsOf('getMe').length).toBeGreaterThan(0);
    expect(h.fake.callsOf('deleteWebhook')).toHaveLength(1);
    const first = h.fake.callsOf('getUpdates')[0]!;
    expect(first.body).toMatchObject({ timeout: 5, allowed_updates: ['message', 'edited_message', 'callback_query'] });
    await waitFor(() => h.fake.callsOf('setMyCommands').length === 2, 'the command menu in two languages');
    const menus = h.fake.callsOf('setMyCommands').map((c) => c.body);
    expect(menus.map((m) => m.commands.map((c: { command: string }) => c.command))).toEqual([['start', 'human', 'help'], ['start', 'human', 'help']]);
    expect(menus[1].language_code).toBe('ru');
  });

  it('answers a question from the knowledge base in the customer\'s language and keeps their name, username and language', async () => {
    const olga = h.fake.user('Olga', 'ru', { last_name: 'Petrova', username: 'olga_p' });
    h.fake.say(olga, 'Сколько идет доставка?');
    const answer = await h.kbAnswer(olga, 'delivery-time', 'ru');
    expect(answer.text).toContain('Это помогло?');
    expect(callbackData(answer)).toEqual(['cb|helpful:yes', 'cb|helpful:no']);

    const conversation = (await h.conversationOf(olga))!;
    const contact = (await h.server.chatbridge.store.getContact(conversation.contactId))!;
    expect(contact).toMatchObject({ name: 'Olga Petrova', username: 'olga_p', language: 'ru' });
    expect(conversation.externalChatId).toBe(String(olga.id));

    const john = h.fake.user('John', 'en');
    h.fake.say(john, 'How long does delivery take?');
    const english = await h.kbAnswer(john, 'delivery-time', 'en');
    expect(english.text).toContain('Did this help?');
  });

  it('/start greets with the main topics as buttons; a press is answered (spinner stops) and routed; /help explains the commands', async () => {
    const anna = h.fake.user('Anna', 'ru');
    h.fake.say(anna, '/start');
    const greeting = await h.botMessage(anna, (m) => m.text.startsWith('Здравствуйте'), 'the greeting');
    const data = callbackData(greeting);
    expect(data.filter((d) => d.startsWith('cb|topic:')).length).toBeGreaterThanOrEqual(3);
    expect(data.at(-1)).toBe('cb|human');
    // "Talk to a person" sits on a row of its own, after the topics.
    expect(keyboardLabels(greeting).at(-1)).toEqual(['Позвать оператора']);

    const press = h.fake.press(anna, greeting, 'cb|topic:delivery');
    const topic = await h.botMessage(anna, (m) => m.text === 'Частые вопросы по теме:', 'the topic questions');
    expect(callbackData(topic).some((d) => d.startsWith('cb|kb:'))).toBe(true);
    const answered = await waitFor(
      () => h.fake.callsOf('answerCallbackQuery').find((c) => c.body.callback_query_id === press.callback_query.id),
      'answerCallbackQuery for the press',
    );
    expect(answered.outcome).toBe('ok');
    // The press is in the conversation under the button's label, for the agents.
    const conversation = (await h.conversationOf(anna))!;
    const messages = await h.server.chatbridge.store.listMessages(conversation.id);
    expect(messages.find((m) => m.buttonId === 'topic:delivery')?.text).toBe('Доставка');

    const sentBefore = h.fake.sentTo(anna.id).length;
    h.fake.say(anna, '/help');
    const help = await h.botMessage(anna, (m) => m.text.includes('/human'), 'the help text');
    expect(help.text).toContain('/start');
    expect(h.fake.sentTo(anna.id)).toHaveLength(sentBefore + 1);
  });

  it('/human queues the conversation for agents; the agent\'s reply reaches the right chat with their name; typing shows; the rating comes back', async () => {
    const pavel = h.fake.user('Pavel', 'ru');
    const bystander = h.fake.user('Someone', 'ru');
    h.fake.say(bystander, 'Какие способы оплаты?');
    h.fake.say(pavel, '/human');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(pavel);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    const queued = await waitFor(
      () => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversation.id && e.payload.status === 'queued'),
      'the conversation in the agents queue',
    );
    expect(queued.payload.channel).toBe('telegram');
    await h.botMessage(pavel, (m) => /оператор/i.test(m.text), 'the hand-off notice');

    expect((await agent.call('conversation:claim', { conversationId: conversation.id })).ok).toBe(true);
    agent.socket.emit('typing', { conversationId: conversation.id, typing: true });
    const action = await waitFor(() => h.fake.callsOf('sendChatAction').find((c) => c.body.chat_id === pavel.id), 'sendChatAction');
    expect(action.body.action).toBe('typing');

    const sent = await agent.call('message:send', { conversationId: conversation.id, text: 'Здравствуйте! Чем помочь?', clientId: 'tg-reply-1' });
    expect(sent.ok).toBe(true);
    const reply = await h.botMessage(pavel, (m) => m.text.endsWith('Здравствуйте! Чем помочь?'), "the agent's reply");
    expect(reply.text).toBe('Admin: Здравствуйте! Чем помочь?');
    expect(reply.entities).toEqual([{ type: 'bold', offset: 0, length: 'Admin:'.length }]);
    expect(h.fake.sentTo(bystander.id).some((m) => m.text.includes('Здравствуйте! Чем помочь?'))).toBe(false);

    // The customer answers; the agent sees it live.
    h.fake.say(pavel, 'Заказ 1234 не пришёл');
    await waitFor(
      () => agent.events.find((e) => e.event === 'message:new' && e.payload.text === 'Заказ 1234 не пришёл' && e.payload.conversationId === conversation.id),
      "the customer's message in the console",
    );

    expect((await agent.call('conversation:resolve', { conversationId: conversation.id })).ok).toBe(true);
    const rating = await h.botMessage(pavel, (m) => callbackData(m).includes('cb|csat:5'), 'the rating question');
    expect(keyboardLabels(rating)).toEqual([['1', '2', '3', '4', '5']]);
    h.fake.press(pavel, rating, 'cb|csat:5');
    await h.botMessage(pavel, (m) => m.text === 'Спасибо за оценку!', 'the thanks');
    const events = await h.server.chatbridge.store.listEvents(conversation.id);
    expect(events.find((e) => e.type === 'csat')?.data).toEqual({ rating: 5 });
    expect((await h.server.chatbridge.store.getConversation(conversation.id))?.status).toBe('closed');
  });

  it('splits an agent reply over 4096 characters into parts in order, each under the limit, the buttons on the last', async () => {
    const ivan = h.fake.user('Ivan', 'ru');
    h.fake.say(ivan, 'позовите оператора');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(ivan);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    await h.botMessage(ivan, (m) => /оператор/i.test(m.text), 'the hand-off notice');
    const paragraph = 'Шаг за шагом: откройте заказ, выберите изделие, нажмите «Вернуть». '.repeat(20);
    const long = Array.from({ length: 5 }, (_, i) => `${i + 1}. ${paragraph.trim()}`).join('\n\n');
    expect(long.length).toBeGreaterThan(4096);
    const sent = await agent.call('message:send', { conversationId: conversation.id, text: long, clientId: 'long-1' });
    expect(sent.ok).toBe(true);
    const parts = await waitFor(() => {
      const got = h.fake.sentTo(ivan.id).filter((m) => m.text.includes('Шаг за шагом'));
      return got.length === 2 ? got : null;
    }, 'both parts');
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.text).join('\n\n')).toBe(`Admin: ${long}`);

    // The rating question after a resolve is short: one message, keyboard attached.
    expect((await agent.call('conversation:resolve', { conversationId: conversation.id })).ok).toBe(true);
    const rating = await h.botMessage(ivan, (m) => callbackData(m).includes('cb|csat:1'), 'the rating question');
    expect(rating.text).toContain('оцените');
  });

  it('keeps photos, documents, voice messages and stickers as attachments an agent can download; notes edits; ignores groups', async () => {
    const maria = h.fake.user('Maria', 'ru');
    h.fake.say(maria, '/human');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(maria);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    h.fake.addFile('photo-big', 'photos/file_1.jpg', jpeg, 'image/jpeg');
    h.fake.push({
      message: h.fake.message(maria, '', {
        text: undefined,
        caption: 'Вот так пришло кольцо',
        photo: [
          { file_id: 'photo-small', file_unique_id: 's', width: 90, height: 90, file_size: 10 },
          { file_id: 'photo-big', file_unique_id: 'b', width: 1280, height: 1280, file_size: jpeg.length },
        ],
      }),
    });
    h.fake.push({ message: h.fake.message(maria, '', { text: undefined, document: { file_id: 'doc-1', file_unique_id: 'd', file_name: 'чек.pdf', mime_type: 'application/pdf', file_size: 2048 } }) });
    h.fake.push({ message: h.fake.message(maria, '', { text: undefined, voice: { file_id: 'voice-1', file_unique_id: 'v', duration: 3, mime_type: 'audio/ogg' } }) });
    h.fake.push({ message: h.fake.message(maria, '', { text: undefined, sticker: { file_id: 'sticker-1', file_unique_id: 'st', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '😢' } }) });

    const stored = await waitFor(async () => {
      const messages = await h.server.chatbridge.store.listMessages(conversation.id);
      const withFiles = messages.filter((m) => m.attachments?.length);
      return withFiles.length === 4 ? withFiles : null;
    }, 'four messages with attachments');
    expect(stored.map((m) => m.attachments![0]!.kind)).toEqual(['photo', 'document', 'voice', 'sticker']);
    expect(stored[0]!.text).toBe('Вот так пришло кольцо');
    expect(stored[0]!.attachments![0]).toMatchObject({ ref: 'photo-big', mimeType: 'image/jpeg' });
    expect(stored[1]!.attachments![0]).toMatchObject({ ref: 'doc-1', name: 'чек.pdf', mimeType: 'application/pdf' });
    expect(stored[3]!.text).toBe('😢');

    // The agent downloads the photo through the server (getFile), never seeing the token.
    const photo = await fetch(`${h.server.url}/api/messages/${stored[0]!.id}/attachments/0`, { headers: { cookie: agent.cookie } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(jpeg);
    expect(h.fake.callsOf('getFile').at(-1)?.body.file_id).toBe('photo-big');
    expect((await fetch(`${h.server.url}/api/messages/${stored[0]!.id}/attachments/0`)).status).toBe(401);
    // A file Telegram no longer has: a clear 404, the server keeps running.
    const gone = await fetch(`${h.server.url}/api/messages/${stored[1]!.id}/attachments/0`, { headers: { cookie: agent.cookie } });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toMatch(/no longer has/);

    // An edit arrives as a new message marked ✏️; the original stays.
    const original = h.fake.say(maria, 'Размер 16');
    await waitFor(async () => (await h.server.chatbridge.store.listMessages(conversation.id)).some((m) => m.text === 'Размер 16'), 'the original');
    h.fake.push({ edited_message: { ...original.message, text: 'Размер 17', edit_date: original.message.date + 5 } });
    await waitFor(async () => (await h.server.chatbridge.store.listMessages(conversation.id)).some((m) => m.text === '✏️ Размер 17'), 'the edit');

    // Unsupported content is answered, not dropped silently.
    h.fake.push({ message: h.fake.message(maria, '', { text: undefined, poll: { id: 'p', question: '?', options: [] } }) });
    await h.botMessage(maria, (m) => m.text.startsWith('Такие сообщения я пока не читаю'), 'the unsupported notice');

    // Groups are ignored (TELEGRAM_ALLOW_GROUPS is off): nothing stored, nothing sent.
    const group = { id: -100500, type: 'supergroup', title: 'Shop fans' };
    const before = h.fake.sent.length;
    const groupUpdate = h.fake.push({ message: { ...h.fake.message(maria, '/human@shop_support_bot'), chat: group } });
    h.fake.say(maria, 'Размер 18');
    await waitFor(async () => (await h.server.chatbridge.store.listMessages(conversation.id)).some((m) => m.text === 'Размер 18'), 'the next message');
    expect(h.fake.sent.slice(before).filter((m) => Number(m.chat_id) === group.id)).toEqual([]);
    expect(await h.server.chatbridge.store.listConversations({ limit: 500 }).then((list) => list.filter((c) => c.externalChatId === String(group.id)))).toEqual([]);
    expect(groupUpdate.update_id).toBeGreaterThan(0);
  });

  it('handles the same update_id delivered twice once', async () => {
    const lena = h.fake.user('Lena', 'ru');
    const update = h.fake.say(lena, 'Сколько идет доставка?');
    await h.kbAnswer(lena, 'delivery-time', 'ru');
    // Telegram delivers it again (a restart before the offset was confirmed).
    h.fake.redeliver(update);
    const help = h.fake.say(lena, '/help');
    h.fake.redeliver(help);
    h.fake.say(lena, 'Спасибо');
    const conversation = (await h.conversationOf(lena))!;
    await waitFor(async () => (await h.server.chatbridge.store.listMessages(conversation.id)).some((m) => m.text === 'Спасибо'), 'the message after');
    await waitFor(() => h.fake.unconfirmed === 0, 'every update consumed');
    const messages = await h.server.chatbridge.store.listMessages(conversation.id);
    expect(messages.filter((m) => m.text === 'Сколько идет доставка?')).toHaveLength(1);
    const answers = h.fake.sentTo(lena.id).filter((m) => m.text.includes('Это помогло?'));
    expect(answers).toHaveLength(1);
    // A /help delivered twice is answered once, too.
    expect(h.fake.sentTo(lena.id).filter((m) => m.text.includes('/human'))).toHaveLength(1);
  });
});

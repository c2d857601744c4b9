import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { externalUserIdOf } from '../../../bots/telegram/inbound.js';
import type { FakeUser, SentMessage } from './fake-bot-api.js';
import { callbackData, startTelegramHarness, type TelegramHarness } from './harness.js';

describe('externalUserIdOf: who a customer is to the core', () => {
  it('is the plain user id in a private chat (existing conversations keep their key) and user@chat in a group or supergroup', () => {
    expect(externalUserIdOf({ id: 42 }, { id: 42, type: 'private' })).toBe('42');
    expect(externalUserIdOf({ id: 42 }, { id: -5001, type: 'group' })).toBe('42@-5001');
    expect(externalUserIdOf({ id: 42 }, { id: -100777, type: 'supergroup' })).toBe('42@-100777');
  });
});

describe('Telegram groups (TELEGRAM_ALLOW_GROUPS=true): a private conversation never moves into a group', () => {
  let h: TelegramHarness;
  let agent: AgentClient;
  const group = { id: -100777, type: 'supergroup', title: 'Shop fans' };

  beforeAll(async () => {
    h = await startTelegramHarness({ env: { TELEGRAM_ALLOW_GROUPS: 'true' } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  /** A message from `user` in the group; `@shop_support_bot` and a leading /command get their entities. */
  const inGroup = (user: FakeUser, text: string) => {
    const message = h.fake.message(user, text, { chat: group });
    const mention = /@shop_support_bot\b/.exec(text);
    if (mention && !message.entities) message.entities = [{ type: 'mention', offset: mention.index, length: mention[0].length }];
    return h.fake.push({ message });
  };
  /** A press of `data` under the bot's message `sent` in the group. */
  const pressInGroup = (user: FakeUser, sent: SentMessage, data: string) =>
    h.fake.push({
      callback_query: {
        id: `g-${sent.message_id}-${data}`,
        from: user,
        chat_instance: `ci-group`,
        data,
        message: { message_id: sent.message_id, date: Math.floor(sent.at / 1000), chat: group, from: h.fake.bot, text: sent.text, reply_markup: sent.reply_markup },
      },
    });
  const store = () => h.server.chatbridge.store;
  /** What the customer wrote in a conversation. */
  const textsOf = async (conversationId: number) =>
    (await store().listMessages(conversationId)).filter((m) => m.direction === 'in').map((m) => m.text);

  it("keeps the private hand-off in the private chat while the customer writes in a group; the group gets a conversation of its own", async () => {
    const olga = h.fake.user('Olga', 'ru', { last_name: 'Petrova', username: 'olga_p' });
    const bystander = h.fake.user('Someone', 'ru');

    // Private: the customer asks for a person about their order; an agent takes it.
    h.fake.say(olga, '/human');
    const privateConversation = await waitFor(async () => {
      const c = await h.conversationOf(olga);
      return c?.status === 'queued' ? c : null;
    }, 'the private hand-off');
    h.fake.say(olga, 'Заказ 1234 не пришёл, адрес: Ленина 5');
    await waitFor(async () => (await textsOf(privateConversation.id)).includes('Заказ 1234 не пришёл, адрес: Ленина 5'), 'the private message stored');
    expect((await agent.call('conversation:claim', { conversationId: privateConversation.id })).ok).toBe(true);

    // In the group: messages not meant for the bot are ignored, then the customer mentions the bot.
    const sentBefore = h.fake.sent.length;
    inGroup(olga, 'всем привет');
    inGroup(bystander, 'кто-нибудь заказывал тут?');
    inGroup(olga, '/human@other_bot');
    inGroup(olga, '@shop_support_bot Сколько идет доставка?');
    const groupId = `${olga.id}@${group.id}`;
    await waitFor(async () => {
      const inGroupConversation = await store().latestConversation('telegram', groupId);
      const texts = [...(await textsOf(privateConversation.id)), ...(inGroupConversation ? await textsOf(inGroupConversation.id) : [])];
      return texts.includes('Сколько идет доставка?');
    }, 'the group mention stored');

    // The agent types and replies in the private conversation: it reaches the private chat, never the group.
    agent.socket.emit('typing', { conversationId: privateConversation.id, typing: true });
    const typing = await waitFor(() => h.fake.callsOf('sendChatAction').at(-1), 'typing');
    expect(typing.body.chat_id).toBe(olga.id);
    const reply = 'Ваш заказ 1234 задержан на складе, привезём завтра';
    expect((await agent.call('message:send', { conversationId: privateConversation.id, text: reply, clientId: 'grp-private-1' })).ok).toBe(true);
    const delivered = await waitFor(() => h.fake.sent.find((m) => m.text.endsWith(reply)), "the agent's reply");
    expect(Number(delivered.chat_id)).toBe(olga.id);
    agent.socket.emit('typing', { conversationId: privateConversation.id, typing: false });

    // The private conversation stays where it was: same chat, still the agent's.
    const stillPrivate = (await store().getConversation(privateConversation.id))!;
    expect(stillPrivate.externalChatId).toBe(String(olga.id));
    expect(stillPrivate.status).toBe('assigned');
    expect((await h.conversationOf(olga))?.id).toBe(privateConversation.id);
    expect(await textsOf(privateConversation.id)).not.toContain('Сколько идет доставка?');

    // The group message has a conversation of its own (mention removed); those not for the bot were never stored.
    const groupConversation = (await store().latestConversation('telegram', groupId))!;
    expect(groupConversation.id).not.toBe(privateConversation.id);
    expect(groupConversation.externalChatId).toBe(String(group.id));
    expect(await textsOf(groupConversation.id)).toEqual(['Сколько идет доставка?']);
    for (const ignored of ['всем привет', 'кто-нибудь заказывал тут?', '/human@other_bot']) {
      expect(await textsOf(privateConversation.id)).not.toContain(ignored);
    }
    expect(await store().latestConversation('telegram', String(bystander.id))).toBeNull();
    expect(await store().latestConversation('telegram', `${bystander.id}@${group.id}`)).toBeNull();

    // The bot answers the group question in the group (the knowledge base, or suggestions to press).
    const groupAnswer = await waitFor(
      () => h.fake.sentTo(group.id).find((m) => callbackData(m).some((d) => d.startsWith('cb|'))),
      'the bot answer in the group',
    );
    const nothingPrivateInGroup = () => {
      const inGroupChat = h.fake.sent.slice(sentBefore).filter((m) => Number(m.chat_id) === group.id);
      expect(inGroupChat.some((m) => m.text.includes('1234') || m.text.includes(reply))).toBe(false);
      expect(h.fake.callsOf('sendChatAction').some((c) => Number(c.body.chat_id) === group.id)).toBe(false);
    };
    nothingPrivateInGroup();

    // A button pressed in the group belongs to the group conversation.
    const data = callbackData(groupAnswer)[0]!;
    pressInGroup(olga, groupAnswer, data);
    const buttonId = data.slice('cb|'.length);
    await waitFor(async () => (await store().listMessages(groupConversation.id)).some((m) => m.buttonId === buttonId), 'the press in the group conversation');
    expect((await store().listMessages(privateConversation.id)).some((m) => m.buttonId === buttonId)).toBe(false);

    // /human in the group queues the group conversation; its agent reply goes to the group, not the private chat.
    inGroup(olga, '/human@shop_support_bot');
    const queuedInGroup = await waitFor(async () => {
      const c = await store().latestConversation('telegram', groupId);
      return c?.status === 'queued' ? c : null;
    }, 'the group hand-off');
    expect(queuedInGroup.externalChatId).toBe(String(group.id));
    expect((await store().getConversation(privateConversation.id))?.status).toBe('assigned');
    expect((await agent.call('conversation:claim', { conversationId: queuedInGroup.id })).ok).toBe(true);
    const groupReply = 'Доставка по городу занимает 1–2 дня';
    const privateBefore = h.fake.sentTo(olga.id).length;
    expect((await agent.call('message:send', { conversationId: queuedInGroup.id, text: groupReply, clientId: 'grp-group-1' })).ok).toBe(true);
    await waitFor(() => h.fake.sentTo(group.id).find((m) => m.text.endsWith(groupReply)), "the agent's reply in the group");
    expect(h.fake.sentTo(olga.id).slice(privateBefore).some((m) => m.text.includes(groupReply))).toBe(false);
    nothingPrivateInGroup();

    // Writing privately again continues the private conversation, still in the private chat.
    h.fake.say(olga, 'Спасибо, жду');
    await waitFor(async () => (await textsOf(privateConversation.id)).includes('Спасибо, жду'), 'the private message after the group');
    expect((await store().getConversation(privateConversation.id))?.externalChatId).toBe(String(olga.id));
    for (const inTheGroup of [groupConversation, queuedInGroup]) expect(await textsOf(inTheGroup.id)).not.toContain('Спасибо, жду');

    // Both identities keep the person's profile.
    for (const conversation of [privateConversation, groupConversation]) {
      const contact = (await store().getContact(conversation.contactId))!;
      expect(contact).toMatchObject({ name: 'Olga Petrova', username: 'olga_p', language: 'ru' });
    }
  });
});

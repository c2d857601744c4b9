import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import { customIds, startDiscordHarness, type DiscordHarness } from './harness.js';

describe('Discord conversations (real discord.js against a fake Discord)', () => {
  let h: DiscordHarness;
  let agent: AgentClient;

  beforeAll(async () => {
    h = await startDiscordHarness();
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  const inbound = async (conversationId: number) =>
    (await h.server.chatbridge.store.listMessages(conversationId)).filter((m) => m.direction === 'in');

  it('answers a DM from the knowledge base, with the helpful? buttons, and ignores bots including itself', async () => {
    const olga = h.fake.user('olga');
    const dm = h.fake.dmChannel(olga);
    h.fake.sendDm(olga, 'How long does delivery take?');
    const answer = await h.kbAnswer(dm.id, olga, 'delivery-time', 'en');
    expect(customIds(answer)).toEqual(['helpful:yes', 'helpful:no']);
    expect(answer.allowed_mentions).toEqual({ parse: [] });

    // Another bot writing to ours is not a customer.
    const otherBot = h.fake.user('otherbot', { bot: true });
    h.fake.sendDm(otherBot, 'How long does delivery take?');
    // A second question from Olga is the barrier: once it is answered, the bot message and the
    // echoes of our own answers (the fake sends them back like Discord) were processed too.
    h.fake.sendDm(olga, 'Do you ship to Kazakhstan?');
    const before = h.fake.messagesIn(dm.id).length;
    await waitFor(() => h.fake.messagesIn(dm.id).length > before, 'the answer to the second DM');

    const conversation = (await h.conversationOf(olga.id))!;
    expect(conversation).toMatchObject({ channel: 'discord', externalChatId: dm.id, externalUserId: olga.id });
    const texts = (await inbound(conversation.id)).filter((m) => !m.buttonId).map((m) => m.text);
    expect(texts).toEqual(['How long does delivery take?', 'Do you ship to Kazakhstan?']);
    expect(await h.conversationOf(otherBot.id)).toBeNull();
    expect(await h.conversationOf(h.fake.bot.id)).toBeNull();
    const contact = await h.server.chatbridge.store.getContact(conversation.contactId);
    expect(contact).toMatchObject({ name: 'Olga', username: 'olga' });
  });

  it('acknowledges a button press at once (buttons disabled, the choice marked) and routes it', async () => {
    const ivan = h.fake.user('ivan');
    const dm = h.fake.dmChannel(ivan);
    h.fake.sendDm(ivan, 'How long does delivery take?');
    const answer = await h.kbAnswer(dm.id, ivan, 'delivery-time', 'en');
    expect(customIds(answer)).toEqual(['helpful:yes', 'helpful:no']);

    const pressedAt = Date.now();
    const press = h.fake.pressButton(ivan, answer, 'helpful:no');
    const ack = await waitFor(() => h.fake.callbacks.find((c) => c.interactionId === press.id), 'the interaction callback');
    const ackMs = Date.now() - pressedAt;
    expect(ack.token).toBe(press.token);
    expect(ack.body.type).toBe(7); // UPDATE_MESSAGE: same message, new components
    const buttons = ack.body.data.components[0].components;
    expect(buttons.every((b: any) => b.disabled === true)).toBe(true);
    expect(buttons.find((b: any) => b.custom_id === 'helpful:no').style).toBe(3); // Success: what was chosen
    // Discord's deadline for the first response to an interaction is 3 seconds.
    expect(ackMs).toBeLessThan(3000);

    // Routed: "no, it didn't help" hands off to a person, and the customer is told so.
    await waitFor(async () => (await h.conversationOf(ivan.id))?.status === 'queued', 'the hand-off');
    const notice = await h.botMessage(dm.id, (m) => /agent|offline/i.test(m.content) && !m.components.length, 'the hand-off notice');
    expect(h.fake.calls.findIndex((c) => c.path.includes(`/interactions/${press.id}/`))).toBeLessThan(
      h.fake.calls.findIndex((c) => c.method === 'POST' && c.body?.content === notice.content),
    );
    const stored = (await inbound((await h.conversationOf(ivan.id))!.id)).at(-1)!;
    expect(stored).toMatchObject({ buttonId: 'helpful:no', text: 'No, I need a person', externalId: press.id });
  });

  it('opens a private thread for a support-channel message, answers there and removes the public copy', async () => {
    const pavel = h.fake.user('pavel');
    const asked = h.fake.sendInGuild(pavel, h.fake.supportChannelId, 'Сколько идет доставка?');

    const thread = await waitFor(() => h.fake.threadsCreated().at(-1), 'a thread');
    const create = h.fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${h.fake.supportChannelId}/threads`)!;
    expect(create.body).toMatchObject({ type: 12, invitable: false, auto_archive_duration: 10080 });
    expect(create.body.name).toContain('Pavel');
    await waitFor(() => h.fake.threadMembers.find((m) => m.threadId === thread.id && m.userId === pavel.id), 'the customer added to the thread');

    const intro = await h.botMessage(thread.id, (m) => m.content.includes(`<@${pavel.id}>`), 'the intro in the thread');
    expect(intro.content).toContain('> Сколько идет доставка?');
    expect(intro.allowed_mentions).toEqual({ parse: [], users: [pavel.id] });
    await h.kbAnswer(thread.id, pavel, 'delivery-time', 'ru');
    await waitFor(() => h.fake.deleted.find((d) => d.messageId === asked && d.channelId === h.fake.supportChannelId), 'the public copy removed');
    // Nothing about the question is posted in the public channel.
    expect(h.fake.messagesIn(h.fake.supportChannelId)).toEqual([]);

    const conversation = (await h.conversationOf(pavel.id))!;
    expect(conversation).toMatchObject({ externalChatId: thread.id, externalUserId: pavel.id });
    expect((await inbound(conversation.id))[0]).toMatchObject({ externalId: asked, text: 'Сколько идет доставка?' });

    // In the thread: the customer's words count, a moderator's do not.
    const moderator = h.fake.user('moderator');
    h.fake.sendInGuild(moderator, thread.id, 'I am watching this thread');
    h.fake.sendInGuild(pavel, thread.id, 'А в Казахстан доставляете?');
    await waitFor(async () => (await inbound(conversation.id)).some((m) => m.text === 'А в Казахстан доставляете?'), "the customer's second message");
    // Back in the support channel while the conversation is open: the same thread, no new one.
    const threadsBefore = h.fake.threadsCreated().length;
    h.fake.sendInGuild(pavel, h.fake.supportChannelId, 'И ещё вопрос про оплату');
    await h.botMessage(thread.id, (m) => m.content.includes('> И ещё вопрос про оплату'), 'the follow-up quoted in the same thread');
    await waitFor(async () => (await inbound(conversation.id)).some((m) => m.text === 'И ещё вопрос про оплату'), 'the follow-up stored');
    expect(h.fake.threadsCreated()).toHaveLength(threadsBefore);
    expect((await inbound(conversation.id)).map((m) => m.text)).not.toContain('I am watching this thread');
    expect(await h.conversationOf(moderator.id)).toBeNull();
  });

  it('hands off, then delivers the agent reply to the thread and the rating buttons; a DM reply goes to the DM', async () => {
    const anna = h.fake.user('anna');
    h.fake.sendInGuild(anna, h.fake.supportChannelId, 'Позовите оператора, пожалуйста');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(anna.id);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    const threadId = conversation.externalChatId;
    expect(h.fake.threadsCreated().map((t) => t.id)).toContain(threadId);
    await waitFor(
      () => agent.events.find((e) => e.event === 'conversation:updated' && e.payload.id === conversation.id && e.payload.status === 'queued'),
      'the conversation in the agents queue',
    );

    const claimed = await agent.call('conversation:claim', { conversationId: conversation.id });
    expect(claimed.ok).toBe(true);
    const sent = await agent.call('message:send', { conversationId: conversation.id, text: 'Здравствуйте, Анна! Чем помочь?', clientId: 'discord-agent-1' });
    expect(sent.ok).toBe(true);
    const reply = await h.botMessage(threadId, (m) => m.content.includes('Здравствуйте, Анна! Чем помочь?'), 'the agent reply in the thread');
    const post = h.fake.calls.find((c) => c.method === 'POST' && c.body?.content === reply.content)!;
    expect(post.path).toBe(`/channels/${threadId}/messages`);
    // The agent's name in front, and the customer pinged (and nobody else).
    expect(reply.content).toBe(`<@${anna.id}> **Admin:** Здравствуйте, Анна! Чем помочь?`);
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [anna.id] });

    const resolved = await agent.call('conversation:resolve', { conversationId: conversation.id });
    expect(resolved.ok).toBe(true);
    const rating = await h.botMessage(threadId, (m) => customIds(m).includes('csat:5'), 'the rating question');
    expect(customIds(rating)).toEqual(['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5']);
    // Someone else pressing the customer's rating is turned away privately.
    const stranger = h.fake.user('stranger');
    const foreign = h.fake.pressButton(stranger, rating, 'csat:1');
    const refusal = await waitFor(() => h.fake.callbacks.find((c) => c.interactionId === foreign.id), 'the refusal');
    expect(refusal.body).toMatchObject({ type: 4, data: { flags: 64 } });
    h.fake.pressButton(anna, rating, 'csat:5');
    await waitFor(async () => (await h.server.chatbridge.store.getConversation(conversation.id))?.status === 'closed', 'the rating to close it');
    const csat = (await h.server.chatbridge.store.listEvents(conversation.id)).filter((e) => e.type === 'csat');
    expect(csat.map((e) => e.data)).toEqual([{ rating: 5 }]);

    // A DM conversation's agent reply goes to that DM channel.
    const boris = h.fake.user('boris');
    const dm = h.fake.dmChannel(boris);
    h.fake.sendDm(boris, 'I want to talk to a human');
    const dmConversation = await waitFor(async () => {
      const c = await h.conversationOf(boris.id);
      return c?.status === 'queued' ? c : null;
    }, 'the DM hand-off');
    await agent.call('message:send', { conversationId: dmConversation.id, text: 'Hi Boris, Admin here.', clientId: 'discord-agent-2' });
    await h.botMessage(dm.id, (m) => m.content === '**Admin:** Hi Boris, Admin here.', 'the agent reply in the DM');
  });

  it('opens a thread with /support from any channel of the server, greets with the topics and links the thread', async () => {
    const vera = h.fake.user('vera');
    const command = h.fake.slashSupport(vera, h.fake.generalChannelId);
    const deferred = await waitFor(() => h.fake.callbacks.find((c) => c.interactionId === command.id), 'the deferral');
    expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } }); // ephemeral "thinking…"

    const edit = await waitFor(() => h.fake.webhookEdits.find((e) => e.token === command.token), 'the reply with the link');
    const thread = h.fake.threadsCreated().find((t) => edit.body.content.includes(`<#${t.id}>`))!;
    expect(thread.parent_id).toBe(h.fake.supportChannelId);
    const greeting = await h.botMessage(thread.id, (m) => customIds(m).includes('human'), 'the greeting with topics');
    expect(customIds(greeting).some((id) => id.startsWith('topic:'))).toBe(true);
    expect(await h.conversationOf(vera.id)).toMatchObject({ externalChatId: thread.id });

    // A topic button routes too: the topic's questions come back as buttons.
    const topic = customIds(greeting).find((id) => id.startsWith('topic:'))!;
    h.fake.pressButton(vera, greeting, topic);
    const questions = await h.botMessage(thread.id, (m) => customIds(m).some((id) => id.startsWith('kb:')), "the topic's questions");
    expect(customIds(questions).at(-1)).toBe('human');

    // In a DM, /support with a question is answered right there.
    const gleb = h.fake.user('gleb');
    const dm = h.fake.dmChannel(gleb);
    const inDm = h.fake.slashSupport(gleb, dm.id, 'How long does delivery take?');
    await h.kbAnswer(dm.id, gleb, 'delivery-time', 'en');
    expect(h.fake.callbacks.find((c) => c.interactionId === inDm.id)?.body.type).toBe(5);
    expect(await h.conversationOf(gleb.id)).toMatchObject({ externalChatId: dm.id });
  });

  it('keeps attachments (URL, name, size) and hands a file without words to a person', async () => {
    const lena = h.fake.user('lena');
    const url = 'https://cdn.discordapp.com/attachments/1/2/receipt.png';
    h.fake.sendDm(lena, '', {
      attachments: [{ id: h.fake.snowflake(), filename: 'receipt.png', size: 48213, url, proxy_url: url, content_type: 'image/png' }],
    });
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(lena.id);
      return c?.status === 'queued' ? c : null;
    }, 'the attachment handed off');
    const [message] = await inbound(conversation.id);
    expect(message!.attachments).toEqual([{ kind: 'photo', ref: url, url, name: 'receipt.png', size: 48213, mimeType: 'image/png' }]);
  });

  it('splits an agent reply over 2000 characters into parts that each fit', async () => {
    const mark = h.fake.user('mark');
    const dm = h.fake.dmChannel(mark);
    h.fake.sendDm(mark, 'human please');
    const conversation = await waitFor(async () => {
      const c = await h.conversationOf(mark.id);
      return c?.status === 'queued' ? c : null;
    }, 'the hand-off');
    const paragraph = 'Доставка по России занимает от двух до семи дней, в зависимости от города и службы. ';
    const long = Array.from({ length: 45 }, () => paragraph).join('').trim();
    expect(long.length).toBeGreaterThan(3000);
    await agent.call('message:send', { conversationId: conversation.id, text: long, clientId: 'discord-long-1' });
    await waitFor(() => h.fake.messagesIn(dm.id).filter((m) => m.content.includes('Доставка по России')).length === 2, 'two parts');
    const parts = h.fake.messagesIn(dm.id).filter((m) => m.content.includes('Доставка по России'));
    for (const part of parts) expect(part.content.length).toBeLessThanOrEqual(2000);
    expect(parts.map((p) => p.content).join(' ')).toBe(`**Admin:** ${long}`);
  });
});

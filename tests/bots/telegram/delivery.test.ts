import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../../helpers/clients.js';
import { waitFor } from '../../helpers/server.js';
import type { FakeUser } from './fake-bot-api.js';
import { startTelegramHarness, type TelegramHarness } from './harness.js';

/** A customer who asked for a person: a queued conversation an agent can reply to. */
async function handedOff(h: TelegramHarness, name: string): Promise<{ user: FakeUser; conversationId: number }> {
  const user = h.fake.user(name, 'ru');
  h.fake.say(user, '/human');
  const conversation = await waitFor(async () => {
    const c = await h.conversationOf(user);
    return c?.status === 'queued' ? c : null;
  }, `${name} handed off`);
  // The hand-off notice is out, so the next sendMessage to this chat is the agent's.
  await h.botMessage(user, (m) => /оператор/i.test(m.text), 'the hand-off notice');
  return { user, conversationId: conversation.id };
}

const sendsOf = (h: TelegramHarness, chatId: number, text: string) =>
  h.fake.callsOf('sendMessage').filter((c) => c.body.chat_id === chatId && String(c.body.text).includes(text));

describe('Telegram delivery: rate limits, blocked users, outages (real grammy, fake Bot API)', () => {
  let h: TelegramHarness;
  let agent: AgentClient;

  beforeAll(async () => {
    h = await startTelegramHarness({ env: { MAX_MESSAGE_LENGTH: '6000' } });
    agent = await connectAgent(h.server.url);
  });
  afterAll(async () => {
    agent?.close();
    await h?.stop();
  });

  it('a 429 on sendMessage waits retry_after, then delivers exactly once', async () => {
    const { user, conversationId } = await handedOff(h, 'Rita');
    h.fake.inject({
      method: 'sendMessage',
      times: 1,
      when: (b) => b.chat_id === user.id,
      error: { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    expect((await agent.call('message:send', { conversationId, text: 'Проверяю ваш заказ', clientId: 'rl-1' })).ok).toBe(true);
    await h.botMessage(user, (m) => m.text.endsWith('Проверяю ваш заказ'), 'the reply after the rate limit');
    const attempts = sendsOf(h, user.id, 'Проверяю ваш заказ');
    expect(attempts.map((a) => a.outcome)).toEqual([429, 'ok']);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(h.fake.sentTo(user.id).filter((m) => m.text.endsWith('Проверяю ваш заказ'))).toHaveLength(1);
    const stored = (await h.server.chatbridge.store.listMessages(conversationId)).find((m) => m.text === 'Проверяю ваш заказ');
    await waitFor(async () => (await h.server.chatbridge.store.getMessage(stored!.id))?.delivery === 'sent', 'the outbox row marked sent');
  });

  it('a 403 "bot was blocked by the user" marks the contact unreachable and tells the agents; writing again clears it', async () => {
    const { user, conversationId } = await handedOff(h, 'Boris');
    h.fake.inject({
      method: 'sendMessage',
      times: 1,
      when: (b) => b.chat_id === user.id,
      error: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    expect((await agent.call('message:send', { conversationId, text: 'Вы здесь?', clientId: 'blocked-1' })).ok).toBe(true);
    const failed = await waitFor(
      () => agent.events.find((e) => e.event === 'delivery:failed' && e.payload.conversationId === conversationId),
      'delivery:failed for the agents',
    );
    expect(failed.payload.reason).toMatch(/blocked by the user/);
    const conversation = (await h.server.chatbridge.store.getConversation(conversationId))!;
    expect((await h.server.chatbridge.store.getContact(conversation.contactId))?.unreachableReason).toMatch(/blocked by the user/);
    // Given up, not retried: a blocked bot cannot write.
    expect(sendsOf(h, user.id, 'Вы здесь?')).toHaveLength(1);

    h.fake.say(user, 'Разблокировал, извините');
    await waitFor(async () => (await h.server.chatbridge.store.getContact(conversation.contactId))?.unreachableReason === null, 'unreachable cleared');
  });

  it('5xx answers and dropped connections are retried through the outbox, and the reply goes out once', async () => {
    const { user, conversationId } = await handedOff(h, 'Gleb');
    h.fake.inject({ method: 'sendMessage', times: 1, when: (b) => b.chat_id === user.id, error: { error_code: 502, description: 'Bad Gateway' } });
    h.fake.inject({ method: 'sendMessage', times: 1, when: (b) => b.chat_id === user.id, drop: true });
    expect((await agent.call('message:send', { conversationId, text: 'Отправили посылку', clientId: 'outage-1' })).ok).toBe(true);
    await h.botMessage(user, (m) => m.text.endsWith('Отправили посылку'), 'the reply after the outage');
    expect(sendsOf(h, user.id, 'Отправили посылку').map((a) => a.outcome)).toEqual([502, 'dropped', 'ok']);
    expect(h.fake.sentTo(user.id).filter((m) => m.text.endsWith('Отправили посылку'))).toHaveLength(1);
  });

  it('a split message whose second part hits a 429 sends only the rest on retry', async () => {
    const { user, conversationId } = await handedOff(h, 'Vera');
    const long = `${'Первая часть ответа. '.repeat(150)}\n\n${'Вторая часть ответа. '.repeat(80)}`;
    expect(long.length).toBeGreaterThan(4096);
    h.fake.inject({
      method: 'sendMessage',
      times: 1,
      when: (b) => b.chat_id === user.id && String(b.text).startsWith('Вторая'),
      error: { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } },
    });
    expect((await agent.call('message:send', { conversationId, text: long, clientId: 'split-1' })).ok).toBe(true);
    await h.botMessage(user, (m) => m.text.startsWith('Вторая'), 'the second part');
    expect(h.fake.sentTo(user.id).filter((m) => m.text.includes('Первая часть'))).toHaveLength(1);
    expect(h.fake.sentTo(user.id).filter((m) => m.text.startsWith('Вторая'))).toHaveLength(1);
  });

  it('a customer message longer than the core accepts is stored in parts, nothing lost', async () => {
    const user = h.fake.user('Kira', 'ru');
    h.fake.say(user, '/human');
    const text = 'Очень подробно описываю проблему с заказом. '.repeat(150).trim();
    expect(text.length).toBeGreaterThan(6000);
    h.fake.say(user, text);
    const conversation = (await waitFor(() => h.conversationOf(user), 'the conversation'))!;
    const parts = await waitFor(async () => {
      const inbound = (await h.server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in' && m.text !== '/human');
      return inbound.length >= 2 ? inbound : null;
    }, 'the parts');
    expect(parts.map((p) => p.text).join(' ')).toBe(text);
  });

  it('a press of a button this server never made is answered with a notice, not routed', async () => {
    const user = h.fake.user('Yan', 'en');
    const press = h.fake.press(user, { message_id: 1, chat_id: user.id, text: 'old', at: Date.now() }, 'cb#not-a-known-hash');
    const answer = await waitFor(
      () => h.fake.callsOf('answerCallbackQuery').find((c) => c.body.callback_query_id === press.callback_query.id),
      'the answer to the press',
    );
    expect(answer.body.text).toMatch(/expired/);
    expect(await h.conversationOf(user)).toBeNull();
  });
});

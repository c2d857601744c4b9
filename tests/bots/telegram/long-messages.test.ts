import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { waitFor } from '../../helpers/server.js';
import type { FakeUser } from './fake-bot-api.js';
import { startTelegramHarness, type TelegramHarness } from './harness.js';

const MAX_MESSAGE_LENGTH = 1000;

describe('Telegram: a customer message longer than MAX_MESSAGE_LENGTH (real grammy, fake Bot API)', () => {
  let h: TelegramHarness;
  let receive: MockInstance;

  beforeAll(async () => {
    // Telegram allows 4096 characters; the core here takes 1000.
    h = await startTelegramHarness({ env: { MAX_MESSAGE_LENGTH: String(MAX_MESSAGE_LENGTH) } });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    receive = vi.spyOn(h.server.chatbridge.router, 'receive');
  });
  afterEach(() => {
    receive.mockRestore();
  });

  /** Every message of the user's conversation once the update is handled (its offset confirmed). */
  async function settled(user: FakeUser, parts: number) {
    const conversation = await waitFor(() => h.conversationOf(user), 'the conversation');
    await waitFor(async () => {
      const inbound = (await h.server.chatbridge.store.listMessages(conversation.id)).filter((m) => m.direction === 'in');
      return inbound.length === parts && h.fake.unconfirmed === 0;
    }, 'every part stored and the update handled');
    return h.server.chatbridge.store.listMessages(conversation.id);
  }

  /** What the adapter handed to the core for the update's message: externalMessageId, buttonId, storeOnly. */
  const handedOver = (chatId: number) =>
    receive.mock.calls
      .map(([m]) => m as { externalMessageId: string; buttonId?: string; storeOnly?: boolean })
      .filter((m) => m.externalMessageId.startsWith(`${chatId}:`))
      .map((m) => ({ id: m.externalMessageId, buttonId: m.buttonId, storeOnly: m.storeOnly ?? false }));

  it('a long question is stored in parts, in order, and answered once: the bot acts on the last part only', async () => {
    const user = h.fake.user('Dina', 'ru');
    const text = 'Сколько идет доставка в Казань? '.repeat(45).trim();
    expect(text.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);
    const update = h.fake.say(user, text);
    const messages = await settled(user, 2);
    const inbound = messages.filter((m) => m.direction === 'in');
    const id = `${user.id}:${update.message.message_id}`;
    expect(inbound.map((m) => m.externalId)).toEqual([id, `${id}:2`]);
    expect(inbound.map((m) => m.text).join(' ')).toBe(text);

    const replies = messages.filter((m) => m.direction === 'out');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.id).toBeGreaterThan(inbound[1]!.id);
    await waitFor(async () => (await h.server.chatbridge.store.getMessage(replies[0]!.id))?.delivery === 'sent', 'the answer delivered');
    expect(h.fake.sentTo(user.id)).toHaveLength(1);
    expect((await h.conversationOf(user))?.botMisses).toBe(0);

    expect(handedOver(user.id)).toEqual([
      { id, buttonId: undefined, storeOnly: true },
      { id: `${id}:2`, buttonId: undefined, storeOnly: false },
    ]);
  });

  it('/human with a long explanation: one hand-off; the command rides on the first part, the rest is only stored', async () => {
    const user = h.fake.user('Egor', 'ru');
    const text = `/human ${'Курьер дважды не приехал в назначенное время, а в поддержке по телефону никто не отвечает. '.repeat(14).trim()}`;
    expect(text.length).toBeGreaterThan(MAX_MESSAGE_LENGTH);
    const update = h.fake.say(user, text);
    const messages = await settled(user, 2);
    expect((await h.conversationOf(user))?.status).toBe('queued');
    const replies = messages.filter((m) => m.direction === 'out');
    expect(replies).toHaveLength(1);
    await h.botMessage(user, (m) => /оператор/i.test(m.text), 'the hand-off notice');
    expect(h.fake.sentTo(user.id)).toHaveLength(1);

    const id = `${user.id}:${update.message.message_id}`;
    expect(handedOver(user.id)).toEqual([
      { id, buttonId: 'human', storeOnly: false },
      { id: `${id}:2`, buttonId: undefined, storeOnly: true },
    ]);
    const inbound = messages.filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.buttonId)).toEqual(['human', null]);
    expect(inbound.map((m) => m.text).join(' ')).toBe(text);
  });
});

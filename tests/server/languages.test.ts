/**
 * Customers whose app speaks a language the bot has no texts for (a German Telegram client, a
 * French Discord locale) are answered in English, handed off with a notice and asked for a rating:
 * never left without an answer.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

describe('a customer in another language', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const botTexts = async (conversationId: number) =>
    (await server.chatbridge.store.listMessages(conversationId)).filter((m) => m.direction === 'out').map((m) => m.text);

  it('gets English answers, a hand-off notice and the rating question', async () => {
    const { router, store } = server.chatbridge;
    const user = `tg-${randomUUID()}`;
    const say = (text: string) =>
      router.receive({ channel: 'telegram', externalChatId: user, externalUserId: user, externalMessageId: randomUUID(), text, profile: { name: 'Jonas', language: 'de' } });

    // No words to tell the language by (a sticker, a photo without a caption): the app's language decides.
    const { conversationId } = await say('👍 ?');
    const first = await waitFor(async () => (await botTexts(conversationId))[0], 'an answer');
    expect(first).toMatch(/[a-z]/i);
    expect(first).not.toMatch(/[а-яё]/i);

    await say('👋');
    await say('!!!');
    await waitFor(async () => (await store.getConversation(conversationId))!.status === 'queued', 'the hand-off');
    await waitFor(async () => (await botTexts(conversationId)).some((t) => /agents?\b/i.test(t)), 'the hand-off notice in English');

    const admin = (await store.findAgentByEmail(ADMIN_EMAIL))!;
    await router.claim(admin, conversationId);
    await router.resolve(admin, conversationId);
    await waitFor(async () => (await botTexts(conversationId)).some((t) => t.includes('Please rate our help from 1 to 5.')), 'the rating question');
  });
});

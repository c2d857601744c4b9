/**
 * The real chatbridge server with its Telegram channel talking to a FakeBotApi, plus helpers to
 * read what the bot sent.
 */
import { createTelegramChannel, type TelegramChannel, type TelegramChannelOptions } from '../../../bots/telegram/index.js';
import type { OutboxOptions } from '../../../server/outbox/worker.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { FakeBotApi, type FakeUser, type SentMessage } from './fake-bot-api.js';

export interface TelegramHarness {
  fake: FakeBotApi;
  server: TestServer;
  telegram: TelegramChannel;
  /** Waits for a message the bot sent to `user` that satisfies `match`. */
  botMessage(user: FakeUser, match: (m: SentMessage) => boolean, what: string): Promise<SentMessage>;
  /**
   * Waits for the knowledge-base answer `entryId`. When the matcher offered suggestions instead,
   * the customer presses the entry's button, as a person would.
   */
  kbAnswer(user: FakeUser, entryId: string, lang: 'ru' | 'en'): Promise<SentMessage>;
  /** The customer's newest conversation. */
  conversationOf(user: FakeUser): ReturnType<TestServer['chatbridge']['store']['latestConversation']>;
  stop(): Promise<void>;
}

export async function startTelegramHarness(
  options: { env?: Record<string, string>; overrides?: Partial<TelegramChannelOptions>; outbox?: OutboxOptions; fake?: FakeBotApi } = {},
): Promise<TelegramHarness> {
  const fake = options.fake ?? (await new FakeBotApi().listen());
  const server = await startTestServer({
    env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_POLL_TIMEOUT: '5', ...options.env },
    outbox: options.outbox,
    // Without overrides the server's own channel list builds the adapter from TELEGRAM_*, as in production.
    ...(options.overrides ? { channels: [(ctx) => createTelegramChannel(ctx, options.overrides)] } : {}),
  });
  const telegram = server.chatbridge.channels.get('telegram') as TelegramChannel | undefined;
  if (!telegram) throw new Error('the Telegram channel was not built');
  const botMessage = (user: FakeUser, match: (m: SentMessage) => boolean, what: string) =>
    waitFor(() => fake.sentTo(user.id).find(match), what);
  return {
    fake,
    server,
    telegram,
    botMessage,
    async kbAnswer(user, entryId, lang) {
      const kb = server.chatbridge.kb;
      const text = kb.answerText(kb.get(entryId)!, lang);
      const first = await botMessage(
        user,
        (m) => m.text.includes(text) || callbackData(m).includes(`cb|kb:${entryId}`),
        `the answer (or a suggestion) for ${entryId}`,
      );
      if (first.text.includes(text)) return first;
      fake.press(user, first, `cb|kb:${entryId}`);
      return botMessage(user, (m) => m.text.includes(text), `the answer ${entryId}`);
    },
    conversationOf: (user) => server.chatbridge.store.latestConversation('telegram', String(user.id)),
    async stop() {
      await server.stop();
      if (!options.fake) await fake.close();
    },
  };
}

/** Every callback_data on a message's inline keyboard. */
export function callbackData(message: SentMessage): string[] {
  return (message.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data);
}

/** The button labels, row by row. */
export function keyboardLabels(message: SentMessage): string[][] {
  return (message.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
}

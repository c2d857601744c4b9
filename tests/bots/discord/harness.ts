/**
 * The real chatbridge server with its Discord channel logged in to a FakeDiscord, plus helpers to
 * read what the bot posted.
 */
import { createDiscordChannel, type DiscordChannel, type DiscordChannelOptions } from '../../../bots/discord/index.js';
import type { OutboxOptions } from '../../../server/outbox/worker.js';
import { startTestServer, waitFor, type TestServer } from '../../helpers/server.js';
import { FakeDiscord, type FakeMessage, type FakeUser } from './fake-discord.js';

export interface DiscordHarness {
  fake: FakeDiscord;
  server: TestServer;
  discord: DiscordChannel;
  /** Waits for a message from the bot in `channelId` that satisfies `match`. */
  botMessage(channelId: string, match: (m: FakeMessage) => boolean, what: string): Promise<FakeMessage>;
  /**
   * Waits for the knowledge-base answer `entryId` in `channelId`. When the matcher offered
   * suggestions instead of answering outright, the customer picks the entry's button, as a
   * person would; either way the answer comes from the knowledge base.
   */
  kbAnswer(channelId: string, user: FakeUser, entryId: string, lang: 'ru' | 'en'): Promise<FakeMessage>;
  /** The conversation a Discord user is in (newest). */
  conversationOf(userId: string): ReturnType<TestServer['chatbridge']['store']['latestConversation']>;
  stop(): Promise<void>;
}

/**
 * Starts the fake and the server. Without `overrides` the server's own channel list builds the
 * adapter from the environment (DISCORD_BOT_TOKEN...), as in production.
 */
export async function startDiscordHarness(
  options: { overrides?: Partial<DiscordChannelOptions>; env?: Record<string, string>; outbox?: OutboxOptions } = {},
): Promise<DiscordHarness> {
  const fake = await new FakeDiscord().listen();
  const env = {
    DISCORD_BOT_TOKEN: fake.token,
    DISCORD_API_ROOT: fake.apiRoot,
    DISCORD_SUPPORT_CHANNEL_IDS: fake.supportChannelId,
    ...options.env,
  };
  const server = await startTestServer({
    env,
    outbox: options.outbox,
    ...(options.overrides ? { channels: [(ctx) => createDiscordChannel(ctx, options.overrides)] } : {}),
  });
  const discord = server.chatbridge.channels.get('discord') as DiscordChannel | undefined;
  if (!discord) throw new Error('the Discord channel was not built');
  return {
    fake,
    server,
    discord,
    botMessage: (channelId, match, what) => waitFor(() => fake.messagesIn(channelId).find(match), what),
    async kbAnswer(channelId, user, entryId, lang) {
      const kb = server.chatbridge.kb;
      const text = kb.answerText(kb.get(entryId)!, lang);
      const first = await waitFor(
        () => fake.messagesIn(channelId).find((m) => m.content.includes(text) || customIds(m).includes(`kb:${entryId}`)),
        `the answer (or a suggestion) for ${entryId}`,
      );
      if (first.content.includes(text)) return first;
      fake.pressButton(user, first, `kb:${entryId}`);
      return waitFor(() => fake.messagesIn(channelId).find((m) => m.content.includes(text)), `the answer ${entryId}`);
    },
    conversationOf: (userId) => server.chatbridge.store.latestConversation('discord', userId),
    async stop() {
      await server.stop();
      await fake.close();
    },
  };
}

/** The custom_ids of a message's buttons, row by row flattened. */
export function customIds(message: FakeMessage): string[] {
  return message.components.flatMap((row: any) => row.components.map((c: any) => c.custom_id));
}

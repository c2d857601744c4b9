/**
 * The Discord adapter's entry: builds the channel from the server's configuration, or nothing
 * when DISCORD_BOT_TOKEN is unset. Typed structurally, so the adapter needs nothing from server/
 * but the channel contract.
 * @module
 */
import type { Logger } from 'pino';
import { DiscordChannel, type DiscordChannelOptions } from './adapter.js';
import type { KeyValue } from './threads.js';

export { DiscordChannel, type DiscordChannelOptions } from './adapter.js';

/** The part of the server's ChannelContext the factory reads. */
export interface DiscordFactoryContext {
  config: {
    maxMessageLength: number;
    discord?: { token: string; apiRoot?: string; supportChannelIds: string[]; deleteSupportMessages?: boolean; maxRateLimitWaitMs?: number };
  };
  settings: KeyValue;
  log: Logger;
}

/** The Discord channel when configured; `overrides` are for tests (short timeouts and the like). */
export function createDiscordChannel(ctx: DiscordFactoryContext, overrides: Partial<DiscordChannelOptions> = {}): DiscordChannel | null {
  const discord = ctx.config.discord;
  if (!discord) return null;
  return new DiscordChannel({
    token: discord.token,
    apiRoot: discord.apiRoot,
    supportChannelIds: discord.supportChannelIds,
    deleteSupportMessages: discord.deleteSupportMessages ?? true,
    maxRateLimitWaitMs: discord.maxRateLimitWaitMs,
    settings: ctx.settings,
    maxMessageLength: ctx.config.maxMessageLength,
    log: ctx.log.child({ channel: 'discord' }),
    ...overrides,
  });
}

/**
 * The discord.js client the adapter runs: the intents and partials support needs, REST pointed at
 * DISCORD_API_ROOT when set, no mass mentions ever.
 * @module
 */
import { Client, GatewayIntentBits, Partials, type RateLimitData } from 'discord.js';

export interface ClientSettings {
  apiRoot?: string;
  /** REST rate limits longer than this are not waited out in place but thrown (RateLimitError). */
  maxRateLimitWaitMs: number;
  restTimeoutMs: number;
  /** Retries of 5xx answers and timeouts inside discord.js before the outbox's own back-off. */
  restRetries: number;
  waitGuildTimeoutMs: number;
}

/**
 * Intents: Guilds (channels and threads), GuildMessages (the support channel and threads),
 * DirectMessages, and MessageContent, the privileged one that must be switched on in the
 * developer portal. Partials.Channel: DM channels are not cached before their first message,
 * and without the partial discord.js drops that message silently.
 */
export function createDiscordClient(settings: ClientSettings): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    partials: [Partials.Channel],
    // Customer text is echoed into threads and agents write free text: nobody gets pinged by it.
    allowedMentions: { parse: [], repliedUser: false },
    waitGuildTimeout: settings.waitGuildTimeoutMs,
    rest: {
      ...(settings.apiRoot ? { api: settings.apiRoot } : {}),
      timeout: settings.restTimeoutMs,
      retries: settings.restRetries,
      // Short limits are waited out by discord.js; long ones go back to the outbox, which keeps
      // the row and comes back after `retryAfter` instead of holding a delivery slot meanwhile.
      rejectOnRateLimit: (data: RateLimitData) => Math.max(data.retryAfter, data.sublimitTimeout) > settings.maxRateLimitWaitMs,
    },
  });
}

/**
 * The Telegram adapter's entry: builds the channel from the server's configuration, or nothing
 * when TELEGRAM_BOT_TOKEN is unset. Typed structurally, so the adapter needs nothing from server/
 * but the channel contract.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TelegramChannel, type TelegramChannelOptions } from './adapter.js';
import type { KeyValue } from './buttons.js';
import { RecentUpdates } from './recent-updates.js';

export { TelegramChannel, type TelegramChannelOptions } from './adapter.js';

/** Where a generated webhook secret is kept, so a restart sets the same one. */
const SECRET_KEY = 'telegram.webhook_secret';

/** The part of the server's ChannelContext the factory reads. */
export interface TelegramFactoryContext {
  config: {
    maxMessageLength: number;
    telegram?: {
      token: string;
      apiRoot: string;
      webhookUrl?: string;
      webhookSecret?: string;
      allowGroups: boolean;
      mode: 'polling' | 'webhook' | 'forward';
      forwardSecret?: string;
      pollTimeoutSeconds: number;
    };
  };
  app: FastifyInstance;
  settings: KeyValue;
  log: Logger;
}

/** The Telegram channel when configured; `overrides` are for tests (short timeouts and the like). */
export async function createTelegramChannel(
  ctx: TelegramFactoryContext,
  overrides: Partial<TelegramChannelOptions> = {},
): Promise<TelegramChannel | null> {
  const telegram = ctx.config.telegram;
  if (!telegram) return null;
  let webhookSecret = telegram.webhookSecret;
  if (telegram.mode === 'webhook' && !webhookSecret) {
    webhookSecret = (await ctx.settings.get(SECRET_KEY)) ?? undefined;
    if (!webhookSecret) {
      webhookSecret = randomBytes(32).toString('base64url');
      await ctx.settings.set(SECRET_KEY, webhookSecret);
    }
  }
  return new TelegramChannel({
    token: telegram.token,
    apiRoot: telegram.apiRoot.replace(/\/+$/, ''),
    mode: telegram.mode,
    webhookUrl: telegram.webhookUrl,
    webhookSecret,
    forwardSecret: telegram.forwardSecret,
    allowGroups: telegram.allowGroups,
    pollTimeoutSeconds: telegram.pollTimeoutSeconds,
    maxMessageLength: ctx.config.maxMessageLength,
    settings: ctx.settings,
    recent: await RecentUpdates.load(ctx.settings),
    app: ctx.app,
    log: ctx.log.child({ channel: 'telegram' }),
    ...overrides,
  });
}

/**
 * The webchat adapter's entry: builds the channel from the server's configuration. Typed
 * structurally, so the adapter needs nothing from server/ but the channel contract.
 * @module
 */
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { WebchatChannel, type WebchatOptions } from './adapter.js';
import type { PrechatMode } from './protocol.js';

export { WebchatChannel, WEBCHAT_NAMESPACE, PRECHAT_SETTING, type WebchatOptions } from './adapter.js';

/** The part of the server's ChannelContext the factory reads. */
export interface WebchatFactoryContext {
  config: {
    maxMessageLength: number;
    webchatRateLimit?: number;
    widgetAllowedOrigins: string[];
    widgetIdentitySecret?: string;
    widgetPrechatForm?: PrechatMode;
    workingHours: string;
  };
  io: Server;
  secret: string;
  log: Logger;
  settings: { get(key: string): Promise<string | null> };
}

/** The webchat channel (always on: it is how the widget talks); `overrides` are for tests. */
export function createWebchatChannel(ctx: WebchatFactoryContext, overrides: Partial<WebchatOptions> = {}): WebchatChannel {
  return new WebchatChannel({
    io: ctx.io,
    secret: ctx.secret,
    maxMessageLength: ctx.config.maxMessageLength,
    allowedOrigins: ctx.config.widgetAllowedOrigins,
    identitySecret: ctx.config.widgetIdentitySecret,
    rateLimit: ctx.config.webchatRateLimit,
    workingHours: ctx.config.workingHours,
    prechatForm: ctx.config.widgetPrechatForm,
    settings: ctx.settings,
    log: ctx.log.child({ channel: 'webchat' }),
    ...overrides,
  });
}

/**
 * The channel adapters this build ships, one line each. Remove an adapter by deleting its
 * folder under bots/ and its line here.
 * @module
 */
import { WebchatChannel } from '../bots/webchat/adapter.js';
import type { ChannelFactory } from './app.js';

export const defaultChannels: ChannelFactory[] = [
  (ctx) =>
    new WebchatChannel({
      io: ctx.io,
      secret: ctx.secret,
      maxMessageLength: ctx.config.maxMessageLength,
      allowedOrigins: ctx.config.widgetAllowedOrigins,
      identitySecret: ctx.config.widgetIdentitySecret,
      rateLimit: ctx.config.webchatRateLimit,
      log: ctx.log.child({ channel: 'webchat' }),
    }),
];

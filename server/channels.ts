/**
 * The channel adapters this build ships, one line each. Remove an adapter by deleting its
 * folder under bots/ and its line here.
 * @module
 */
import { createDiscordChannel } from '../bots/discord/index.js';
import { createTelegramChannel } from '../bots/telegram/index.js';
import { createWebchatChannel } from '../bots/webchat/index.js';
import type { ChannelFactory } from './app.js';

export const defaultChannels: ChannelFactory[] = [
  (ctx) => createWebchatChannel(ctx),
  (ctx) => createDiscordChannel(ctx),
  (ctx) => createTelegramChannel(ctx),
];

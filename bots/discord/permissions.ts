/**
 * The server permissions the bot needs, and the invite link that asks for exactly those.
 * @module
 */
import { PermissionFlagsBits } from 'discord.js';

/** What each permission is for, as the README explains it. */
export const REQUIRED_PERMISSIONS = {
  ViewChannel: PermissionFlagsBits.ViewChannel, // see the support channel
  SendMessages: PermissionFlagsBits.SendMessages, // explain a failure in the support channel
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory, // reply to a customer's message
  CreatePrivateThreads: PermissionFlagsBits.CreatePrivateThreads, // one private thread per customer
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads, // the bot's and agents' answers
  ManageMessages: PermissionFlagsBits.ManageMessages, // remove the question from the public channel
} as const;

/** The permissions integer for the invite URL. */
export const PERMISSIONS_INTEGER: bigint = Object.values(REQUIRED_PERMISSIONS).reduce((all, bit) => all | bit, 0n);

/** The OAuth2 link that adds the bot (with /support) to a server with those permissions. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${PERMISSIONS_INTEGER}`;
}

/**
 * What a failed Discord REST call means for the outbox: try again (when), or give up (and whether
 * the customer is unreachable).
 * @module
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { DeliveryResult } from '../../server/channels/contract.js';

/** Discord's JSON error codes the adapter tells apart. */
export const DiscordCodes = {
  unknownChannel: 10003,
  unknownUser: 10013,
  missingAccess: 50001,
  cannotSendToUser: 50007,
  missingPermissions: 50013,
} as const;

/** Classifies an error thrown while sending a message. */
export function deliveryResultFor(err: unknown): DeliveryResult {
  if (err instanceof RateLimitError) {
    // A rate limit longer than the adapter waits in place: the outbox comes back at the right time.
    return { status: 'retry', reason: `Discord rate limit on ${err.route}`, retryAfterMs: Math.max(err.retryAfter, err.sublimitTimeout, 0) };
  }
  if (err instanceof DiscordAPIError) {
    const code = Number(err.code);
    if (code === DiscordCodes.cannotSendToUser) {
      return { status: 'failed', reason: 'Discord: the user does not accept messages from the bot (50007)', unreachable: true };
    }
    if (code === DiscordCodes.unknownChannel || code === DiscordCodes.unknownUser) {
      return { status: 'failed', reason: `Discord: the chat no longer exists (${code})`, unreachable: true };
    }
    if (code === DiscordCodes.missingAccess || code === DiscordCodes.missingPermissions) {
      return { status: 'failed', reason: `Discord: the bot lacks permission to write there (${code})` };
    }
    // 401: the token was revoked or rotated; once it is fixed, the message should still go out.
    if (err.status === 401 || err.status === 429 || err.status >= 500) {
      return { status: 'retry', reason: `Discord answered ${err.status}: ${err.message}` };
    }
    return { status: 'failed', reason: `Discord refused the message (${err.status} ${code}): ${err.message}` };
  }
  if (err instanceof HTTPError) return { status: 'retry', reason: `Discord answered ${err.status}` };
  // Network errors and timeouts: nothing was refused, try again with back-off.
  return { status: 'retry', reason: err instanceof Error ? `Discord unreachable: ${err.message}` : 'Discord unreachable' };
}

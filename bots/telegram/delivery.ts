/**
 * What a failed Bot API call means for the outbox: try again (when), or give up (and whether the
 * customer is unreachable). grammy's own retry plugin is not used for sends: the outbox already
 * retries durably (across restarts, in order per chat), and two retry loops would multiply waits.
 * @module
 */
import { GrammyError, HttpError } from 'grammy';
import type { DeliveryResult } from '../../server/channels/contract.js';

/** The longest retry_after honoured as asked; a longer one (a flood ban) is cut to this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Classifies an error thrown by a Bot API call that sends to a chat. */
export function deliveryResultFor(err: unknown): DeliveryResult {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const description = err.description ?? '';
    if (code === 429) {
      const seconds = Number(err.parameters?.retry_after);
      const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
      return { status: 'retry', reason: `Telegram rate limit: ${description}`, retryAfterMs };
    }
    if (code === 403) {
      // "bot was blocked by the user", "user is deactivated", "bot was kicked from the group chat"...
      return { status: 'failed', reason: `Telegram: ${description || 'forbidden'} (403)`, unreachable: true };
    }
    if (code === 400 && /chat not found|user not found|PEER_ID_INVALID|group chat was deactivated/i.test(description)) {
      return { status: 'failed', reason: `Telegram: ${description} (400)`, unreachable: true };
    }
    // 401: the token was revoked or rotated; once it is fixed, the message should still go out.
    if (code === 401 || code === 409 || code >= 500) return { status: 'retry', reason: `Telegram answered ${code}: ${description}` };
    return { status: 'failed', reason: `Telegram refused the message (${code}): ${description}` };
  }
  if (err instanceof HttpError) return { status: 'retry', reason: `Telegram unreachable: ${err.message}` };
  // Anything else (a timeout, a reset connection): nothing was refused, try again with back-off.
  return { status: 'retry', reason: err instanceof Error ? `Telegram unreachable: ${err.message}` : 'Telegram unreachable' };
}

/** The chat a group moved to when it became a supergroup (Telegram answers 400 with it). */
export function migratedChatId(err: unknown): number | undefined {
  return err instanceof GrammyError ? err.parameters?.migrate_to_chat_id : undefined;
}

/**
 * Delivers the outbox's messages to a DM or thread with POST /channels/{id}/messages: split under
 * 2000 characters, buttons on the last part, each part sent once even across retries.
 * @module
 */
import { Routes, type Client } from 'discord.js';
import type { Logger } from 'pino';
import type { ConversationRef, DeliveryResult, Outbound } from '../../server/channels/contract.js';
import type { ButtonIds } from './buttons.js';
import { deliveryResultFor } from './delivery.js';
import { buttonRows, displayText, renderParts, type MessagePayload } from './render.js';
import type { ThreadDirectory } from './threads.js';

export class Sender {
  /** Parts already delivered of a split message whose later part failed: a retry sends only the rest. */
  private readonly progress = new Map<number, number>();

  constructor(
    private readonly deps: { client: () => Client | null; buttons: ButtonIds; threads: ThreadDirectory; log: Logger },
  ) {}

  /** One outbound message; the result tells the outbox what to do next. */
  async send(ref: ConversationRef, outbound: Outbound): Promise<DeliveryResult> {
    const client = this.deps.client();
    // Uses REST only (no channel cache), so it works before READY and for chats from before a restart.
    if (!client?.token) return { status: 'retry', reason: 'Discord is not connected' };
    const rows = await this.rows(outbound);
    // In a thread, a person's reply pings the customer (thread notifications may be muted); the
    // bot's instant answers to what the customer just wrote do not need to.
    const thread = outbound.author.type !== 'bot' ? await this.deps.threads.get(ref.externalChatId) : null;
    const text = thread ? `<@${ref.externalUserId}> ${displayText(outbound)}` : displayText(outbound);
    const parts = renderParts(text, rows);
    let lastId: string | undefined;
    for (let index = this.progress.get(outbound.messageId) ?? 0; index < parts.length; index++) {
      try {
        const sent = (await client.rest.post(Routes.channelMessages(ref.externalChatId), {
          body: {
            ...parts[index],
            allowed_mentions: thread ? { parse: [], users: [ref.externalUserId] } : { parse: [] },
            // Discord returns the existing message for a repeated nonce: a retry after a timeout
            // that did reach Discord does not post twice.
            nonce: `cb${outbound.messageId}.${index}`,
            enforce_nonce: true,
          },
        })) as { id: string };
        lastId = sent.id;
        if (index + 1 < parts.length) this.progress.set(outbound.messageId, index + 1);
      } catch (err) {
        const result = deliveryResultFor(err);
        if (result.status === 'failed') this.progress.delete(outbound.messageId);
        this.deps.log.warn({ err, conversationId: ref.conversationId, part: index, result }, 'discord: delivery did not go through');
        return result;
      }
    }
    this.progress.delete(outbound.messageId);
    return { status: 'ok', externalMessageId: lastId };
  }

  private async rows(outbound: Outbound): Promise<MessagePayload['components']> {
    if (!outbound.quickReplies?.length) return undefined;
    // Discord refuses a message with two buttons of the same custom_id.
    const unique = [...new Map(outbound.quickReplies.map((q) => [q.id, q])).values()];
    const buttons = await Promise.all(unique.map(async (q) => ({ id: q.id, label: q.label, customId: await this.deps.buttons.encode(q.id) })));
    const laid = buttonRows(buttons);
    if (laid.dropped) this.deps.log.warn({ dropped: laid.dropped, messageId: outbound.messageId }, 'discord: more than 25 buttons; the rest are left out');
    return laid.rows;
  }
}

/**
 * Discord messages and users as the core's InboundMessage fields.
 * @module
 */
import type { Attachment as DiscordAttachment, GuildMember, Message, User } from 'discord.js';
import type { Attachment, InboundMessage, SenderProfile } from '../../server/channels/contract.js';
import { splitText } from './render.js';

/** A message for the core, possibly one part of a longer one (`storeOnly`: the bot does not act on it). */
export type InboundPart = InboundMessage;

/**
 * A message longer than the core takes (MAX_MESSAGE_LENGTH) as several, in order, none lost: the
 * same split as replies (paragraph, line, word), ids `<id>`, `<id>:2`, `<id>:3`…, the files on the
 * first part. The bot is to act on one part only: the one with the button id, else the last, so
 * that a long question gets one answer; the others are marked `storeOnly`.
 */
export function inboundParts(inbound: InboundMessage, limit: number): InboundPart[] {
  if (inbound.text.length <= limit) return [inbound];
  const texts = splitText(inbound.text, limit);
  const acted = inbound.buttonId ? 0 : texts.length - 1;
  return texts.map((text, index): InboundPart => {
    const part: InboundPart = {
      ...inbound,
      externalMessageId: index === 0 ? inbound.externalMessageId : `${inbound.externalMessageId}:${index + 1}`,
      text,
    };
    if (index > 0) delete part.attachments;
    if (index !== acted) {
      delete part.buttonId;
      part.storeOnly = true;
    }
    return part;
  });
}

/** Attachments as the core keeps them: the CDN URL, the file name and size, the type. */
export function attachmentsOf(message: Message): Attachment[] {
  return [...message.attachments.values()].map((a: DiscordAttachment) => ({
    kind: kindOf(a.contentType),
    ref: a.url,
    url: a.url,
    name: a.name,
    size: a.size,
    ...(a.contentType ? { mimeType: a.contentType } : {}),
  }));
}

function kindOf(contentType: string | null): Attachment['kind'] {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('image/')) return 'photo';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Name and username; the language comes from an interaction's locale when there is one. */
export function profileOf(user: User, member?: GuildMember | null, locale?: string): SenderProfile {
  return {
    name: member?.displayName ?? user.globalName ?? user.username,
    username: user.username,
    ...(locale ? { language: locale } : {}),
  };
}

/** The customer's words quoted for the thread ("> line"), with their files listed, within `max`. */
export function quote(text: string, attachments: Attachment[], max: number): string {
  const lines = text.trim() ? text.trim().split('\n').map((l) => `> ${l}`) : [];
  for (const a of attachments) lines.push(`📎 ${a.name ?? a.url}`);
  const quoted = lines.join('\n');
  return quoted.length <= max ? quoted : `${quoted.slice(0, Math.max(0, max - 1))}…`;
}

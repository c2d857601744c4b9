/**
 * Discord messages and users as the core's InboundMessage fields.
 * @module
 */
import type { Attachment as DiscordAttachment, GuildMember, Message, User } from 'discord.js';
import type { Attachment, InboundMessage, SenderProfile } from '../../server/channels/contract.js';

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

/**
 * Reads Telegram messages: who wrote (the contact's profile), what they wrote (text or caption),
 * which files came with it (kept by file_id, fetched later through getFile), and which command.
 * @module
 */
import type { Chat, Message, User } from 'grammy/types';
import type { Attachment, InboundMessage, SenderProfile } from '../../server/channels/contract.js';

/** The commands the adapter understands; anything else is text for the core. */
export type Command = 'start' | 'help' | 'human';

const COMMANDS: Record<string, Command> = { start: 'start', help: 'help', human: 'human', operator: 'human', agent: 'human' };

/** Message fields that carry no customer content (joins, pins, topic changes...): never answered. */
const SERVICE_FIELDS = [
  'new_chat_members', 'left_chat_member', 'new_chat_title', 'new_chat_photo', 'delete_chat_photo', 'group_chat_created',
  'supergroup_chat_created', 'channel_chat_created', 'message_auto_delete_timer_changed', 'migrate_to_chat_id',
  'migrate_from_chat_id', 'pinned_message', 'forum_topic_created', 'forum_topic_edited', 'forum_topic_closed',
  'forum_topic_reopened', 'general_forum_topic_hidden', 'general_forum_topic_unhidden', 'video_chat_scheduled',
  'video_chat_started', 'video_chat_ended', 'video_chat_participants_invited', 'web_app_data', 'write_access_allowed',
  'users_shared', 'chat_shared', 'boost_added', 'chat_background_set', 'proximity_alert_triggered',
] as const;

/**
 * Who the customer is to the core (the conversation key). A private chat is the person's own:
 * their user id. In a group or supergroup the person gets a separate identity per group,
 * `<userId>@<chatId>`, so a private conversation never moves into a group (where everyone would
 * read the agent's replies), and a group conversation never moves into the private chat.
 */
export function externalUserIdOf(user: Pick<User, 'id'>, chat: Pick<Chat, 'id' | 'type'>): string {
  return chat.type === 'private' ? String(user.id) : `${user.id}@${chat.id}`;
}

export function profileOf(user: User): SenderProfile {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return { name: name || undefined, username: user.username, language: user.language_code };
}

/** The files a message carries, by file_id (the bot token never leaves the server). */
export function attachmentsOf(message: Message): Attachment[] {
  const out: Attachment[] = [];
  if (message.photo?.length) {
    // Telegram sends every size; the last is the largest.
    const photo = message.photo[message.photo.length - 1]!;
    out.push({ kind: 'photo', ref: photo.file_id, size: photo.file_size, mimeType: 'image/jpeg' });
  }
  if (message.animation) {
    const a = message.animation;
    out.push({ kind: 'video', ref: a.file_id, name: a.file_name, size: a.file_size, mimeType: a.mime_type });
  } else if (message.document) {
    // An animation comes with a copy of itself as a document; take it once.
    const d = message.document;
    out.push({ kind: 'document', ref: d.file_id, name: d.file_name, size: d.file_size, mimeType: d.mime_type });
  }
  if (message.voice) {
    const v = message.voice;
    out.push({ kind: 'voice', ref: v.file_id, size: v.file_size, mimeType: v.mime_type ?? 'audio/ogg' });
  }
  if (message.audio) {
    const a = message.audio;
    out.push({ kind: 'audio', ref: a.file_id, name: a.file_name ?? a.title, size: a.file_size, mimeType: a.mime_type });
  }
  if (message.video) {
    const v = message.video;
    out.push({ kind: 'video', ref: v.file_id, name: v.file_name, size: v.file_size, mimeType: v.mime_type });
  }
  if (message.video_note) {
    const v = message.video_note;
    out.push({ kind: 'video', ref: v.file_id, size: v.file_size, mimeType: 'video/mp4' });
  }
  if (message.sticker) {
    const s = message.sticker;
    const mimeType = s.is_animated ? 'application/x-tgsticker' : s.is_video ? 'video/webm' : 'image/webp';
    out.push({ kind: 'sticker', ref: s.file_id, name: s.emoji, size: s.file_size, mimeType });
  }
  return out.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as Attachment);
}

/**
 * The words of a message for the core: its text or caption; a shared contact or location as a
 * line of text (an agent can act on it); a sticker alone as its emoji.
 */
export function textOf(message: Message): string {
  const text = message.text ?? message.caption ?? '';
  if (text) return text;
  if (message.contact) {
    const c = message.contact;
    return `📇 ${[c.first_name, c.last_name].filter(Boolean).join(' ')} ${c.phone_number}`.trim();
  }
  if (message.venue) return `📍 ${message.venue.title}, ${message.venue.address} (${message.venue.location.latitude}, ${message.venue.location.longitude})`;
  if (message.location) return `📍 ${message.location.latitude}, ${message.location.longitude}`;
  if (message.sticker?.emoji) return message.sticker.emoji;
  return '';
}

/** Whether the message is a service notice (someone joined, a pin...) rather than something a person wrote. */
export function isServiceMessage(message: Message): boolean {
  return SERVICE_FIELDS.some((field) => field in message);
}

/**
 * The command at the start of the message, if it is one of ours. `/human@other_bot` in a group is
 * meant for another bot: null.
 */
export function commandOf(message: Message, botUsername: string | undefined): Command | null {
  const entity = message.entities?.[0];
  const text = message.text ?? '';
  if (!entity || entity.type !== 'bot_command' || entity.offset !== 0) return null;
  const [name, mention] = text.slice(1, entity.length).split('@');
  if (mention && botUsername && mention.toLowerCase() !== botUsername.toLowerCase()) return null;
  return COMMANDS[name!.toLowerCase()] ?? null;
}

/** In a group: whether the message is meant for the bot (a command, an @mention, a reply to the bot). */
export function addressedToBot(message: Message, bot: { id: number; username: string }): boolean {
  if (message.reply_to_message?.from?.id === bot.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  return entities.some((e) => {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'bot_command') return !part.includes('@') || part.endsWith(`@${bot.username.toLowerCase()}`);
    if (e.type === 'mention') return part === `@${bot.username.toLowerCase()}`;
    return e.type === 'text_mention' && e.user?.id === bot.id;
  });
}

/** Removes the bot's @mention from a group message, so the knowledge base matches the question itself. */
export function withoutMention(text: string, username: string | undefined): string {
  if (!username) return text;
  return text.replace(new RegExp(`@${username}\\b`, 'gi'), '').replace(/\s{2,}/g, ' ').trim();
}

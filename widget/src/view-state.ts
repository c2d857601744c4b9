/**
 * What the view shows, computed by the chat controller from its state. Plain data, so the view
 * only has to draw it.
 * @module
 */
import type { WireQuickReply } from './protocol.js';

export interface MessageEntry {
  kind: 'message';
  /** Stable across the pending → sent change: `c:<clientId>` when the visitor wrote it, else `m:<id>`. */
  key: string;
  id: number | null;
  clientId: string | null;
  side: 'in' | 'out';
  authorType: 'contact' | 'bot' | 'agent' | 'system';
  /** The label above the bubble, when the speaker changes; null keeps it off. */
  who: string | null;
  /** For screen readers on every bubble ("Вы", "Бот", "Анна"). */
  speaker: string;
  text: string;
  time: string;
  state: 'sent' | 'waiting' | 'sending' | 'failed';
  error?: string;
}

export interface NoticeEntry {
  kind: 'notice';
  key: string;
  text: string;
}

export type Entry = MessageEntry | NoticeEntry;

export interface ViewState {
  open: boolean;
  unread: number;
  title: string;
  subtitle: string;
  banner: string | null;
  entries: Entry[];
  /** Quick replies under the last message; `rating` draws them as 1–5 stars. */
  replies: { kind: 'chips' | 'rating'; items: WireQuickReply[] } | null;
  /** "Анна печатает…", or null. */
  typing: string | null;
  offline: { hours: string; savedEmail: string | null } | null;
  prechat: { required: boolean } | null;
  /** The longest message the server takes (MAX_MESSAGE_LENGTH): the message box's limit. */
  maxLength: number;
}

export interface ViewHandlers {
  toggle(): void;
  close(): void;
  send(text: string): void;
  press(reply: WireQuickReply): void;
  typing(): void;
  retry(clientId: string): void;
  remove(clientId: string): void;
  leaveEmail(email: string): void;
  prechat(details: { name?: string; email?: string } | null): void;
}

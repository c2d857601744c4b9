/**
 * The contract between channel adapters (`bots/*`) and the core. Adapters import this module
 * and nothing else from `server/`; the core never imports from `bots/`.
 * @module
 */
import type { Language } from '../kb/types.js';

export type ChannelName = 'webchat' | 'telegram' | 'discord' | (string & {});

export interface Attachment {
  kind: 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'sticker' | 'file';
  /** Channel-side handle (Telegram file_id) or a URL (Discord CDN). */
  ref: string;
  name?: string;
  size?: number;
  mimeType?: string;
  url?: string;
}

export interface SenderProfile {
  name?: string;
  username?: string;
  /** A language code as the channel reports it ("ru", "en-US"...). */
  language?: string;
}

/** One message (or button press) from a customer, as an adapter hands it to the core. */
export interface InboundMessage {
  channel: ChannelName;
  /** Where replies go: Telegram chat id, Discord channel/thread id, webchat visitor id. */
  externalChatId: string;
  /** Who wrote: stable per person within the channel. */
  externalUserId: string;
  /** Unique per channel; a redelivered message with the same id is a no-op. */
  externalMessageId: string;
  text: string;
  attachments?: Attachment[];
  /** The client's own id for the message (webchat), echoed in history so a client can match its pending list. */
  clientId?: string;
  /** Set when the customer pressed a quick-reply button: the button's id. */
  buttonId?: string;
  profile?: SenderProfile;
  /** When the customer sent it (UTC ms); defaults to the time it was received. */
  sentAt?: number;
  /** A part of an over-long message that the bot is not to act on (it acts once, on the part that carries the question). */
  storeOnly?: boolean;
}

export interface QuickReply {
  /** Comes back as `InboundMessage.buttonId` when pressed. */
  id: string;
  label: string;
}

/** What the core asks a channel to deliver. */
export interface Outbound {
  text: string;
  quickReplies?: QuickReply[];
  /** Who speaks: the bot, an agent (with their display name) or the system. */
  author: { type: 'bot' | 'agent' | 'system'; name?: string };
  /** The stored message this delivers (the outbox row's message id). */
  messageId: number;
  createdAt: number;
}

/** Where a conversation lives in its channel. */
export interface ConversationRef {
  channel: ChannelName;
  conversationId: number;
  contactId: number;
  externalChatId: string;
  externalUserId: string;
}

export type DeliveryResult =
  | { status: 'ok'; externalMessageId?: string }
  /**
   * Try again later: after `retryAfterMs` when the channel said so (rate limit), else with back-off.
   * `recipientOffline`: nobody to deliver to right now (a closed widget); it waits for `reachable()`
   * and does not count as a failed attempt.
   */
  | { status: 'retry'; reason: string; retryAfterMs?: number; recipientOffline?: boolean }
  /** Never going to work: the outbox gives up. `unreachable` marks the contact (blocked the bot...). */
  | { status: 'failed'; reason: string; unreachable?: boolean };

export interface ReceiveResult {
  /** The stored message id (the existing one for a duplicate). */
  messageId: number;
  conversationId: number;
  duplicate: boolean;
}

export interface HistoryMessage {
  id: number;
  direction: 'in' | 'out';
  author: { type: 'contact' | 'bot' | 'agent' | 'system'; name?: string };
  text: string;
  quickReplies?: QuickReply[];
  attachments?: Attachment[];
  clientId?: string;
  createdAt: number;
}

export interface ConversationSnapshot {
  conversationId: number;
  status: ConversationStatus;
  assignedAgentName?: string;
  messages: HistoryMessage[];
}

export type ConversationStatus = 'bot' | 'queued' | 'assigned' | 'resolved' | 'closed';

/** What the core offers an adapter. */
export interface ChannelHost {
  /** Store and route a customer message. Resolves once it is stored (durably). */
  receive(message: InboundMessage): Promise<ReceiveResult>;
  /** The customer's current (or latest) conversation in this channel, with its messages. */
  history(channel: ChannelName, externalUserId: string): Promise<ConversationSnapshot | null>;
  /** The customer is reachable again (reconnected): deliver what waits for them now. */
  reachable(channel: ChannelName, externalUserId: string): void;
  /** The bot's greeting with the main FAQ topics as quick replies (for /start or a first open). */
  greeting(language?: string): { text: string; quickReplies: QuickReply[] };
  /** The customer is typing (shown to the agent). */
  customerTyping(channel: ChannelName, externalUserId: string, typing: boolean): void;
  /**
   * Whether any agent is online right now (the widget shows an offline notice otherwise).
   * Optional so that test hosts need not implement it; absent means "unknown, assume yes".
   */
  agentsOnline?(): boolean;
  /** The team's working hours in words, in the customer's language (absent: the adapter's own text). */
  workingHours?(language?: string): Promise<string>;
  /**
   * Saves what the customer told about themselves (the widget's pre-chat form, the email left
   * when nobody is online, or the shop's verified identity), creating the contact if it is new.
   */
  saveContact?(channel: ChannelName, externalUserId: string, details: ContactDetails): Promise<void>;
}

/** Name and email a customer gave (each optional; a missing one is left as it was). */
export interface ContactDetails {
  name?: string;
  email?: string;
}

/** What changed in a conversation, for channels that show it (the widget's header). */
export interface ConversationChange {
  status: ConversationStatus;
  /** The assigned agent's display name, when an agent has it. */
  agentName?: string;
  agentsOnline: boolean;
}

/** A channel adapter. */
export interface Channel {
  readonly name: ChannelName;
  start(host: ChannelHost): Promise<void>;
  stop(): Promise<void>;
  send(ref: ConversationRef, outbound: Outbound): Promise<DeliveryResult>;
  /** Show that an agent is typing, where the channel can. */
  typing?(ref: ConversationRef, typing: boolean): Promise<void>;
  /** The conversation's status or assignee changed (claimed, resolved...), where the channel shows it. */
  conversationChanged?(ref: ConversationRef, change: ConversationChange): Promise<void>;
  /**
   * Downloads a customer's attachment through the channel (Telegram getFile), so the console can
   * show it without the channel's token ever reaching a browser. Null when it is gone or too big.
   */
  fetchAttachment?(attachment: Attachment): Promise<FetchedAttachment | null>;
}

/** An attachment's bytes as a channel returned them. */
export interface FetchedAttachment {
  body: Buffer | ReadableStream<Uint8Array>;
  mimeType?: string;
  name?: string;
}

/** Parses a channel's language code into one the knowledge base answers in. */
export function toLanguage(code: string | undefined): Language | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0];
  if (base === 'ru' || base === 'uk' || base === 'be' || base === 'kk') return 'ru';
  if (base === 'en') return 'en';
  return undefined;
}

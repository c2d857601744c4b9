/**
 * The webchat protocol's wire shapes (docs/protocol.md, "Webchat namespace"). Types only: the
 * widget imports them too, and esbuild strips the import, so no server code reaches the browser.
 * @module
 */

export type WireStatus = 'bot' | 'queued' | 'assigned' | 'resolved' | 'closed';
export type WireAuthorType = 'contact' | 'bot' | 'agent' | 'system';
export type PrechatMode = 'off' | 'optional' | 'required';

export interface WireQuickReply {
  id: string;
  label: string;
}

/** One message as the visitor sees it. `text` is plain text: render it as text, never as HTML. */
export interface WireMessage {
  id: number;
  /** The conversation it belongs to (on live pushes and in history). */
  conversationId?: number;
  direction: 'in' | 'out';
  author: { type: WireAuthorType; name?: string };
  text: string;
  quickReplies: WireQuickReply[];
  attachments: unknown[];
  clientId: string | null;
  createdAt: number;
}

export interface WireConversation {
  id: number;
  status: WireStatus;
  agentName: string | null;
  messages: WireMessage[];
}

/** Sent right after connecting. */
export interface ReadyPayload {
  token: string;
  visitorId: string;
  /** True when the shop's identity (userId + HMAC) was accepted. */
  identified: boolean;
  conversation: WireConversation | null;
  agentsOnline: boolean;
  workingHours: string;
  prechat: PrechatMode;
  /** The longest message text the server takes (MAX_MESSAGE_LENGTH); longer ones get `too_long`. */
  maxMessageLength: number;
  /** The bot's greeting with the main topics, for a visitor without a conversation. */
  greeting: { text: string; quickReplies: WireQuickReply[] };
}

/** The conversation's state changed: claimed by an agent, resolved, queued while nobody is online... */
export interface StatusPayload {
  conversationId: number;
  status: WireStatus;
  agentName: string | null;
  agentsOnline: boolean;
}

export interface TypingPayload {
  typing: boolean;
  who: 'agent';
}

export interface WireError {
  code: string;
  message: string;
}

export type SendAck = { ok: true; id: number; conversationId: number; duplicate: boolean } | { ok: false; error: WireError };
export type ContactAck = { ok: true } | { ok: false; error: WireError };

/** `auth` of the socket.io handshake. */
export interface HandshakeAuth {
  token?: string;
  identity?: { userId: string; hmac: string; name?: string; email?: string };
  /** The widget's language (ru, en): the greeting and the bot answer in it. */
  language?: string;
}


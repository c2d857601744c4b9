/**
 * The wire shapes the console receives, as documented in docs/protocol.md (agents namespace and
 * REST API). Browser code never imports server code, so they are restated here.
 */

export type Status = 'bot' | 'queued' | 'assigned' | 'resolved' | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type AgentStatus = 'online' | 'away' | 'offline';
export type Role = 'admin' | 'agent';

export interface ConversationView {
  id: number;
  status: Status;
  channel: string;
  contact: { id: number; name: string | null; username: string | null; unreachable: string | null };
  assignedAgentId: number | null;
  teamId: number | null;
  priority: Priority;
  topic: string | null;
  language: string | null;
  lastMessage: { text: string; authorType: AuthorType; createdAt: number } | null;
  previousConversationId: number | null;
  createdAt: number;
  queuedAt: number | null;
  lastMessageAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  tags: string[];
  snoozedUntil: number | null;
  /** SLA clocks; null when no SLA applies (the bot's conversations, or no settings). */
  sla: ConversationSla | null;
}

// The SLA shapes are the server's own (type-only imports: nothing of the server lands in the bundle).
export type { SlaMetric } from '../../server/sla/policies.js';
export type { SlaState } from '../../server/sla/timeline.js';
import type { ConversationSla } from '../../server/sla/view.js';
export type { ConversationSla, SlaTargetView } from '../../server/sla/view.js';
export type { SlaAlert } from '../../server/sla/monitor.js';

export type AuthorType = 'contact' | 'bot' | 'agent' | 'system';

export interface MessageView {
  id: number;
  conversationId: number;
  direction: 'in' | 'out' | 'internal';
  authorType: AuthorType;
  agentId: number | null;
  text: string;
  attachments: { kind: string; name?: string; url?: string; size?: number }[] | null;
  quickReplies: { id: string; label: string }[] | null;
  buttonId: string | null;
  channel: string;
  private: boolean;
  clientId: string | null;
  createdAt: number;
  delivery: 'pending' | 'sent' | 'failed' | null;
}

export interface ConversationEvent {
  id: number;
  conversationId: number | null;
  type: string;
  actor: string | null;
  data: Record<string, unknown> | null;
  createdAt: number;
}

export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export interface AgentSummary extends Me {
  active: boolean;
  capacity: number;
  status: AgentStatus;
  load: number;
  teamIds: number[];
}

export interface Team {
  id: number;
  name: string;
  assignmentMode: 'auto' | 'manual';
  memberIds: number[];
}

export interface Canned {
  id: number;
  shortcut: string;
  title: string;
  text: string;
  scope: 'shared' | 'personal';
  updatedAt: number;
}

export interface Contact {
  id: number;
  name: string | null;
  username: string | null;
  email: string | null;
  language: string | null;
  unreachableReason: string | null;
  createdAt: number;
}

export interface Identity {
  channel: string;
  externalUserId: string;
  externalChatId: string;
}

export interface ContactNote {
  id: number;
  contactId: number;
  agentId: number | null;
  agentName: string | null;
  text: string;
  createdAt: number;
}

export interface ContactPanel {
  contact: Contact;
  identities: Identity[];
  conversations: ConversationView[];
  notes: ContactNote[];
}

export interface Counts {
  queue: number;
  mine: number;
  snoozed: number;
  all: number;
  bot: number;
}

export interface SearchHit {
  messageId: number;
  conversationId: number;
  authorType: AuthorType;
  channel: string;
  createdAt: number;
  private: boolean;
  snippet: { text: string; match: boolean }[];
  conversation: ConversationView | null;
}

export interface Suggestion {
  entryId: string;
  question: string;
  answer: string;
  confidence: number;
  topic: string | null;
}

export interface Meta {
  channels: string[];
  topics: string[];
  tags: { tag: string; count: number }[];
  priorities: Priority[];
}

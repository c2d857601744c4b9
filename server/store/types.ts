/**
 * The store's records and its repository interface. Every method is async although the
 * SQLite implementation is synchronous, so that a PostgreSQL store can slot in later.
 * @module
 */
import type { Attachment, ChannelName, ConversationStatus, QuickReply, SenderProfile } from '../channels/contract.js';
import type { KbEntry } from '../kb/types.js';

export type { ConversationStatus };

export interface Contact {
  id: number;
  name: string | null;
  username: string | null;
  email: string | null;
  language: string | null;
  unreachableReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ContactIdentity {
  contactId: number;
  channel: ChannelName;
  externalUserId: string;
  externalChatId: string;
}

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface Conversation {
  id: number;
  contactId: number;
  channel: ChannelName;
  externalChatId: string;
  externalUserId: string;
  status: ConversationStatus;
  assignedAgentId: number | null;
  teamId: number | null;
  language: string | null;
  topic: string | null;
  priority: Priority;
  botMisses: number;
  previousConversationId: number | null;
  createdAt: number;
  updatedAt: number;
  lastMessageAt: number;
  queuedAt: number | null;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
}

export type MessageDirection = 'in' | 'out' | 'internal';
export type AuthorType = 'contact' | 'bot' | 'agent' | 'system';

export interface Message {
  id: number;
  conversationId: number;
  direction: MessageDirection;
  authorType: AuthorType;
  agentId: number | null;
  text: string;
  attachments: Attachment[] | null;
  quickReplies: QuickReply[] | null;
  buttonId: string | null;
  channel: ChannelName;
  externalId: string | null;
  clientId: string | null;
  createdAt: number;
  /** For outgoing messages: where the outbox is with it. */
  delivery: OutboxItem['status'] | null;
}

export interface OutboxItem {
  id: number;
  messageId: number;
  conversationId: number;
  channel: ChannelName;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface ConversationEvent {
  id: number;
  conversationId: number | null;
  type: string;
  actor: string | null;
  data: Record<string, unknown> | null;
  createdAt: number;
}

export type AgentRole = 'admin' | 'agent';

export interface Agent {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  role: AgentRole;
  active: boolean;
  capacity: number;
  createdAt: number;
}

export interface Session {
  tokenHash: string;
  agentId: number;
  createdAt: number;
  expiresAt: number;
}

export interface Team {
  id: number;
  name: string;
  assignmentMode: 'auto' | 'manual';
  createdAt: number;
  memberIds: number[];
}

export interface KbMiss {
  id: number;
  conversationId: number | null;
  messageId: number | null;
  text: string;
  language: string | null;
  bestEntryId: string | null;
  bestConfidence: number | null;
  status: 'open' | 'attached' | 'dismissed' | 'proposed';
  entryId: string | null;
  createdAt: number;
}

export interface NewEvent {
  conversationId: number | null;
  type: string;
  actor?: string | null;
  data?: Record<string, unknown> | null;
}

export interface IntakeInput {
  channel: ChannelName;
  externalChatId: string;
  externalUserId: string;
  externalMessageId: string;
  clientId?: string;
  text: string;
  attachments?: Attachment[];
  buttonId?: string;
  profile?: SenderProfile;
  at: number;
  /**
   * Attach to the latest conversation even when it is resolved or closed (a rating button).
   * Otherwise a message after a resolve opens a new conversation linked to the last one.
   */
  attachToLatest: boolean;
}

export interface IntakeResult {
  duplicate: boolean;
  contact: Contact;
  conversation: Conversation;
  message: Message;
  /** A new conversation was opened by this message. */
  opened: boolean;
}

export interface NewMessage {
  conversationId: number;
  direction: MessageDirection;
  authorType: AuthorType;
  agentId?: number | null;
  text: string;
  attachments?: Attachment[] | null;
  quickReplies?: QuickReply[] | null;
  clientId?: string | null;
  at: number;
}

export interface ConversationPatch {
  status?: ConversationStatus;
  assignedAgentId?: number | null;
  teamId?: number | null;
  language?: string | null;
  topic?: string | null;
  priority?: Priority;
  botMisses?: number;
  queuedAt?: number | null;
  firstResponseAt?: number | null;
  resolvedAt?: number | null;
  closedAt?: number | null;
}

export interface ConversationFilter {
  statuses?: ConversationStatus[];
  assignedAgentId?: number;
  teamId?: number;
  contactId?: number;
  limit?: number;
}

export interface Store {
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;

  /** Stores an inbound message in one transaction: contact, conversation, message. Idempotent. */
  intake(input: IntakeInput): Promise<IntakeResult>;

  getContact(id: number): Promise<Contact | null>;
  listIdentities(contactId: number): Promise<ContactIdentity[]>;
  setContactUnreachable(id: number, reason: string | null): Promise<void>;

  getConversation(id: number): Promise<Conversation | null>;
  /** The contact's newest conversation in a channel, of any status. */
  latestConversation(channel: ChannelName, externalUserId: string): Promise<Conversation | null>;
  listConversations(filter: ConversationFilter): Promise<Conversation[]>;
  /** Applies a patch and appends its event in one transaction; `expectStatus` guards against races. */
  updateConversation(
    id: number,
    patch: ConversationPatch,
    event: NewEvent | null,
    expectStatus?: ConversationStatus[],
  ): Promise<Conversation | null>;

  /**
   * Stores an outgoing or internal message; with `deliver`, queues it in the outbox in the same
   * transaction. A repeated `clientId` in the conversation returns the stored message.
   */
  addMessage(message: NewMessage, deliver: boolean): Promise<{ message: Message; duplicate: boolean }>;
  getMessage(id: number): Promise<Message | null>;
  listMessages(conversationId: number, options?: { includeInternal?: boolean }): Promise<Message[]>;
  /** The newest message the customer could see (no private notes). */
  lastMessage(conversationId: number): Promise<Message | null>;

  appendEvent(event: NewEvent, at: number): Promise<void>;
  listEvents(conversationId: number): Promise<ConversationEvent[]>;

  /** Due pending rows, only the oldest one of each conversation, so order holds within a chat. */
  dueOutbox(now: number, limit: number): Promise<OutboxItem[]>;
  markOutboxSent(id: number, at: number): Promise<void>;
  markOutboxRetry(id: number, nextAttemptAt: number, error: string, countAttempt?: boolean): Promise<void>;
  markOutboxFailed(id: number, error: string, at: number): Promise<void>;
  /** Makes every pending row of the contact's conversations due now. Returns how many. */
  expediteOutbox(channel: ChannelName, externalUserId: string, now: number): Promise<number>;
  outboxForMessage(messageId: number): Promise<OutboxItem | null>;

  createAgent(agent: Omit<Agent, 'id' | 'createdAt'>, at: number): Promise<Agent>;
  getAgent(id: number): Promise<Agent | null>;
  findAgentByEmail(email: string): Promise<Agent | null>;
  listAgents(): Promise<Agent[]>;
  countAgents(): Promise<number>;

  createSession(session: Session): Promise<void>;
  getSession(tokenHash: string, now: number): Promise<Session | null>;
  deleteSession(tokenHash: string): Promise<void>;

  recordCsat(conversationId: number, rating: number, at: number): Promise<boolean>;

  listKbEntries(): Promise<KbEntry[]>;
  getKbEntry(id: string): Promise<KbEntry | null>;
  upsertKbEntry(entry: KbEntry, at: number): Promise<void>;
  deleteKbEntry(id: string): Promise<boolean>;
  /** Replaces the whole knowledge base in one transaction. */
  replaceKb(entries: KbEntry[], at: number): Promise<void>;

  recordMiss(miss: Omit<KbMiss, 'id' | 'status' | 'entryId'>): Promise<void>;
  listMisses(status: KbMiss['status'], limit: number): Promise<KbMiss[]>;

  // ---- teams ----
  createTeam(team: { name: string; assignmentMode: Team['assignmentMode'] }, at: number): Promise<Team>;
  updateTeam(id: number, patch: { name?: string; assignmentMode?: Team['assignmentMode'] }): Promise<Team | null>;
  deleteTeam(id: number): Promise<boolean>;
  getTeam(id: number): Promise<Team | null>;
  listTeams(): Promise<Team[]>;
  /** Replaces the team's members. */
  setTeamMembers(teamId: number, agentIds: number[]): Promise<void>;
  /** Teams the agent belongs to. */
  teamsOfAgent(agentId: number): Promise<Team[]>;
}

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

  // ---- kb management ----
  /** Misses by id (unknown ids are left out), in id order. */
  getMisses(ids: number[]): Promise<KbMiss[]>;
  /**
   * Sets status and entry of the given misses; with `onlyFrom`, only rows currently in one of those statuses
   * change. Returns how many rows changed.
   */
  setMissStatus(ids: number[], status: KbMiss['status'], entryId: string | null, onlyFrom?: KbMiss['status'][]): Promise<number>;
  /**
   * Makes a customer message a `proposed` phrasing of an entry: the miss recorded for that message becomes the
   * proposal, or a new row is added. A message already attached somewhere is left alone (returns null).
   */
  proposePhrasing(proposal: { conversationId: number; messageId: number; text: string; language: string | null; entryId: string; createdAt: number }): Promise<KbMiss | null>;
  /** Upserts and deletes entries in one transaction (an import, or an edit that must not half-apply). */
  applyKbChanges(upserts: KbEntry[], deleteIds: string[], at: number): Promise<void>;
  /** How many misses there are in each status. */
  countMisses(): Promise<Record<KbMiss['status'], number>>;
  // ---- console ----
  /** Tags and snooze state of conversations, by id; ids without either are left out. */
  consoleMeta(conversationIds: number[]): Promise<Map<number, ConsoleMeta>>;
  /** The console's inbox: conversations that pass every filter given. */
  listInbox(filter: InboxFilter): Promise<Conversation[]>;
  /** How many conversations each inbox view holds for one agent. */
  inboxCounts(agentId: number, now: number): Promise<InboxCounts>;
  /** Full-text search over every message, private notes included; best match first. */
  searchMessages(query: string, limit: number): Promise<MessageHit[]>;
  /** Replaces a conversation's tags (deduplicated, case-insensitive) and appends the event. */
  setConversationTags(conversationId: number, tags: string[], event: NewEvent, at: number): Promise<string[]>;
  /** Every tag in use, most used first. */
  listTags(): Promise<{ tag: string; count: number }[]>;
  /** Snoozes until `until` (null wakes it up) and appends the event, in one transaction. */
  setSnooze(conversationId: number, until: number | null, event: NewEvent | null, at: number): Promise<Conversation | null>;
  /** Conversations whose snooze ran out by `now`. */
  dueSnoozes(now: number): Promise<number[]>;
  /** Open (assigned) conversations per agent id. */
  openLoadByAgent(): Promise<Map<number, number>>;
  updateAgent(id: number, patch: AgentPatch): Promise<Agent | null>;
  /** Signs the agent out everywhere. Returns how many sessions ended. */
  deleteSessionsOfAgent(agentId: number): Promise<number>;
  listAgentStatuses(): Promise<AgentStatusRecord[]>;
  getAgentStatus(agentId: number): Promise<AgentStatusRecord | null>;
  setAgentStatus(agentId: number, status: AgentStatus, auto: boolean, at: number): Promise<void>;
  /** Shared canned responses and the agent's own. */
  listCanned(agentId: number): Promise<CannedResponse[]>;
  getCanned(id: number): Promise<CannedResponse | null>;
  /** Throws a `DuplicateError` when the owner already has that shortcut. */
  createCanned(canned: NewCanned, at: number): Promise<CannedResponse>;
  updateCanned(id: number, patch: { shortcut?: string; title?: string; text?: string }, at: number): Promise<CannedResponse | null>;
  deleteCanned(id: number): Promise<boolean>;
  updateContact(id: number, patch: { name?: string | null; email?: string | null }, at: number): Promise<Contact | null>;
  /** Follows merges: the contact a (possibly merged-away) contact now lives on as; null if unknown. */
  survivingContactId(id: number): Promise<number | null>;
  /** Contacts (not merged away) whose name, username, email or channel user id contains the query. */
  findContacts(query: string, limit: number): Promise<Contact[]>;
  /**
   * Moves the source contact's identities, conversations and notes to the target and marks the
   * source merged, in one transaction. Returns the merged contact and the conversations moved.
   */
  mergeContacts(targetId: number, sourceId: number, actor: string, at: number): Promise<{ contact: Contact; movedConversationIds: number[] }>;
  /** The newest `limit` messages of all the contact's conversations, oldest first. */
  contactMessages(contactId: number, limit: number): Promise<Message[]>;
  addContactNote(note: { contactId: number; agentId: number; text: string }, at: number): Promise<ContactNote>;
  listContactNotes(contactId: number): Promise<ContactNote[]>;
  getContactNote(id: number): Promise<ContactNote | null>;
  deleteContactNote(id: number): Promise<boolean>;

  // ---- widget ----
  /**
   * Sets the name and/or email a customer gave (widget pre-chat form, offline email, verified
   * identity) on the contact behind (channel, external user id), creating contact and identity
   * when this customer never wrote before. Appends a `contact_details` event to their open
   * conversation, if any. One transaction.
   */
  saveContactDetails(input: {
    channel: ChannelName;
    externalUserId: string;
    externalChatId: string;
    name?: string;
    email?: string;
    at: number;
  }): Promise<Contact>;

  // ---- routing / SLA / reports / webhooks / API tokens (issue 8) ----
  /** Tags on a contact; routing and priority rules match them. */
  contactTags(contactId: number): Promise<string[]>;
  /** Replaces a contact's tags (deduplicated, case-insensitive); returns them sorted. */
  setContactTags(contactId: number, tags: string[], at: number): Promise<string[]>;
  /** When each agent last got a conversation or replied (agent id → ms); "idle longest" breaks routing ties. */
  agentActivity(): Promise<Map<number, number>>;
  touchAgentActivity(agentId: number, at: number): Promise<void>;
  /** The conversation's current assignment as routing recorded it. */
  getAssignment(conversationId: number): Promise<RoutingAssignment | null>;
  /** Records a new assignment (replacing the previous one of the conversation). */
  recordAssignment(assignment: Omit<RoutingAssignment, 'answeredAt'>): Promise<void>;
  /** The assigned agent replied: the no-answer timer stops. */
  markAssignmentAnswered(conversationId: number, agentId: number, at: number): Promise<void>;
  /** Routing's assignments made before `before` and still unanswered, whose conversation is still assigned to that agent. */
  unansweredAssignments(before: number): Promise<RoutingAssignment[]>;
  /** The agent of the contact's newest other conversation that had one. */
  lastAgentOfContact(contactId: number, excludeConversationId: number): Promise<number | null>;
  /** How many conversations are in each status. */
  countByStatus(): Promise<Record<ConversationStatus, number>>;
  /** Text-free messages of the given conversations (no private notes), oldest first. */
  messageStamps(conversationIds: number[]): Promise<MessageStamp[]>;
  /** Records an SLA alert once; false when that alert was recorded already. */
  recordSlaAlert(alert: SlaAlertRecord): Promise<boolean>;
  listSlaAlerts(conversationId: number): Promise<SlaAlertRecord[]>;
  /** Events with an id above `afterId`, oldest first (the feed webhooks and metrics read). */
  eventsAfter(afterId: number, limit: number): Promise<ConversationEvent[]>;
  maxEventId(): Promise<number>;
  /** Messages (every direction) with an id above `afterId`, oldest first (the message feed). */
  messagesAfter(afterId: number, limit: number): Promise<Message[]>;
  maxMessageId(): Promise<number>;
  /** Conversations created in [from, to), oldest first. */
  conversationsCreatedBetween(from: number, to: number): Promise<Conversation[]>;
  /** Conversations of these contacts created in [from, to) (repeat contacts). */
  conversationsOfContacts(contactIds: number[], from: number, to: number): Promise<Conversation[]>;
  /** Every event of the given conversations, oldest first. */
  eventsOf(conversationIds: number[]): Promise<ConversationEvent[]>;
  csatOf(conversationIds: number[]): Promise<CsatRecord[]>;
  /** Knowledge-base misses recorded in [from, to). */
  missesBetween(from: number, to: number): Promise<KbMiss[]>;
  createWebhook(webhook: NewWebhook, at: number): Promise<Webhook>;
  updateWebhook(id: number, patch: Partial<NewWebhook>, at: number): Promise<Webhook | null>;
  deleteWebhook(id: number): Promise<boolean>;
  getWebhook(id: number): Promise<Webhook | null>;
  listWebhooks(): Promise<Webhook[]>;
  /** Queues one delivery; false when this webhook already has that event (a replayed feed). */
  enqueueWebhookDelivery(delivery: { webhookId: number; eventType: string; eventId: string; payload: string }, at: number): Promise<boolean>;
  /** Pending deliveries due by `now`, oldest first. */
  dueWebhookDeliveries(now: number, limit: number): Promise<WebhookDelivery[]>;
  /** Logs one attempt and moves the delivery on (delivered, pending again, or failed), in one transaction. */
  recordWebhookAttempt(deliveryId: number, attempt: WebhookAttemptResult): Promise<void>;
  listWebhookDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]>;
  getWebhookDelivery(id: number): Promise<WebhookDelivery | null>;
  listWebhookAttempts(deliveryId: number): Promise<WebhookAttempt[]>;
  /** Makes a failed or pending delivery due now (a manual redelivery). */
  retryWebhookDelivery(id: number, now: number): Promise<boolean>;
  createApiToken(token: NewApiToken, at: number): Promise<ApiToken>;
  /** The token with this hash, revoked or not. */
  findApiToken(tokenHash: string): Promise<ApiToken | null>;
  listApiTokens(): Promise<ApiToken[]>;
  revokeApiToken(id: number, at: number): Promise<boolean>;
  touchApiToken(id: number, at: number): Promise<void>;
}

// ---- console ----

/** Console-only state of a conversation, kept beside it. */
export interface ConsoleMeta {
  tags: string[];
  snoozedUntil: number | null;
}

/** What the console's inbox may filter on; every field given must match. */
export interface InboxFilter {
  statuses: ConversationStatus[];
  /** An agent's id, or null for unassigned conversations. */
  assignedAgentId?: number | null;
  teamId?: number | null;
  channel?: string;
  topic?: string;
  tag?: string;
  priority?: Priority;
  /** Full-text query: only conversations with a matching message. */
  text?: string;
  /** `hide`: leave out conversations snoozed past `now`; `only`: keep only those. Default include. */
  snoozed?: 'include' | 'hide' | 'only';
  now?: number;
  /** `waiting`: longest in the queue first; `recent`: latest activity first. */
  order: 'waiting' | 'recent';
  limit: number;
}

export interface InboxCounts {
  queue: number;
  mine: number;
  snoozed: number;
  all: number;
  bot: number;
}

/** One message found by full-text search; `snippet` marks the matched words. */
export interface MessageHit {
  messageId: number;
  conversationId: number;
  direction: MessageDirection;
  authorType: AuthorType;
  channel: ChannelName;
  createdAt: number;
  snippet: { text: string; match: boolean }[];
}

export type AgentStatus = 'online' | 'away' | 'offline';

export interface AgentStatusRecord {
  agentId: number;
  status: AgentStatus;
  /** Set by the server (last tab closed) rather than chosen by the agent. */
  auto: boolean;
  updatedAt: number;
}

export interface AgentPatch {
  name?: string;
  email?: string;
  role?: AgentRole;
  capacity?: number;
  active?: boolean;
  passwordHash?: string;
}

export interface CannedResponse {
  id: number;
  shortcut: string;
  title: string;
  text: string;
  /** null: shared with all agents. */
  ownerAgentId: number | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewCanned {
  shortcut: string;
  title: string;
  text: string;
  ownerAgentId: number | null;
  createdBy: number;
}

export interface ContactNote {
  id: number;
  contactId: number;
  agentId: number | null;
  text: string;
  createdAt: number;
}

/** A unique constraint refused the write (a taken shortcut, email or name). */
export class DuplicateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateError';
  }
}

// ---- routing / SLA / reports / webhooks / API tokens (issue 8) ----

/** A message reduced to what timers and reports need: who wrote, when (no text). */
export interface MessageStamp {
  conversationId: number;
  direction: MessageDirection;
  authorType: AuthorType;
  agentId: number | null;
  createdAt: number;
}

/** Who a conversation was given to, when, and whether they have answered since. */
export interface RoutingAssignment {
  conversationId: number;
  agentId: number;
  assignedAt: number;
  answeredAt: number | null;
  /** `routing`: assigned automatically; `agent`: claimed, reopened or transferred by a person. */
  by: 'routing' | 'agent';
}

/** One SLA warning or breach, kept so that each fires once. */
export interface SlaAlertRecord {
  conversationId: number;
  metric: string;
  kind: 'warning' | 'breached';
  dueAt: number;
  createdAt: number;
}

export interface CsatRecord {
  conversationId: number;
  rating: number;
  createdAt: number;
}

export interface NewWebhook {
  url: string;
  /** Event types it receives (see server/webhooks/events.ts). */
  events: string[];
  /** HMAC-SHA256 key; needed in clear to sign, so it is stored as is. */
  secret: string;
  description: string;
  active: boolean;
}

export interface Webhook extends NewWebhook {
  id: number;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookDelivery {
  id: number;
  webhookId: number;
  eventType: string;
  eventId: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface WebhookAttemptResult {
  outcome: 'delivered' | 'retry' | 'failed';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: number;
  /** For `retry`: when to try again. */
  nextAttemptAt?: number;
}

export interface WebhookAttempt {
  id: number;
  deliveryId: number;
  attempt: number;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: number;
}

export interface NewApiToken {
  name: string;
  tokenHash: string;
  /** The first characters of the token, shown in lists so people can tell tokens apart. */
  prefix: string;
  /** The account the token acts as. */
  agentId: number;
  role: AgentRole;
  createdBy: number | null;
}

export interface ApiToken extends Omit<NewApiToken, 'tokenHash'> {
  id: number;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

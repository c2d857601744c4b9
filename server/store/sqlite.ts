/**
 * The SQLite store (better-sqlite3). The only file that talks to the database driver.
 * @module
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { KbEntry } from '../kb/types.js';
import { migrations } from './migrations/index.js';
import type {
  Agent,
  Contact,
  ContactIdentity,
  Conversation,
  ConversationEvent,
  ConversationFilter,
  ConversationPatch,
  ConversationStatus,
  IntakeInput,
  IntakeResult,
  KbMiss,
  Message,
  NewEvent,
  NewMessage,
  OutboxItem,
  Session,
  Store,
  Team,
} from './types.js';
import { DuplicateError } from './types.js';
// routing / SLA / reports / webhooks / API tokens (issue 8)
import type {
  ApiToken,
  CsatRecord,
  MessageStamp,
  NewApiToken,
  NewWebhook,
  RoutingAssignment,
  SlaAlertRecord,
  Webhook,
  WebhookAttempt,
  WebhookAttemptResult,
  WebhookDelivery,
} from './types.js';
import type {
  AgentPatch,
  AgentStatus,
  AgentStatusRecord,
  AuthorType,
  CannedResponse,
  ConsoleMeta,
  ContactNote,
  InboxCounts,
  InboxFilter,
  MessageDirection,
  MessageHit,
  NewCanned,
} from './types.js';

type Row = Record<string, unknown>;

const json = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));
const parse = <T>(value: unknown): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : null);

function toContact(r: Row): Contact {
  return {
    id: r.id as number,
    name: (r.name as string) ?? null,
    username: (r.username as string) ?? null,
    email: (r.email as string) ?? null,
    language: (r.language as string) ?? null,
    unreachableReason: (r.unreachable_reason as string) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

function toConversation(r: Row): Conversation {
  return {
    id: r.id as number,
    contactId: r.contact_id as number,
    channel: r.channel as string,
    externalChatId: r.external_chat_id as string,
    externalUserId: r.external_user_id as string,
    status: r.status as ConversationStatus,
    assignedAgentId: (r.assigned_agent_id as number) ?? null,
    teamId: (r.team_id as number) ?? null,
    language: (r.language as string) ?? null,
    topic: (r.topic as string) ?? null,
    priority: r.priority as Conversation['priority'],
    botMisses: r.bot_misses as number,
    previousConversationId: (r.previous_conversation_id as number) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    lastMessageAt: r.last_message_at as number,
    queuedAt: (r.queued_at as number) ?? null,
    firstResponseAt: (r.first_response_at as number) ?? null,
    resolvedAt: (r.resolved_at as number) ?? null,
    closedAt: (r.closed_at as number) ?? null,
  };
}

function toMessage(r: Row): Message {
  return {
    id: r.id as number,
    conversationId: r.conversation_id as number,
    direction: r.direction as Message['direction'],
    authorType: r.author_type as Message['authorType'],
    agentId: (r.agent_id as number) ?? null,
    text: r.text as string,
    attachments: parse(r.attachments),
    quickReplies: parse(r.quick_replies),
    buttonId: (r.button_id as string) ?? null,
    channel: r.channel as string,
    externalId: (r.external_id as string) ?? null,
    clientId: (r.client_id as string) ?? null,
    createdAt: r.created_at as number,
    delivery: (r.delivery as OutboxItem['status']) ?? null,
  };
}

function toOutbox(r: Row): OutboxItem {
  return {
    id: r.id as number,
    messageId: r.message_id as number,
    conversationId: r.conversation_id as number,
    channel: r.channel as string,
    status: r.status as OutboxItem['status'],
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    lastError: (r.last_error as string) ?? null,
    createdAt: r.created_at as number,
    sentAt: (r.sent_at as number) ?? null,
  };
}

function toAgent(r: Row): Agent {
  return {
    id: r.id as number,
    email: r.email as string,
    name: r.name as string,
    passwordHash: r.password_hash as string,
    role: r.role as Agent['role'],
    active: r.active === 1,
    capacity: r.capacity as number,
    createdAt: r.created_at as number,
  };
}

function toKbEntry(r: Row): KbEntry {
  const entry: KbEntry = {
    id: r.id as string,
    questions: parse<string[]>(r.questions) ?? [],
    answer: parse<KbEntry['answer']>(r.answer) ?? '',
  };
  if (r.topic) entry.topic = r.topic as string;
  const tags = parse<string[]>(r.tags);
  if (tags?.length) entry.tags = tags;
  return entry;
}

const OPEN_STATUSES = new Set<ConversationStatus>(['bot', 'queued', 'assigned']);

const PATCH_COLUMNS: Record<keyof ConversationPatch, string> = {
  status: 'status',
  assignedAgentId: 'assigned_agent_id',
  teamId: 'team_id',
  language: 'language',
  topic: 'topic',
  priority: 'priority',
  botMisses: 'bot_misses',
  queuedAt: 'queued_at',
  firstResponseAt: 'first_response_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
};

/**
 * How hard each commit is pushed to the disk. `full` (the default): an acknowledged message survives
 * a power failure too. `normal`: it survives a crash of the process, and the last commits may be lost
 * if the machine loses power; commits are about ten times cheaper (WAL mode keeps the file consistent
 * either way).
 */
export type DatabaseSync = 'full' | 'normal';

/** Opens (creating if needed) the database file and applies pending migrations. Use ':memory:' in tests. */
export function openSqliteStore(file: string, options: { sync?: DatabaseSync } = {}): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db, options.sync !== 'normal');
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
}

class SqliteStore implements Store {
  constructor(
    private readonly db: Database.Database,
    /** Commits are synced to the disk (DATABASE_SYNC=full). */
    private readonly fullSync = false,
  ) {}

  /**
   * Runs bookkeeping that need not survive a power failure on its own (an outbox row marked sent)
   * without a disk sync of its own: the next synced commit carries it to the disk (WAL keeps the
   * order). Losing it to a power cut means one message sent again after the restart, never a lost
   * one; it saves one disk sync in three per answered message.
   */
  private unsynced(fn: () => void): void {
    if (!this.fullSync) return fn();
    this.db.pragma('synchronous = NORMAL');
    try {
      fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  private readonly stmt = new Map<string, Database.Statement>();
  private q(sql: string): Database.Statement {
    let s = this.stmt.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmt.set(sql, s);
    }
    return s;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.q('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined;
    return (row?.value as string) ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.q('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async intake(input: IntakeInput): Promise<IntakeResult> {
    return this.db.transaction((): IntakeResult => {
      const existing = this.q('SELECT * FROM messages WHERE channel = ? AND external_id = ?').get(
        input.channel,
        input.externalMessageId,
      ) as Row | undefined;
      if (existing) {
        const message = toMessage(existing);
        const conversation = toConversation(this.q('SELECT * FROM conversations WHERE id = ?').get(message.conversationId) as Row);
        const contact = toContact(this.q('SELECT * FROM contacts WHERE id = ?').get(conversation.contactId) as Row);
        return { duplicate: true, contact, conversation, message, opened: false };
      }

      const contact = this.findOrCreateContact(input);
      let opened = false;
      let conversationRow = this.q(
        'SELECT * FROM conversations WHERE contact_id = ? AND channel = ? AND external_user_id = ? ORDER BY id DESC LIMIT 1',
      ).get(contact.id, input.channel, input.externalUserId) as Row | undefined;
      let conversation = conversationRow ? toConversation(conversationRow) : null;
      if (!conversation || (!OPEN_STATUSES.has(conversation.status) && !input.attachToLatest)) {
        const previous = conversation;
        if (previous?.status === 'resolved') {
          this.q("UPDATE conversations SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ?").run(input.at, input.at, previous.id);
          this.insertEvent({ conversationId: previous.id, type: 'closed', actor: 'system', data: { reason: 'new_contact' } }, input.at);
        }
        const info = this.q(
          `INSERT INTO conversations (contact_id, channel, external_chat_id, external_user_id, status, language,
             previous_conversation_id, created_at, updated_at, last_message_at)
           VALUES (?, ?, ?, ?, 'bot', ?, ?, ?, ?, ?)`,
        ).run(
          contact.id,
          input.channel,
          input.externalChatId,
          input.externalUserId,
          contact.language,
          previous?.id ?? null,
          input.at,
          input.at,
          input.at,
        );
        conversationRow = this.q('SELECT * FROM conversations WHERE id = ?').get(info.lastInsertRowid) as Row;
        conversation = toConversation(conversationRow);
        opened = true;
        this.insertEvent(
          {
            conversationId: conversation.id,
            type: 'created',
            actor: 'contact',
            data: { channel: input.channel, repeatOf: previous?.id ?? null },
          },
          input.at,
        );
      } else {
        this.q('UPDATE conversations SET last_message_at = ?, updated_at = ?, external_chat_id = ? WHERE id = ?').run(
          input.at,
          input.at,
          input.externalChatId,
          conversation.id,
        );
        conversation = { ...conversation, lastMessageAt: input.at, updatedAt: input.at, externalChatId: input.externalChatId };
      }

      const info = this.q(
        `INSERT INTO messages (conversation_id, direction, author_type, text, attachments, button_id, channel, external_id, client_id, created_at)
         VALUES (?, 'in', 'contact', ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        conversation.id,
        input.text,
        json(input.attachments?.length ? input.attachments : null),
        input.buttonId ?? null,
        input.channel,
        input.externalMessageId,
        input.clientId ?? null,
        input.at,
      );
      const message = toMessage(this.q('SELECT * FROM messages WHERE id = ?').get(info.lastInsertRowid) as Row);
      return { duplicate: false, contact, conversation, message, opened };
    })();
  }

  private findOrCreateContact(input: IntakeInput): Contact {
    const identity = this.q('SELECT contact_id FROM contact_identities WHERE channel = ? AND external_user_id = ?').get(
      input.channel,
      input.externalUserId,
    ) as Row | undefined;
    const profile = input.profile ?? {};
    if (identity) {
      let contactId = identity.contact_id as number;
      // Follow merges so a merged-away contact's identity lands on the surviving one.
      for (;;) {
        const row = this.q('SELECT merged_into FROM contacts WHERE id = ?').get(contactId) as Row;
        if (!row.merged_into) break;
        contactId = row.merged_into as number;
      }
      this.q(
        `UPDATE contacts SET name = COALESCE(?, name), username = COALESCE(?, username), language = COALESCE(?, language),
           unreachable_reason = NULL, updated_at = ? WHERE id = ?`,
      ).run(profile.name ?? null, profile.username ?? null, profile.language ?? null, input.at, contactId);
      this.q('UPDATE contact_identities SET external_chat_id = ? WHERE channel = ? AND external_user_id = ?').run(
        input.externalChatId,
        input.channel,
        input.externalUserId,
      );
      return toContact(this.q('SELECT * FROM contacts WHERE id = ?').get(contactId) as Row);
    }
    const info = this.q(
      'INSERT INTO contacts (name, username, language, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    ).run(profile.name ?? null, profile.username ?? null, profile.language ?? null, input.at, input.at);
    this.q(
      'INSERT INTO contact_identities (contact_id, channel, external_user_id, external_chat_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ).run(info.lastInsertRowid, input.channel, input.externalUserId, input.externalChatId, input.at);
    return toContact(this.q('SELECT * FROM contacts WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  async getContact(id: number): Promise<Contact | null> {
    const row = this.q('SELECT * FROM contacts WHERE id = ?').get(id) as Row | undefined;
    return row ? toContact(row) : null;
  }

  async listIdentities(contactId: number): Promise<ContactIdentity[]> {
    const rows = this.q('SELECT * FROM contact_identities WHERE contact_id = ? ORDER BY id').all(contactId) as Row[];
    return rows.map((r) => ({
      contactId: r.contact_id as number,
      channel: r.channel as string,
      externalUserId: r.external_user_id as string,
      externalChatId: r.external_chat_id as string,
    }));
  }

  async setContactUnreachable(id: number, reason: string | null): Promise<void> {
    this.q('UPDATE contacts SET unreachable_reason = ?, updated_at = ? WHERE id = ?').run(reason, Date.now(), id);
  }

  async getConversation(id: number): Promise<Conversation | null> {
    const row = this.q('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
    return row ? toConversation(row) : null;
  }

  async latestConversation(channel: string, externalUserId: string): Promise<Conversation | null> {
    const row = this.q(
      'SELECT * FROM conversations WHERE channel = ? AND external_user_id = ? ORDER BY id DESC LIMIT 1',
    ).get(channel, externalUserId) as Row | undefined;
    return row ? toConversation(row) : null;
  }

  async listConversations(filter: ConversationFilter): Promise<Conversation[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.statuses?.length) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      args.push(...filter.statuses);
    }
    if (filter.assignedAgentId !== undefined) {
      where.push('assigned_agent_id = ?');
      args.push(filter.assignedAgentId);
    }
    if (filter.teamId !== undefined) {
      where.push('team_id = ?');
      args.push(filter.teamId);
    }
    if (filter.contactId !== undefined) {
      where.push('contact_id = ?');
      args.push(filter.contactId);
    }
    const sql = `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY last_message_at DESC LIMIT ?`;
    args.push(filter.limit ?? 200);
    return (this.db.prepare(sql).all(...args) as Row[]).map(toConversation);
  }

  async updateConversation(
    id: number,
    patch: ConversationPatch,
    event: NewEvent | null,
    expectStatus?: ConversationStatus[],
  ): Promise<Conversation | null> {
    return this.db.transaction((): Conversation | null => {
      const row = this.q('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
      if (!row) return null;
      const current = toConversation(row);
      if (expectStatus && !expectStatus.includes(current.status)) return null;
      const now = Date.now();
      const sets: string[] = ['updated_at = ?'];
      const args: unknown[] = [now];
      for (const [key, column] of Object.entries(PATCH_COLUMNS) as [keyof ConversationPatch, string][]) {
        if (patch[key] !== undefined) {
          sets.push(`${column} = ?`);
          args.push(patch[key]);
        }
      }
      args.push(id);
      this.db.prepare(`UPDATE conversations SET ${sets.join(', ')} WHERE id = ?`).run(...args);
      if (event) this.insertEvent(event, now);
      return toConversation(this.q('SELECT * FROM conversations WHERE id = ?').get(id) as Row);
    })();
  }

  async addMessage(m: NewMessage, deliver: boolean): Promise<{ message: Message; duplicate: boolean }> {
    return this.db.transaction(() => {
      if (m.clientId) {
        const existing = this.q('SELECT * FROM messages WHERE conversation_id = ? AND client_id = ?').get(
          m.conversationId,
          m.clientId,
        ) as Row | undefined;
        if (existing) return { message: toMessage(existing), duplicate: true };
      }
      const conv = this.q('SELECT channel FROM conversations WHERE id = ?').get(m.conversationId) as Row | undefined;
      if (!conv) throw new Error(`conversation ${m.conversationId} does not exist`);
      const info = this.q(
        `INSERT INTO messages (conversation_id, direction, author_type, agent_id, text, attachments, quick_replies, channel, client_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        m.conversationId,
        m.direction,
        m.authorType,
        m.agentId ?? null,
        m.text,
        json(m.attachments?.length ? m.attachments : null),
        json(m.quickReplies?.length ? m.quickReplies : null),
        conv.channel,
        m.clientId ?? null,
        m.at,
      );
      if (m.direction === 'out') {
        this.q('UPDATE conversations SET last_message_at = ?, updated_at = ? WHERE id = ?').run(m.at, m.at, m.conversationId);
      }
      if (deliver) {
        this.q(
          `INSERT INTO outbox (message_id, conversation_id, channel, status, next_attempt_at, created_at)
           VALUES (?, ?, ?, 'pending', ?, ?)`,
        ).run(info.lastInsertRowid, m.conversationId, conv.channel, m.at, m.at);
      }
      return { message: toMessage(this.q('SELECT * FROM messages WHERE id = ?').get(info.lastInsertRowid) as Row), duplicate: false };
    })();
  }

  async getMessage(id: number): Promise<Message | null> {
    const row = this.q('SELECT m.*, o.status AS delivery FROM messages m LEFT JOIN outbox o ON o.message_id = m.id WHERE m.id = ?').get(id) as
      | Row
      | undefined;
    return row ? toMessage(row) : null;
  }

  async listMessages(conversationId: number, options: { includeInternal?: boolean } = {}): Promise<Message[]> {
    const sql = `SELECT m.*, o.status AS delivery FROM messages m LEFT JOIN outbox o ON o.message_id = m.id
      WHERE m.conversation_id = ? ${options.includeInternal ? '' : "AND m.direction != 'internal'"} ORDER BY m.id`;
    return (this.q(sql).all(conversationId) as Row[]).map(toMessage);
  }

  async lastMessage(conversationId: number): Promise<Message | null> {
    const row = this.q(
      "SELECT * FROM messages WHERE conversation_id = ? AND direction != 'internal' ORDER BY id DESC LIMIT 1",
    ).get(conversationId) as Row | undefined;
    return row ? toMessage(row) : null;
  }

  private insertEvent(event: NewEvent, at: number): void {
    this.q('INSERT INTO events (conversation_id, type, actor, data, created_at) VALUES (?, ?, ?, ?, ?)').run(
      event.conversationId,
      event.type,
      event.actor ?? null,
      json(event.data ?? null),
      at,
    );
  }

  async appendEvent(event: NewEvent, at: number): Promise<void> {
    this.insertEvent(event, at);
  }

  async listEvents(conversationId: number): Promise<ConversationEvent[]> {
    const rows = this.q('SELECT * FROM events WHERE conversation_id = ? ORDER BY id').all(conversationId) as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      conversationId: (r.conversation_id as number) ?? null,
      type: r.type as string,
      actor: (r.actor as string) ?? null,
      data: parse(r.data),
      createdAt: r.created_at as number,
    }));
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxItem[]> {
    // The head of each conversation's queue only: a later message never overtakes an earlier one.
    const rows = this.q(
      `SELECT o.* FROM outbox o
       WHERE o.id IN (SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY conversation_id)
         AND o.next_attempt_at <= ?
       ORDER BY o.next_attempt_at, o.id LIMIT ?`,
    ).all(now, limit) as Row[];
    return rows.map(toOutbox);
  }

  async markOutboxSent(id: number, at: number): Promise<void> {
    this.unsynced(() => this.q("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(at, id));
  }

  async markOutboxRetry(id: number, nextAttemptAt: number, error: string, countAttempt = true): Promise<void> {
    this.q('UPDATE outbox SET attempts = attempts + ?, next_attempt_at = ?, last_error = ? WHERE id = ?').run(
      countAttempt ? 1 : 0,
      nextAttemptAt,
      error,
      id,
    );
  }

  async markOutboxFailed(id: number, error: string, at: number): Promise<void> {
    this.q("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, sent_at = ? WHERE id = ?").run(error, at, id);
  }

  async expediteOutbox(channel: string, externalUserId: string, now: number): Promise<number> {
    const info = this.q(
      `UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ? AND conversation_id IN
         (SELECT id FROM conversations WHERE channel = ? AND external_user_id = ?)`,
    ).run(now, now, channel, externalUserId);
    return info.changes;
  }

  async outboxForMessage(messageId: number): Promise<OutboxItem | null> {
    const row = this.q('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as Row | undefined;
    return row ? toOutbox(row) : null;
  }

  async createAgent(agent: Omit<Agent, 'id' | 'createdAt'>, at: number): Promise<Agent> {
    const info = this.q(
      'INSERT INTO agents (email, name, password_hash, role, active, capacity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(agent.email, agent.name, agent.passwordHash, agent.role, agent.active ? 1 : 0, agent.capacity, at);
    return toAgent(this.q('SELECT * FROM agents WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  async getAgent(id: number): Promise<Agent | null> {
    const row = this.q('SELECT * FROM agents WHERE id = ?').get(id) as Row | undefined;
    return row ? toAgent(row) : null;
  }

  async findAgentByEmail(email: string): Promise<Agent | null> {
    const row = this.q('SELECT * FROM agents WHERE email = ?').get(email) as Row | undefined;
    return row ? toAgent(row) : null;
  }

  async listAgents(): Promise<Agent[]> {
    return (this.q('SELECT * FROM agents ORDER BY id').all() as Row[]).map(toAgent);
  }

  async countAgents(): Promise<number> {
    return (this.q('SELECT COUNT(*) AS n FROM agents').get() as { n: number }).n;
  }

  async createSession(s: Session): Promise<void> {
    this.q('INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
      s.tokenHash,
      s.agentId,
      s.createdAt,
      s.expiresAt,
    );
  }

  async getSession(tokenHash: string, now: number): Promise<Session | null> {
    const row = this.q('SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now) as Row | undefined;
    if (!row) return null;
    return {
      tokenHash: row.token_hash as string,
      agentId: row.agent_id as number,
      createdAt: row.created_at as number,
      expiresAt: row.expires_at as number,
    };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.q('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async recordCsat(conversationId: number, rating: number, at: number): Promise<boolean> {
    const info = this.q('INSERT OR IGNORE INTO csat (conversation_id, rating, created_at) VALUES (?, ?, ?)').run(
      conversationId,
      rating,
      at,
    );
    return info.changes === 1;
  }

  async listKbEntries(): Promise<KbEntry[]> {
    return (this.q('SELECT * FROM kb_entries ORDER BY id').all() as Row[]).map(toKbEntry);
  }

  async getKbEntry(id: string): Promise<KbEntry | null> {
    const row = this.q('SELECT * FROM kb_entries WHERE id = ?').get(id) as Row | undefined;
    return row ? toKbEntry(row) : null;
  }

  async upsertKbEntry(entry: KbEntry, at: number): Promise<void> {
    this.q(
      `INSERT INTO kb_entries (id, topic, tags, questions, answer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET topic = excluded.topic, tags = excluded.tags, questions = excluded.questions,
         answer = excluded.answer, updated_at = excluded.updated_at`,
    ).run(entry.id, entry.topic ?? null, JSON.stringify(entry.tags ?? []), JSON.stringify(entry.questions), JSON.stringify(entry.answer), at, at);
  }

  async deleteKbEntry(id: string): Promise<boolean> {
    return this.q('DELETE FROM kb_entries WHERE id = ?').run(id).changes === 1;
  }

  async replaceKb(entries: KbEntry[], at: number): Promise<void> {
    this.db.transaction(() => {
      this.q('DELETE FROM kb_entries').run();
      for (const entry of entries) void this.upsertKbEntry(entry, at);
    })();
  }

  async recordMiss(miss: Omit<KbMiss, 'id' | 'status' | 'entryId'>): Promise<void> {
    this.q(
      `INSERT INTO kb_misses (conversation_id, message_id, text, language, best_entry_id, best_confidence, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(miss.conversationId, miss.messageId, miss.text, miss.language, miss.bestEntryId, miss.bestConfidence, miss.createdAt);
  }

  async listMisses(status: KbMiss['status'], limit: number): Promise<KbMiss[]> {
    const rows = this.q('SELECT * FROM kb_misses WHERE status = ? ORDER BY id DESC LIMIT ?').all(status, limit) as Row[];
    return rows.map((r) => this.toKbMiss(r));
  }

  // ---- teams ----
  private toTeam(r: Row): Team {
    const members = this.q('SELECT agent_id FROM team_members WHERE team_id = ? ORDER BY agent_id').all(r.id) as Row[];
    return {
      id: r.id as number,
      name: r.name as string,
      assignmentMode: r.assignment_mode as Team['assignmentMode'],
      createdAt: r.created_at as number,
      memberIds: members.map((m) => m.agent_id as number),
    };
  }

  async createTeam(team: { name: string; assignmentMode: Team['assignmentMode'] }, at: number): Promise<Team> {
    const info = this.q('INSERT INTO teams (name, assignment_mode, created_at) VALUES (?, ?, ?)').run(team.name, team.assignmentMode, at);
    return this.toTeam(this.q('SELECT * FROM teams WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  async updateTeam(id: number, patch: { name?: string; assignmentMode?: Team['assignmentMode'] }): Promise<Team | null> {
    if (patch.name !== undefined) this.q('UPDATE teams SET name = ? WHERE id = ?').run(patch.name, id);
    if (patch.assignmentMode !== undefined) this.q('UPDATE teams SET assignment_mode = ? WHERE id = ?').run(patch.assignmentMode, id);
    return this.getTeam(id);
  }

  async deleteTeam(id: number): Promise<boolean> {
    return this.q('DELETE FROM teams WHERE id = ?').run(id).changes === 1;
  }

  async getTeam(id: number): Promise<Team | null> {
    const row = this.q('SELECT * FROM teams WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toTeam(row) : null;
  }

  async listTeams(): Promise<Team[]> {
    return (this.q('SELECT * FROM teams ORDER BY name').all() as Row[]).map((r) => this.toTeam(r));
  }

  async setTeamMembers(teamId: number, agentIds: number[]): Promise<void> {
    this.db.transaction(() => {
      this.q('DELETE FROM team_members WHERE team_id = ?').run(teamId);
      for (const agentId of new Set(agentIds)) this.q('INSERT INTO team_members (team_id, agent_id) VALUES (?, ?)').run(teamId, agentId);
    })();
  }

  async teamsOfAgent(agentId: number): Promise<Team[]> {
    const rows = this.q('SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.agent_id = ? ORDER BY t.name').all(agentId) as Row[];
    return rows.map((r) => this.toTeam(r));
  }

  // ---- kb management ----
  private toKbMiss(r: Row): KbMiss {
    return {
      id: r.id as number,
      conversationId: (r.conversation_id as number) ?? null,
      messageId: (r.message_id as number) ?? null,
      text: r.text as string,
      language: (r.language as string) ?? null,
      bestEntryId: (r.best_entry_id as string) ?? null,
      bestConfidence: (r.best_confidence as number) ?? null,
      status: r.status as KbMiss['status'],
      entryId: (r.entry_id as string) ?? null,
      createdAt: r.created_at as number,
    };
  }

  async getMisses(ids: number[]): Promise<KbMiss[]> {
    const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
    if (unique.length === 0) return [];
    // json_each keeps the statement text fixed whatever the number of ids.
    const rows = this.q('SELECT * FROM kb_misses WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(unique)) as Row[];
    return rows.map((r) => this.toKbMiss(r));
  }

  async setMissStatus(ids: number[], status: KbMiss['status'], entryId: string | null, onlyFrom?: KbMiss['status'][]): Promise<number> {
    const unique = [...new Set(ids)].filter((id) => Number.isInteger(id));
    if (unique.length === 0) return 0;
    const info = this.q(
      `UPDATE kb_misses SET status = ?, entry_id = ? WHERE id IN (SELECT value FROM json_each(?))
         AND (? IS NULL OR status IN (SELECT value FROM json_each(?)))`,
    ).run(status, entryId, JSON.stringify(unique), onlyFrom ? 1 : null, JSON.stringify(onlyFrom ?? []));
    return info.changes;
  }

  async proposePhrasing(p: { conversationId: number; messageId: number; text: string; language: string | null; entryId: string; createdAt: number }): Promise<KbMiss | null> {
    return this.db.transaction((): KbMiss | null => {
      const existing = this.q('SELECT * FROM kb_misses WHERE message_id = ? ORDER BY id LIMIT 1').get(p.messageId) as Row | undefined;
      if (existing) {
        if (existing.status === 'attached') return null;
        this.q("UPDATE kb_misses SET status = 'proposed', entry_id = ? WHERE id = ?").run(p.entryId, existing.id);
        return this.toKbMiss(this.q('SELECT * FROM kb_misses WHERE id = ?').get(existing.id) as Row);
      }
      const info = this.q(
        `INSERT INTO kb_misses (conversation_id, message_id, text, language, status, entry_id, created_at)
         VALUES (?, ?, ?, ?, 'proposed', ?, ?)`,
      ).run(p.conversationId, p.messageId, p.text, p.language, p.entryId, p.createdAt);
      return this.toKbMiss(this.q('SELECT * FROM kb_misses WHERE id = ?').get(info.lastInsertRowid) as Row);
    })();
  }

  async applyKbChanges(upserts: KbEntry[], deleteIds: string[], at: number): Promise<void> {
    this.db.transaction(() => {
      for (const id of deleteIds) this.q('DELETE FROM kb_entries WHERE id = ?').run(id);
      for (const entry of upserts) void this.upsertKbEntry(entry, at);
    })();
  }

  async countMisses(): Promise<Record<KbMiss['status'], number>> {
    const counts: Record<KbMiss['status'], number> = { open: 0, attached: 0, dismissed: 0, proposed: 0 };
    for (const r of this.q('SELECT status, COUNT(*) AS n FROM kb_misses GROUP BY status').all() as Row[]) {
      counts[r.status as KbMiss['status']] = r.n as number;
    }
    return counts;
  }
  // ---- console ----
  private idsJson(ids: number[]): string {
    return JSON.stringify([...new Set(ids)].filter((id) => Number.isInteger(id)));
  }

  async consoleMeta(conversationIds: number[]): Promise<Map<number, ConsoleMeta>> {
    const meta = new Map<number, ConsoleMeta>();
    if (conversationIds.length === 0) return meta;
    const ids = this.idsJson(conversationIds);
    const entry = (id: number): ConsoleMeta => {
      let m = meta.get(id);
      if (!m) meta.set(id, (m = { tags: [], snoozedUntil: null }));
      return m;
    };
    for (const r of this.q('SELECT conversation_id, tag FROM conversation_tags WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY tag').all(ids) as Row[]) {
      entry(r.conversation_id as number).tags.push(r.tag as string);
    }
    for (const r of this.q('SELECT id, snoozed_until FROM conversations WHERE snoozed_until IS NOT NULL AND id IN (SELECT value FROM json_each(?))').all(ids) as Row[]) {
      entry(r.id as number).snoozedUntil = r.snoozed_until as number;
    }
    return meta;
  }

  async listInbox(f: InboxFilter): Promise<Conversation[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (f.statuses.length) add('c.status IN (SELECT value FROM json_each(?))', JSON.stringify(f.statuses));
    if (f.assignedAgentId === null) add('c.assigned_agent_id IS NULL');
    else if (f.assignedAgentId !== undefined) add('c.assigned_agent_id = ?', f.assignedAgentId);
    if (f.teamId === null) add('c.team_id IS NULL');
    else if (f.teamId !== undefined) add('c.team_id = ?', f.teamId);
    if (f.channel) add('c.channel = ?', f.channel);
    if (f.topic) add('c.topic = ?', f.topic);
    if (f.priority) add('c.priority = ?', f.priority);
    if (f.tag) add('c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag = ?)', f.tag);
    if (f.text !== undefined) {
      const match = ftsQuery(f.text);
      if (!match) return [];
      add('c.id IN (SELECT m.conversation_id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid WHERE messages_fts MATCH ?)', match);
    }
    const now = f.now ?? Date.now();
    if (f.snoozed === 'hide') add('(c.snoozed_until IS NULL OR c.snoozed_until <= ?)', now);
    if (f.snoozed === 'only') add('c.snoozed_until > ?', now);
    // Waiting: urgent before high before the rest, then whoever has waited longest.
    const order =
      f.order === 'waiting'
        ? "CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, COALESCE(c.queued_at, c.created_at) ASC, c.id ASC"
        : 'c.last_message_at DESC, c.id DESC';
    args.push(Math.min(Math.max(f.limit, 1), 1000));
    const sql = `SELECT c.* FROM conversations c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toConversation);
  }

  async inboxCounts(agentId: number, now: number): Promise<InboxCounts> {
    const r = this.q(
      `SELECT
         COUNT(*) FILTER (WHERE status = 'queued') AS queue,
         COUNT(*) FILTER (WHERE status = 'assigned' AND assigned_agent_id = ? AND (snoozed_until IS NULL OR snoozed_until <= ?)) AS mine,
         COUNT(*) FILTER (WHERE status = 'assigned' AND assigned_agent_id = ? AND snoozed_until > ?) AS snoozed,
         COUNT(*) FILTER (WHERE status IN ('bot', 'queued', 'assigned')) AS open,
         COUNT(*) FILTER (WHERE status = 'bot') AS bot
       FROM conversations WHERE status IN ('bot', 'queued', 'assigned')`,
    ).get(agentId, now, agentId, now) as Row;
    return { queue: r.queue as number, mine: r.mine as number, snoozed: r.snoozed as number, all: r.open as number, bot: r.bot as number };
  }

  async searchMessages(query: string, limit: number): Promise<MessageHit[]> {
    const match = ftsQuery(query);
    if (!match) return [];
    const terms = searchTerms(query);
    const rows = this.q(
      `SELECT m.id, m.conversation_id, m.direction, m.author_type, m.channel, m.created_at, m.text
       FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
       WHERE messages_fts MATCH ? ORDER BY messages_fts.rank, m.id DESC LIMIT ?`,
    ).all(match, Math.min(Math.max(limit, 1), 200)) as Row[];
    return rows.map((r) => ({
      messageId: r.id as number,
      conversationId: r.conversation_id as number,
      direction: r.direction as MessageDirection,
      authorType: r.author_type as AuthorType,
      channel: r.channel as string,
      createdAt: r.created_at as number,
      snippet: snippetOf(r.text as string, terms),
    }));
  }

  async setConversationTags(conversationId: number, tags: string[], event: NewEvent, at: number): Promise<string[]> {
    return this.db.transaction((): string[] => {
      this.q('DELETE FROM conversation_tags WHERE conversation_id = ?').run(conversationId);
      const insert = this.q('INSERT OR IGNORE INTO conversation_tags (conversation_id, tag, created_at) VALUES (?, ?, ?)');
      for (const tag of tags) insert.run(conversationId, tag, at);
      this.q('UPDATE conversations SET updated_at = ? WHERE id = ?').run(at, conversationId);
      this.insertEvent(event, at);
      return (this.q('SELECT tag FROM conversation_tags WHERE conversation_id = ? ORDER BY tag').all(conversationId) as Row[]).map((r) => r.tag as string);
    })();
  }

  async listTags(): Promise<{ tag: string; count: number }[]> {
    const rows = this.q('SELECT tag, COUNT(*) AS n FROM conversation_tags GROUP BY tag COLLATE NOCASE ORDER BY n DESC, tag LIMIT 500').all() as Row[];
    return rows.map((r) => ({ tag: r.tag as string, count: r.n as number }));
  }

  async setSnooze(conversationId: number, until: number | null, event: NewEvent | null, at: number): Promise<Conversation | null> {
    return this.db.transaction((): Conversation | null => {
      const info = this.q('UPDATE conversations SET snoozed_until = ?, updated_at = ? WHERE id = ?').run(until, at, conversationId);
      if (info.changes === 0) return null;
      if (event) this.insertEvent(event, at);
      return toConversation(this.q('SELECT * FROM conversations WHERE id = ?').get(conversationId) as Row);
    })();
  }

  async dueSnoozes(now: number): Promise<number[]> {
    const rows = this.q('SELECT id FROM conversations WHERE snoozed_until IS NOT NULL AND snoozed_until <= ? ORDER BY snoozed_until LIMIT 500').all(now) as Row[];
    return rows.map((r) => r.id as number);
  }

  async openLoadByAgent(): Promise<Map<number, number>> {
    const rows = this.q("SELECT assigned_agent_id AS agent, COUNT(*) AS n FROM conversations WHERE status = 'assigned' AND assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id").all() as Row[];
    return new Map(rows.map((r) => [r.agent as number, r.n as number]));
  }

  async updateAgent(id: number, patch: AgentPatch): Promise<Agent | null> {
    const columns: Record<keyof AgentPatch, string> = {
      name: 'name',
      email: 'email',
      role: 'role',
      capacity: 'capacity',
      active: 'active',
      passwordHash: 'password_hash',
    };
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof AgentPatch, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      args.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    if (sets.length) {
      try {
        this.db.prepare(`UPDATE agents SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateError('Another agent already has this email.');
        throw err;
      }
    }
    return this.getAgent(id);
  }

  async deleteSessionsOfAgent(agentId: number): Promise<number> {
    return this.q('DELETE FROM sessions WHERE agent_id = ?').run(agentId).changes;
  }

  private toAgentStatus(r: Row): AgentStatusRecord {
    return { agentId: r.agent_id as number, status: r.status as AgentStatus, auto: r.auto === 1, updatedAt: r.updated_at as number };
  }

  async listAgentStatuses(): Promise<AgentStatusRecord[]> {
    return (this.q('SELECT * FROM agent_status ORDER BY agent_id').all() as Row[]).map((r) => this.toAgentStatus(r));
  }

  async getAgentStatus(agentId: number): Promise<AgentStatusRecord | null> {
    const row = this.q('SELECT * FROM agent_status WHERE agent_id = ?').get(agentId) as Row | undefined;
    return row ? this.toAgentStatus(row) : null;
  }

  async setAgentStatus(agentId: number, status: AgentStatus, auto: boolean, at: number): Promise<void> {
    this.q(
      `INSERT INTO agent_status (agent_id, status, auto, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(agent_id) DO UPDATE SET status = excluded.status, auto = excluded.auto, updated_at = excluded.updated_at`,
    ).run(agentId, status, auto ? 1 : 0, at);
  }

  private toCanned(r: Row): CannedResponse {
    return {
      id: r.id as number,
      shortcut: r.shortcut as string,
      title: r.title as string,
      text: r.text as string,
      ownerAgentId: (r.owner_agent_id as number) ?? null,
      createdBy: (r.created_by as number) ?? null,
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    };
  }

  async listCanned(agentId: number): Promise<CannedResponse[]> {
    const rows = this.q(
      'SELECT * FROM canned_responses WHERE owner_agent_id IS NULL OR owner_agent_id = ? ORDER BY shortcut COLLATE NOCASE, owner_agent_id IS NULL',
    ).all(agentId) as Row[];
    return rows.map((r) => this.toCanned(r));
  }

  async getCanned(id: number): Promise<CannedResponse | null> {
    const row = this.q('SELECT * FROM canned_responses WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toCanned(row) : null;
  }

  async createCanned(c: NewCanned, at: number): Promise<CannedResponse> {
    try {
      const info = this.q(
        'INSERT INTO canned_responses (shortcut, title, text, owner_agent_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(c.shortcut, c.title, c.text, c.ownerAgentId, c.createdBy, at, at);
      return (await this.getCanned(Number(info.lastInsertRowid)))!;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateError(`The shortcut /${c.shortcut} is taken.`);
      throw err;
    }
  }

  async updateCanned(id: number, patch: { shortcut?: string; title?: string; text?: string }, at: number): Promise<CannedResponse | null> {
    try {
      this.q(
        'UPDATE canned_responses SET shortcut = COALESCE(?, shortcut), title = COALESCE(?, title), text = COALESCE(?, text), updated_at = ? WHERE id = ?',
      ).run(patch.shortcut ?? null, patch.title ?? null, patch.text ?? null, at, id);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateError(`The shortcut /${patch.shortcut} is taken.`);
      throw err;
    }
    return this.getCanned(id);
  }

  async deleteCanned(id: number): Promise<boolean> {
    return this.q('DELETE FROM canned_responses WHERE id = ?').run(id).changes === 1;
  }

  async updateContact(id: number, patch: { name?: string | null; email?: string | null }, at: number): Promise<Contact | null> {
    if (patch.name !== undefined) this.q('UPDATE contacts SET name = ?, updated_at = ? WHERE id = ?').run(patch.name, at, id);
    if (patch.email !== undefined) this.q('UPDATE contacts SET email = ?, updated_at = ? WHERE id = ?').run(patch.email, at, id);
    return this.getContact(id);
  }

  async survivingContactId(id: number): Promise<number | null> {
    let current = id;
    // Bounded: merges never form a cycle, but a corrupted row must not hang the server.
    for (let hops = 0; hops < 100; hops++) {
      const row = this.q('SELECT merged_into FROM contacts WHERE id = ?').get(current) as Row | undefined;
      if (!row) return null;
      if (!row.merged_into) return current;
      current = row.merged_into as number;
    }
    return null;
  }

  async findContacts(query: string, limit: number): Promise<Contact[]> {
    const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const id = /^#?\d+$/.test(query.trim()) ? Number(query.trim().replace('#', '')) : -1;
    const rows = this.q(
      `SELECT * FROM contacts c WHERE c.merged_into IS NULL AND (
         c.id = ? OR c.name LIKE ? ESCAPE '\\' OR c.username LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\'
         OR c.id IN (SELECT contact_id FROM contact_identities WHERE external_user_id LIKE ? ESCAPE '\\'))
       ORDER BY c.updated_at DESC LIMIT ?`,
    ).all(id, like, like, like, like, Math.min(Math.max(limit, 1), 100)) as Row[];
    return rows.map(toContact);
  }

  async mergeContacts(targetId: number, sourceId: number, actor: string, at: number): Promise<{ contact: Contact; movedConversationIds: number[] }> {
    return this.db.transaction(() => {
      const target = this.q('SELECT * FROM contacts WHERE id = ? AND merged_into IS NULL').get(targetId) as Row | undefined;
      const source = this.q('SELECT * FROM contacts WHERE id = ? AND merged_into IS NULL').get(sourceId) as Row | undefined;
      if (!target || !source || targetId === sourceId) throw new Error('both contacts must exist, differ and not be merged already');
      const moved = (this.q('SELECT id FROM conversations WHERE contact_id = ? ORDER BY id').all(sourceId) as Row[]).map((r) => r.id as number);
      this.q('UPDATE contact_identities SET contact_id = ? WHERE contact_id = ?').run(targetId, sourceId);
      this.q('UPDATE conversations SET contact_id = ?, updated_at = ? WHERE contact_id = ?').run(targetId, at, sourceId);
      this.q('UPDATE contact_notes SET contact_id = ? WHERE contact_id = ?').run(targetId, sourceId);
      this.q('UPDATE contacts SET merged_into = ? WHERE merged_into = ?').run(targetId, sourceId);
      this.q(
        `UPDATE contacts SET name = COALESCE(name, ?), username = COALESCE(username, ?), email = COALESCE(email, ?),
           language = COALESCE(language, ?), unreachable_reason = COALESCE(unreachable_reason, ?), updated_at = ? WHERE id = ?`,
      ).run(source.name, source.username, source.email, source.language, source.unreachable_reason, at, targetId);
      this.q('UPDATE contacts SET merged_into = ?, updated_at = ? WHERE id = ?').run(targetId, at, sourceId);
      for (const conversationId of moved) {
        this.insertEvent({ conversationId, type: 'contact_merged', actor, data: { from: sourceId, into: targetId } }, at);
      }
      const contact = toContact(this.q('SELECT * FROM contacts WHERE id = ?').get(targetId) as Row);
      return { contact, movedConversationIds: moved };
    })();
  }

  async contactMessages(contactId: number, limit: number): Promise<Message[]> {
    const rows = this.q(
      `SELECT * FROM (
         SELECT m.*, o.status AS delivery FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN outbox o ON o.message_id = m.id
         WHERE c.contact_id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?
       ) ORDER BY created_at, id`,
    ).all(contactId, Math.min(Math.max(limit, 1), 5000)) as Row[];
    return rows.map(toMessage);
  }

  private toContactNote(r: Row): ContactNote {
    return {
      id: r.id as number,
      contactId: r.contact_id as number,
      agentId: (r.agent_id as number) ?? null,
      text: r.text as string,
      createdAt: r.created_at as number,
    };
  }

  async addContactNote(note: { contactId: number; agentId: number; text: string }, at: number): Promise<ContactNote> {
    const info = this.q('INSERT INTO contact_notes (contact_id, agent_id, text, created_at) VALUES (?, ?, ?, ?)').run(note.contactId, note.agentId, note.text, at);
    return (await this.getContactNote(Number(info.lastInsertRowid)))!;
  }

  async listContactNotes(contactId: number): Promise<ContactNote[]> {
    return (this.q('SELECT * FROM contact_notes WHERE contact_id = ? ORDER BY id DESC').all(contactId) as Row[]).map((r) => this.toContactNote(r));
  }

  async getContactNote(id: number): Promise<ContactNote | null> {
    const row = this.q('SELECT * FROM contact_notes WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toContactNote(row) : null;
  }

  async deleteContactNote(id: number): Promise<boolean> {
    return this.q('DELETE FROM contact_notes WHERE id = ?').run(id).changes === 1;
  }

  // ---- widget ----

  async saveContactDetails(input: {
    channel: string;
    externalUserId: string;
    externalChatId: string;
    name?: string;
    email?: string;
    at: number;
  }): Promise<Contact> {
    return this.db.transaction((): Contact => {
      // The same find-or-create as intake, so the customer's first message lands on this contact.
      // A known identity keeps its chat id (a Telegram group is not the user's id).
      const known = this.q('SELECT external_chat_id FROM contact_identities WHERE channel = ? AND external_user_id = ?').get(
        input.channel,
        input.externalUserId,
      ) as Row | undefined;
      const contact = this.findOrCreateContact({
        channel: input.channel,
        externalChatId: (known?.external_chat_id as string | undefined) ?? input.externalChatId,
        externalUserId: input.externalUserId,
        externalMessageId: '',
        text: '',
        profile: { name: input.name },
        at: input.at,
        attachToLatest: false,
      });
      if (input.email !== undefined) {
        this.q('UPDATE contacts SET email = ?, updated_at = ? WHERE id = ?').run(input.email, input.at, contact.id);
      }
      const open = this.q(
        "SELECT id FROM conversations WHERE contact_id = ? AND status IN ('bot', 'queued', 'assigned') ORDER BY id DESC LIMIT 1",
      ).get(contact.id) as Row | undefined;
      if (open) {
        const fields = [input.name !== undefined && 'name', input.email !== undefined && 'email'].filter(Boolean);
        this.insertEvent({ conversationId: open.id as number, type: 'contact_details', actor: 'contact', data: { fields } }, input.at);
      }
      return toContact(this.q('SELECT * FROM contacts WHERE id = ?').get(contact.id) as Row);
    })();
  }

  // ---- routing / SLA / reports / webhooks / API tokens (issue 8) ----
  private idList(ids: number[]): string {
    return JSON.stringify([...new Set(ids)].filter((id) => Number.isInteger(id)));
  }

  async contactTags(contactId: number): Promise<string[]> {
    return (this.q('SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag').all(contactId) as Row[]).map((r) => r.tag as string);
  }

  async setContactTags(contactId: number, tags: string[], at: number): Promise<string[]> {
    this.db.transaction(() => {
      this.q('DELETE FROM contact_tags WHERE contact_id = ?').run(contactId);
      const insert = this.q('INSERT OR IGNORE INTO contact_tags (contact_id, tag, created_at) VALUES (?, ?, ?)');
      for (const tag of tags) insert.run(contactId, tag, at);
    })();
    return this.contactTags(contactId);
  }

  async agentActivity(): Promise<Map<number, number>> {
    const rows = this.q('SELECT agent_id, last_activity_at FROM routing_agent_activity').all() as Row[];
    return new Map(rows.map((r) => [r.agent_id as number, r.last_activity_at as number]));
  }

  async touchAgentActivity(agentId: number, at: number): Promise<void> {
    this.q(
      `INSERT INTO routing_agent_activity (agent_id, last_activity_at) VALUES (?, ?)
       ON CONFLICT(agent_id) DO UPDATE SET last_activity_at = MAX(last_activity_at, excluded.last_activity_at)`,
    ).run(agentId, at);
  }

  private toAssignment(r: Row): RoutingAssignment {
    return {
      conversationId: r.conversation_id as number,
      agentId: r.agent_id as number,
      assignedAt: r.assigned_at as number,
      answeredAt: (r.answered_at as number) ?? null,
      by: r.by as RoutingAssignment['by'],
    };
  }

  async getAssignment(conversationId: number): Promise<RoutingAssignment | null> {
    const row = this.q('SELECT * FROM routing_assignments WHERE conversation_id = ?').get(conversationId) as Row | undefined;
    return row ? this.toAssignment(row) : null;
  }

  async recordAssignment(a: Omit<RoutingAssignment, 'answeredAt'>): Promise<void> {
    this.q(
      `INSERT INTO routing_assignments (conversation_id, agent_id, assigned_at, answered_at, by) VALUES (?, ?, ?, NULL, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET agent_id = excluded.agent_id, assigned_at = excluded.assigned_at, answered_at = NULL, by = excluded.by`,
    ).run(a.conversationId, a.agentId, a.assignedAt, a.by);
  }

  async markAssignmentAnswered(conversationId: number, agentId: number, at: number): Promise<void> {
    this.q('UPDATE routing_assignments SET answered_at = ? WHERE conversation_id = ? AND agent_id = ? AND answered_at IS NULL').run(at, conversationId, agentId);
  }

  async unansweredAssignments(before: number): Promise<RoutingAssignment[]> {
    const rows = this.q(
      `SELECT a.* FROM routing_assignments a JOIN conversations c ON c.id = a.conversation_id
       WHERE a.answered_at IS NULL AND a.by = 'routing' AND a.assigned_at <= ? AND c.status = 'assigned' AND c.assigned_agent_id = a.agent_id
       ORDER BY a.assigned_at LIMIT 1000`,
    ).all(before) as Row[];
    return rows.map((r) => this.toAssignment(r));
  }

  async lastAgentOfContact(contactId: number, excludeConversationId: number): Promise<number | null> {
    const row = this.q(
      'SELECT assigned_agent_id FROM conversations WHERE contact_id = ? AND id != ? AND assigned_agent_id IS NOT NULL ORDER BY id DESC LIMIT 1',
    ).get(contactId, excludeConversationId) as Row | undefined;
    return (row?.assigned_agent_id as number) ?? null;
  }

  async countByStatus(): Promise<Record<ConversationStatus, number>> {
    const counts: Record<ConversationStatus, number> = { bot: 0, queued: 0, assigned: 0, resolved: 0, closed: 0 };
    for (const r of this.q('SELECT status, COUNT(*) AS n FROM conversations GROUP BY status').all() as Row[]) {
      counts[r.status as ConversationStatus] = r.n as number;
    }
    return counts;
  }

  async messageStamps(conversationIds: number[]): Promise<MessageStamp[]> {
    if (conversationIds.length === 0) return [];
    const rows = this.q(
      `SELECT conversation_id, direction, author_type, agent_id, created_at FROM messages
       WHERE conversation_id IN (SELECT value FROM json_each(?)) AND direction != 'internal' ORDER BY created_at, id`,
    ).all(this.idList(conversationIds)) as Row[];
    return rows.map((r) => ({
      conversationId: r.conversation_id as number,
      direction: r.direction as MessageDirection,
      authorType: r.author_type as AuthorType,
      agentId: (r.agent_id as number) ?? null,
      createdAt: r.created_at as number,
    }));
  }

  async recordSlaAlert(a: SlaAlertRecord): Promise<boolean> {
    return (
      this.q('INSERT OR IGNORE INTO sla_alerts (conversation_id, metric, kind, due_at, created_at) VALUES (?, ?, ?, ?, ?)').run(
        a.conversationId,
        a.metric,
        a.kind,
        a.dueAt,
        a.createdAt,
      ).changes === 1
    );
  }

  async listSlaAlerts(conversationId: number): Promise<SlaAlertRecord[]> {
    const rows = this.q('SELECT * FROM sla_alerts WHERE conversation_id = ? ORDER BY created_at').all(conversationId) as Row[];
    return rows.map((r) => ({
      conversationId: r.conversation_id as number,
      metric: r.metric as string,
      kind: r.kind as SlaAlertRecord['kind'],
      dueAt: r.due_at as number,
      createdAt: r.created_at as number,
    }));
  }

  private toEvent(r: Row): ConversationEvent {
    return {
      id: r.id as number,
      conversationId: (r.conversation_id as number) ?? null,
      type: r.type as string,
      actor: (r.actor as string) ?? null,
      data: parse(r.data),
      createdAt: r.created_at as number,
    };
  }

  async eventsAfter(afterId: number, limit: number): Promise<ConversationEvent[]> {
    return (this.q('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?').all(afterId, Math.min(Math.max(limit, 1), 5000)) as Row[]).map((r) => this.toEvent(r));
  }

  async maxEventId(): Promise<number> {
    return ((this.q('SELECT MAX(id) AS id FROM events').get() as Row).id as number) ?? 0;
  }

  async messagesAfter(afterId: number, limit: number): Promise<Message[]> {
    return (this.q('SELECT * FROM messages WHERE id > ? ORDER BY id LIMIT ?').all(afterId, Math.min(Math.max(limit, 1), 5000)) as Row[]).map(toMessage);
  }

  async maxMessageId(): Promise<number> {
    return ((this.q('SELECT MAX(id) AS id FROM messages').get() as Row).id as number) ?? 0;
  }

  async conversationsCreatedBetween(from: number, to: number): Promise<Conversation[]> {
    return (this.q('SELECT * FROM conversations WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id').all(from, to) as Row[]).map(toConversation);
  }

  async conversationsOfContacts(contactIds: number[], from: number, to: number): Promise<Conversation[]> {
    if (contactIds.length === 0) return [];
    const rows = this.q(
      'SELECT * FROM conversations WHERE contact_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ? ORDER BY created_at, id',
    ).all(this.idList(contactIds), from, to) as Row[];
    return rows.map(toConversation);
  }

  async eventsOf(conversationIds: number[]): Promise<ConversationEvent[]> {
    if (conversationIds.length === 0) return [];
    const rows = this.q('SELECT * FROM events WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id').all(this.idList(conversationIds)) as Row[];
    return rows.map((r) => this.toEvent(r));
  }

  async csatOf(conversationIds: number[]): Promise<CsatRecord[]> {
    if (conversationIds.length === 0) return [];
    const rows = this.q('SELECT * FROM csat WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id').all(this.idList(conversationIds)) as Row[];
    return rows.map((r) => ({ conversationId: r.conversation_id as number, rating: r.rating as number, createdAt: r.created_at as number }));
  }

  async missesBetween(from: number, to: number): Promise<KbMiss[]> {
    const rows = this.q('SELECT * FROM kb_misses WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id LIMIT 20000').all(from, to) as Row[];
    return rows.map((r) => this.toKbMiss(r));
  }

  private toWebhook(r: Row): Webhook {
    return {
      id: r.id as number,
      url: r.url as string,
      events: parse<string[]>(r.events) ?? [],
      secret: r.secret as string,
      description: r.description as string,
      active: r.active === 1,
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    };
  }

  async createWebhook(w: NewWebhook, at: number): Promise<Webhook> {
    const info = this.q('INSERT INTO webhooks (url, events, secret, description, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      w.url,
      JSON.stringify(w.events),
      w.secret,
      w.description,
      w.active ? 1 : 0,
      at,
      at,
    );
    return (await this.getWebhook(Number(info.lastInsertRowid)))!;
  }

  async updateWebhook(id: number, patch: Partial<NewWebhook>, at: number): Promise<Webhook | null> {
    const current = await this.getWebhook(id);
    if (!current) return null;
    const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Webhook;
    this.q('UPDATE webhooks SET url = ?, events = ?, secret = ?, description = ?, active = ?, updated_at = ? WHERE id = ?').run(
      next.url,
      JSON.stringify(next.events),
      next.secret,
      next.description,
      next.active ? 1 : 0,
      at,
      id,
    );
    return this.getWebhook(id);
  }

  async deleteWebhook(id: number): Promise<boolean> {
    return this.q('DELETE FROM webhooks WHERE id = ?').run(id).changes === 1;
  }

  async getWebhook(id: number): Promise<Webhook | null> {
    const row = this.q('SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toWebhook(row) : null;
  }

  async listWebhooks(): Promise<Webhook[]> {
    return (this.q('SELECT * FROM webhooks ORDER BY id').all() as Row[]).map((r) => this.toWebhook(r));
  }

  private toDelivery(r: Row): WebhookDelivery {
    return {
      id: r.id as number,
      webhookId: r.webhook_id as number,
      eventType: r.event_type as string,
      eventId: r.event_id as string,
      payload: r.payload as string,
      status: r.status as WebhookDelivery['status'],
      attempts: r.attempts as number,
      nextAttemptAt: r.next_attempt_at as number,
      lastStatus: (r.last_status as number) ?? null,
      lastError: (r.last_error as string) ?? null,
      lastDurationMs: (r.last_duration_ms as number) ?? null,
      createdAt: r.created_at as number,
      deliveredAt: (r.delivered_at as number) ?? null,
    };
  }

  async enqueueWebhookDelivery(d: { webhookId: number; eventType: string; eventId: string; payload: string }, at: number): Promise<boolean> {
    return (
      this.q(
        `INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_type, event_id, payload, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      ).run(d.webhookId, d.eventType, d.eventId, d.payload, at, at).changes === 1
    );
  }

  async dueWebhookDeliveries(now: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = this.q("SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now, limit) as Row[];
    return rows.map((r) => this.toDelivery(r));
  }

  async recordWebhookAttempt(deliveryId: number, a: WebhookAttemptResult): Promise<void> {
    this.db.transaction(() => {
      const row = this.q('SELECT attempts FROM webhook_deliveries WHERE id = ?').get(deliveryId) as Row | undefined;
      if (!row) return;
      const attempt = (row.attempts as number) + 1;
      this.q('INSERT INTO webhook_attempts (delivery_id, attempt, http_status, error, duration_ms, at) VALUES (?, ?, ?, ?, ?, ?)').run(
        deliveryId,
        attempt,
        a.httpStatus,
        a.error,
        Math.round(a.durationMs),
        a.at,
      );
      const status = a.outcome === 'delivered' ? 'delivered' : a.outcome === 'failed' ? 'failed' : 'pending';
      this.q(
        `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, last_duration_ms = ?,
           next_attempt_at = ?, delivered_at = ? WHERE id = ?`,
      ).run(status, attempt, a.httpStatus, a.error, Math.round(a.durationMs), a.nextAttemptAt ?? a.at, status === 'delivered' ? a.at : null, deliveryId);
    })();
  }

  async listWebhookDeliveries(webhookId: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = this.q('SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ?').all(webhookId, Math.min(Math.max(limit, 1), 500)) as Row[];
    return rows.map((r) => this.toDelivery(r));
  }

  async getWebhookDelivery(id: number): Promise<WebhookDelivery | null> {
    const row = this.q('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toDelivery(row) : null;
  }

  async listWebhookAttempts(deliveryId: number): Promise<WebhookAttempt[]> {
    const rows = this.q('SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY id').all(deliveryId) as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      deliveryId: r.delivery_id as number,
      attempt: r.attempt as number,
      httpStatus: (r.http_status as number) ?? null,
      error: (r.error as string) ?? null,
      durationMs: r.duration_ms as number,
      at: r.at as number,
    }));
  }

  async retryWebhookDelivery(id: number, now: number): Promise<boolean> {
    return this.q("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status != 'delivered'").run(now, id).changes === 1;
  }

  private toApiToken(r: Row): ApiToken {
    return {
      id: r.id as number,
      name: r.name as string,
      prefix: r.prefix as string,
      agentId: r.agent_id as number,
      role: r.role as ApiToken['role'],
      createdBy: (r.created_by as number) ?? null,
      createdAt: r.created_at as number,
      lastUsedAt: (r.last_used_at as number) ?? null,
      revokedAt: (r.revoked_at as number) ?? null,
    };
  }

  async createApiToken(t: NewApiToken, at: number): Promise<ApiToken> {
    const info = this.q('INSERT INTO api_tokens (name, token_hash, prefix, agent_id, role, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      t.name,
      t.tokenHash,
      t.prefix,
      t.agentId,
      t.role,
      t.createdBy,
      at,
    );
    return this.toApiToken(this.q('SELECT * FROM api_tokens WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  async findApiToken(tokenHash: string): Promise<ApiToken | null> {
    const row = this.q('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    return row ? this.toApiToken(row) : null;
  }

  async listApiTokens(): Promise<ApiToken[]> {
    return (this.q('SELECT * FROM api_tokens ORDER BY id DESC').all() as Row[]).map((r) => this.toApiToken(r));
  }

  async revokeApiToken(id: number, at: number): Promise<boolean> {
    return this.q('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes === 1;
  }

  async touchApiToken(id: number, at: number): Promise<void> {
    this.q('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }
}

// ---- console ----

/** The words of a search, folded the way the index folds them (lower case, ё → е). */
function searchTerms(input: string): string[] {
  return (input.normalize('NFKC').toLowerCase().replace(/ё/g, 'е').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
}

/**
 * Turns what an agent typed into a safe FTS5 query: every word becomes a quoted prefix term
 * (so "достав" finds "доставка"), all of them required. FTS syntax in the input is inert.
 */
function ftsQuery(input: string): string | null {
  const words = searchTerms(input);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

/**
 * The part of a message around its first match, split into plain and matched pieces: a word
 * matches when it starts with one of the search terms (the same rule as the index's prefix query).
 */
function snippetOf(text: string, terms: string[], context = 80): { text: string; match: boolean }[] {
  const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)];
  const hits = words.filter((w) => {
    const folded = w[0].toLowerCase().replace(/ё/g, 'е');
    return terms.some((t) => folded.startsWith(t));
  });
  const first = hits[0]?.index ?? 0;
  let start = Math.max(0, first - context);
  let end = Math.min(text.length, first + context * 2);
  // Cut at spaces, not inside words.
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length && text.lastIndexOf(' ', end) > first) end = text.lastIndexOf(' ', end);
  const segments: { text: string; match: boolean }[] = [];
  const push = (piece: string, match: boolean) => {
    if (piece) segments.push({ text: piece, match });
  };
  let at = start;
  if (start > 0) push('…', false);
  for (const hit of hits) {
    const from = hit.index;
    const to = from + hit[0].length;
    if (from < start || to > end) continue;
    push(text.slice(at, from), false);
    push(text.slice(from, to), true);
    at = to;
  }
  push(text.slice(at, end), false);
  if (end < text.length) push('…', false);
  return segments;
}

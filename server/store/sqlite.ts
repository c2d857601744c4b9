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

/** Opens (creating if needed) the database file and applies pending migrations. Use ':memory:' in tests. */
export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db);
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
  constructor(private readonly db: Database.Database) {}

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
    this.q("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(at, id);
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
    return rows.map((r) => ({
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
    }));
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
}

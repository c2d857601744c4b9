import type { Migration } from './index.js';

export const initial: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  name TEXT,
  username TEXT,
  email TEXT,
  language TEXT,
  unreachable_reason TEXT,
  merged_into INTEGER REFERENCES contacts(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE contact_identities (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  channel TEXT NOT NULL,
  external_user_id TEXT NOT NULL,
  external_chat_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (channel, external_user_id)
);
CREATE INDEX contact_identities_contact ON contact_identities(contact_id);

CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  active INTEGER NOT NULL DEFAULT 1,
  capacity INTEGER NOT NULL DEFAULT 5,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  channel TEXT NOT NULL,
  external_chat_id TEXT NOT NULL,
  external_user_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('bot', 'queued', 'assigned', 'resolved', 'closed')),
  assigned_agent_id INTEGER REFERENCES agents(id),
  language TEXT,
  topic TEXT,
  priority TEXT NOT NULL DEFAULT 'normal',
  bot_misses INTEGER NOT NULL DEFAULT 0,
  previous_conversation_id INTEGER REFERENCES conversations(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_message_at INTEGER NOT NULL,
  queued_at INTEGER,
  first_response_at INTEGER,
  resolved_at INTEGER,
  closed_at INTEGER
);
CREATE INDEX conversations_contact ON conversations(contact_id, created_at);
CREATE INDEX conversations_status ON conversations(status, last_message_at);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
  author_type TEXT NOT NULL CHECK (author_type IN ('contact', 'bot', 'agent', 'system')),
  agent_id INTEGER REFERENCES agents(id),
  text TEXT NOT NULL,
  attachments TEXT,
  quick_replies TEXT,
  button_id TEXT,
  channel TEXT NOT NULL,
  external_id TEXT,
  client_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX messages_external ON messages(channel, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client ON messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages(conversation_id, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
  conversation_id INTEGER NOT NULL REFERENCES conversations(id),
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_conversation ON outbox(conversation_id, status, id);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER REFERENCES conversations(id),
  type TEXT NOT NULL,
  actor TEXT,
  data TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_conversation ON events(conversation_id, id);
CREATE INDEX events_type_time ON events(type, created_at);

CREATE TABLE csat (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  created_at INTEGER NOT NULL
);

CREATE TABLE kb_entries (
  id TEXT PRIMARY KEY,
  topic TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  questions TEXT NOT NULL,
  answer TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE kb_misses (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER REFERENCES conversations(id),
  message_id INTEGER REFERENCES messages(id),
  text TEXT NOT NULL,
  language TEXT,
  best_entry_id TEXT,
  best_confidence REAL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'attached', 'dismissed', 'proposed')),
  entry_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX kb_misses_status ON kb_misses(status, created_at);
`,
};

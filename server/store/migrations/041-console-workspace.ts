import type { Migration } from './index.js';

/**
 * What agents keep while they work: canned responses (shared or personal), conversation tags,
 * notes on contacts, snoozing, and each agent's chosen presence status.
 */
export const consoleWorkspace: Migration = {
  version: 41,
  name: 'console: canned responses, tags, contact notes, snooze, agent status',
  sql: `
CREATE TABLE canned_responses (
  id INTEGER PRIMARY KEY,
  shortcut TEXT NOT NULL,
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  -- NULL: shared with every agent; otherwise the agent it belongs to.
  owner_agent_id INTEGER REFERENCES agents(id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX canned_responses_shortcut ON canned_responses (COALESCE(owner_agent_id, 0), shortcut COLLATE NOCASE);

CREATE TABLE conversation_tags (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  tag TEXT NOT NULL COLLATE NOCASE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag);

CREATE TABLE contact_notes (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  agent_id INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, id);

ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;
CREATE INDEX conversations_assigned ON conversations (assigned_agent_id, status);

CREATE TABLE agent_status (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('online', 'away', 'offline')),
  -- 1 when the server set it (the last console tab closed), so the next tab sets it back.
  auto INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
`,
};

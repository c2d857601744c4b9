import type { Migration } from './index.js';

/**
 * Routing: tags on contacts (rules match them), when each agent was last busy (ties go to the one
 * idle longest) and each conversation's current assignment (re-assignment when nobody answers).
 */
export const routing: Migration = {
  version: 70,
  name: 'routing: contact tags, agent activity, assignments',
  sql: `
CREATE TABLE contact_tags (
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL COLLATE NOCASE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, tag)
);

CREATE TABLE routing_agent_activity (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  last_activity_at INTEGER NOT NULL
);

CREATE TABLE routing_assignments (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  assigned_at INTEGER NOT NULL,
  answered_at INTEGER,
  by TEXT NOT NULL CHECK (by IN ('routing', 'agent'))
);
CREATE INDEX routing_assignments_unanswered ON routing_assignments (assigned_at) WHERE answered_at IS NULL;
CREATE INDEX conversations_created ON conversations (created_at);
`,
};

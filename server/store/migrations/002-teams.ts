import type { Migration } from './index.js';

/** Teams and their members; a conversation can belong to a team (routing, transfers, reports). */
export const teams: Migration = {
  version: 2,
  name: 'teams',
  sql: `
CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  assignment_mode TEXT NOT NULL DEFAULT 'auto' CHECK (assignment_mode IN ('auto', 'manual')),
  created_at INTEGER NOT NULL
);
CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, agent_id)
);
ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL;
`,
};

import type { Migration } from './index.js';

/** REST API tokens for external systems: only a hash is kept; revoked tokens stay for the record. */
export const apiTokens: Migration = {
  version: 73,
  name: 'api tokens',
  sql: `
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
  created_by INTEGER REFERENCES agents(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
`,
};

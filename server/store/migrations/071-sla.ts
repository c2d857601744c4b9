import type { Migration } from './index.js';

/** SLA warnings and breaches already raised, so each fires once (also after a restart). */
export const sla: Migration = {
  version: 71,
  name: 'sla: alerts raised',
  sql: `
CREATE TABLE sla_alerts (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('warning', 'breached')),
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, metric, kind, due_at)
);
`,
};

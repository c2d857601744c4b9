import type { Migration } from './index.js';

/**
 * Knowledge-base management: proposals and attaching look misses up by the customer message they came from,
 * so that one message is kept once (a miss that later becomes a proposal is the same row).
 */
export const kbManagement: Migration = {
  version: 60,
  name: 'kb management: misses by message',
  sql: `
CREATE INDEX kb_misses_message ON kb_misses(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX kb_misses_entry ON kb_misses(entry_id, status) WHERE entry_id IS NOT NULL;
`,
};

import type { Migration } from './index.js';

/**
 * Full-text search over every message (customer, bot, agent and private notes) for the console.
 * The index keeps its own copy of each text with "ё" folded to "е" (Russian writes both, and
 * `unicode61` folds diacritics only in Latin script); triggers keep it in step with `messages`.
 * Snippets are cut from the original text, so the copy is only ever matched against.
 */
export const consoleSearch: Migration = {
  version: 40,
  name: 'console: message search (FTS5)',
  sql: `
CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'));
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
  DELETE FROM messages_fts WHERE rowid = old.id;
  INSERT INTO messages_fts (rowid, text) VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'));
END;
INSERT INTO messages_fts (rowid, text) SELECT id, replace(replace(text, 'ё', 'е'), 'Ё', 'Е') FROM messages;
`,
};

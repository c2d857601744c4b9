import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { KbEditor } from '../../../server/kb/editing.js';
import { KnowledgeBase } from '../../../server/kb/service.js';
import { openSqliteStore } from '../../../server/store/sqlite.js';
import type { Store } from '../../../server/store/types.js';
import { SMALL_KB } from './helpers.js';

describe('the KB editor', () => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  async function setUp() {
    store = openSqliteStore(':memory:');
    const kb = new KnowledgeBase(store, pino({ level: 'silent' }));
    await kb.init(SMALL_KB);
    let reloads = 0;
    const reload = kb.reload.bind(kb);
    kb.reload = async () => {
      reloads++;
      await reload();
    };
    return { kb, editor: new KbEditor({ store, kb, log: pino({ level: 'silent' }) }), reloads: () => reloads };
  }

  it('rebuilds the matcher once for a burst of edits, and every edit is live when its call returns', async () => {
    const { kb, editor, reloads } = await setUp();
    const texts = Array.from({ length: 10 }, (_, i) => `Пробная формулировка номер ${i} про сроки`);
    await Promise.all(texts.map((t) => editor.addPhrasings('delivery-time', [t], 'agent:1')));
    expect(reloads()).toBe(1);
    expect(kb.get('delivery-time')!.questions).toEqual(expect.arrayContaining(texts));
    expect(kb.match(texts[7]!).ranked[0]!.entryId).toBe('delivery-time');

    // One at a time: one rebuild each.
    await editor.addPhrasings('returns', ['Пробный возврат один'], 'agent:1');
    await editor.addPhrasings('returns', ['Пробный возврат два'], 'agent:1');
    expect(reloads()).toBe(3);
  });

  it('never lets two concurrent creates of one id both succeed', async () => {
    const { editor } = await setUp();
    const entry = { id: 'twice', questions: ['Вопрос, заданный дважды'], answer: 'Ответ.' };
    const results = await Promise.allSettled([editor.create(entry, 'agent:1'), editor.create(entry, 'agent:2')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await store.listKbEntries()).filter((e) => e.id === 'twice')).toHaveLength(1);
  });

  it('writes each change to the events log with the agent who made it', async () => {
    const { editor } = await setUp();
    await editor.create({ id: 'logged', questions: ['Записывается ли правка?'], answer: 'Да.' }, 'agent:7');
    await editor.remove('logged', 'agent:8');
    const db = (store as unknown as { db: { prepare(sql: string): { all(): { type: string; actor: string; data: string }[] } } }).db;
    const rows = db.prepare("SELECT type, actor, data FROM events WHERE conversation_id IS NULL AND type LIKE 'kb_%' ORDER BY id").all();
    expect(rows.map((r) => [r.type, r.actor])).toEqual([
      ['kb_entry_created', 'agent:7'],
      ['kb_entry_deleted', 'agent:8'],
    ]);
    // The deleted entry is kept in the log, so a deletion can be undone by hand.
    expect(JSON.parse(rows[1]!.data).entry).toEqual({ id: 'logged', questions: ['Записывается ли правка?'], answer: 'Да.' });
  });
});

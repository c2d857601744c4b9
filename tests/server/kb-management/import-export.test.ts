import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKbFile } from '../../../server/kb/format.js';
import { signIn } from '../../helpers/clients.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { apiClient, askBot, SMALL_KB } from './helpers.js';

describe('knowledge base import and export', () => {
  let server: TestServer;
  let admin: ReturnType<typeof apiClient>;
  const ids = async (): Promise<string[]> => (await admin('GET', '/api/kb/entries?limit=1000')).body.entries.map((e: { id: string }) => e.id);

  beforeAll(async () => {
    server = await startTestServer({ env: { KB_PATH: SMALL_KB } });
    admin = apiClient(server.url, await signIn(server.url));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('exports YAML, JSON and CSV downloads that read back to exactly the stored entries', async () => {
    const stored = await server.chatbridge.store.listKbEntries();
    for (const [format, type, ext] of [
      ['yaml', 'application/yaml', 'yaml'],
      ['json', 'application/json', 'json'],
      ['csv', 'text/csv', 'csv'],
    ] as const) {
      const res = await admin('GET', `/api/kb/export?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="knowledge-base-\\d{4}-\\d{2}-\\d{2}\\.${ext}"$`));
      expect(parseKbFile(res.text, format), format).toEqual(stored);
    }
    const csv = await fetch(`${server.url}/api/kb/export?format=csv`, { headers: { cookie: (await signIn(server.url)).toString() } });
    // A BOM, so that spreadsheet programs read the Cyrillic as UTF-8.
    expect(new Uint8Array(await csv.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect((await admin('GET', '/api/kb/export?format=xml')).status).toBe(400);
  });

  it('a dry run lists every problem of a file by entry and field, and changes nothing', async () => {
    const before = await server.chatbridge.store.listKbEntries();
    const file = [
      '- id: ok-entry',
      '  questions: [Можно забрать заказ самому?]',
      '  answer: Да, из шоурума на Тверской.',
      '- id: ok-entry',
      '  questions: [Другой вопрос про самовывоз]',
      '  answer: Дубль.',
      '- questions: ["", Вопрос без ответа]',
      '- id: steals-a-phrasing',
      '  questions: [Где мой заказ?]',
      '  answer: Чужая формулировка.',
    ].join('\n');
    const res = await admin('POST', '/api/kb/import', { content: file, filename: 'new.yaml', dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, valid: false, format: 'yaml', mode: 'merge', total: 4 });
    const problems = res.body.errors.map((e: { index: number; field: string }) => `${e.index}:${e.field}`);
    expect(problems).toEqual(['1:id', '2:id', '2:questions[0]', '2:answer']);
    expect(res.body.errors[0].message).toMatch(/duplicate id/);

    // Once the file is valid on its own, a phrasing taken from an existing entry is the next problem.
    const second = await admin('POST', '/api/kb/import', { content: '- id: steals-a-phrasing\n  questions: [Где мой заказ?]\n  answer: Чужая.\n', format: 'yaml', dryRun: true });
    expect(second.body.valid).toBe(false);
    expect(second.body.errors).toEqual([{ index: 0, id: 'steals-a-phrasing', field: 'questions[0]', message: expect.stringContaining('entry "order-status"') }]);

    // The real run refuses the same file as a whole.
    const real = await admin('POST', '/api/kb/import', { content: file, format: 'yaml' });
    expect(real.status).toBe(422);
    expect(real.body.error.code).toBe('invalid_file');
    expect(real.body.error.entries).toHaveLength(4);
    expect(await server.chatbridge.store.listKbEntries()).toEqual(before);
  });

  it('says what is wrong with a file it cannot read at all', async () => {
    const yaml = await admin('POST', '/api/kb/import', { content: '- id: a\n  questions: [unclosed\n', format: 'yaml' });
    expect(yaml.status).toBe(400);
    expect(yaml.body.error.message).toMatch(/invalid YAML/);

    const json = await admin('POST', '/api/kb/import', { content: '{"entries": 5}', filename: 'kb.json', dryRun: true });
    expect(json.body).toMatchObject({ valid: false, errors: [{ index: -1, field: 'file', message: expect.stringMatching(/list of entries/) }] });

    const csv = await admin('POST', '/api/kb/import', { content: 'id,question,price\na,b,c\n', format: 'csv' });
    expect(csv.status).toBe(400);
    expect(csv.body.error.message).toMatch(/unknown column\(s\) "price"/);

    const empty = await admin('POST', '/api/kb/import', { content: '[]', format: 'json' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toBe('The file has no entries.');

    const unknown = await admin('POST', '/api/kb/import', { content: '   ' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/format is unknown/);
  });

  it('merges a CSV from a spreadsheet (";" delimiter): new entries answer at once, changed ones update, the rest stay', async () => {
    const csv = [
      'id;topic;tags;question;answer_ru;answer_en',
      'pickup;delivery;delivery|pickup;Можно забрать заказ самому из шоурума?;Да, из шоурума на Тверской, 7 — ежедневно с 11 до 20.;Yes, from our showroom at 7 Tverskaya, daily 11 am to 8 pm.',
      'pickup;;;Can I pick up my order myself?;;',
      'returns;returns;;Как вернуть товар?;Вернуть товар можно в течение 30 дней.;You can return an item within 30 days.',
      'returns;;;How do I return an item?;;',
    ].join('\r\n');
    const preview = await admin('POST', '/api/kb/import', { content: csv, filename: 'kb.csv', dryRun: true });
    expect(preview.body).toMatchObject({ valid: true, format: 'csv', created: ['pickup'], updated: ['returns'], unchanged: [], deleted: [] });
    expect(await ids()).not.toContain('pickup');

    const done = await admin('POST', '/api/kb/import', { content: csv, filename: 'kb.csv' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ dryRun: false, valid: true, created: ['pickup'], updated: ['returns'] });
    expect((await admin('GET', '/api/kb/entries/returns')).body.entry.questions).toEqual(['Как вернуть товар?', 'How do I return an item?']);
    expect(await ids()).toEqual(expect.arrayContaining(['delivery-time', 'order-status', 'pickup', 'returns']));
    expect((await askBot(server, 'Можно забрать заказ самому из шоурума?')).reply).toContain('Тверской, 7');
  });

  it('replace mode deletes what the file does not have, after a dry run said so; an export imported back changes nothing', async () => {
    const exported = (await admin('GET', '/api/kb/export?format=json')).text;
    const again = await admin('POST', '/api/kb/import', { content: exported, format: 'json', mode: 'replace' });
    expect(again.body.created).toEqual([]);
    expect(again.body.updated).toEqual([]);
    expect(again.body.deleted).toEqual([]);
    expect(again.body.unchanged).toHaveLength((await ids()).length);

    const two = JSON.stringify([
      { id: 'delivery-time', questions: ['Сколько идет доставка?'], answer: { ru: 'Два дня.', en: 'Two days.' } },
      { id: 'warranty', topic: 'warranty', questions: ['Какая гарантия на серьги?'], answer: 'Гарантия 6 месяцев.' },
    ]);
    const preview = await admin('POST', '/api/kb/import', { content: two, format: 'json', mode: 'replace', dryRun: true });
    expect(preview.body.valid).toBe(true);
    expect(preview.body.created).toEqual(['warranty']);
    expect(preview.body.updated).toEqual(['delivery-time']);
    expect(preview.body.deleted).toEqual(expect.arrayContaining(['returns', 'pickup', 'order-status']));
    expect(await ids()).toContain('returns');

    const done = await admin('POST', '/api/kb/import', { content: two, format: 'json', mode: 'replace' });
    expect(done.status).toBe(200);
    expect(await ids()).toEqual(['delivery-time', 'warranty']);
    expect((await askBot(server, 'Какая гарантия на серьги?')).reply).toContain('Гарантия 6 месяцев.');
  });
});

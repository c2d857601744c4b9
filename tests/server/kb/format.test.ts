import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KbFormatError, loadKbPath, parseCsv, parseKbFile, serializeKb, validateEntries } from '../../../server/kb/format.js';
import type { KbEntry } from '../../../server/kb/types.js';

const ENTRIES: KbEntry[] = [
  {
    id: 'delivery-time',
    topic: 'delivery',
    tags: ['delivery', 'time'],
    questions: ['Сколько идёт доставка?', 'How long does delivery take, "roughly"?'],
    answer: { ru: 'Доставка: 2–5 дней.\nВ праздники дольше, увы; курьер звонит заранее.', en: 'Delivery takes 2–5 days, sometimes more.' },
  },
  { id: 'contacts', questions: ['Как с вами связаться?'], answer: 'support@example.com, +7 900 000-00-00' },
  { id: 'ru_only.v2', topic: 'misc', questions: ['Только по-русски', ' с пробелами вокруг '], answer: { ru: 'Да' } },
];

function errorsOf(entries: unknown[]) {
  const r = validateEntries(entries);
  return r.ok ? [] : r.errors;
}

describe('parseKbFile', () => {
  it('reads a YAML list and an object with "entries", with aliases', () => {
    const yaml = `
- id: a
  questions: [Привет?, "Second: one"]
  answer: {ru: Да, en: Yes}
- id: b
  question: Одна формулировка
  answer_ru: Ответ
  answer_en: Answer
`;
    const list = parseKbFile(yaml, 'yaml');
    expect(list).toHaveLength(2);
    expect(list[0]).toEqual({ id: 'a', questions: ['Привет?', 'Second: one'], answer: { ru: 'Да', en: 'Yes' } });
    expect(list[1]).toEqual({ id: 'b', questions: ['Одна формулировка'], answer: { ru: 'Ответ', en: 'Answer' } });
    const wrapped = parseKbFile(JSON.stringify({ entries: [{ id: 'x', questions: ['q'], answer: 'a' }] }), 'json');
    expect(wrapped).toEqual([{ id: 'x', questions: ['q'], answer: 'a' }]);
  });

  it('throws KbFormatError on syntax errors and a wrong root', () => {
    expect(() => parseKbFile('{"id": ', 'json')).toThrow(KbFormatError);
    expect(() => parseKbFile('- id: a\n  questions: [unclosed', 'yaml')).toThrow(/invalid YAML/);
    expect(() => parseKbFile('{"id": "a"}', 'json')).toThrow(/list of entries/);
    expect(() => parseKbFile('id,question,colour\n', 'csv')).toThrow(/unknown column.*colour/);
    expect(() => parseKbFile('id,topic\n', 'csv')).toThrow(/missing column "question"/);
    expect(() => parseKbFile('id,question\na,"unterminated\n', 'csv')).toThrow(/unterminated/);
  });

  it('merges CSV rows with the same id, splits tags on |, keeps quotes, commas and newlines', () => {
    const csv = [
      'id,topic,tags,question,answer_ru,answer_en',
      'delivery,shipping,delivery|time,"Сколько идёт доставка, примерно?","Ответ с ""кавычками""\nи переносом",Answer',
      'delivery,,,How long is shipping?,,',
      'same,,,Q,Одинаковый,Одинаковый',
    ].join('\r\n');
    const list = parseKbFile(csv, 'csv');
    expect(list).toEqual([
      {
        id: 'delivery',
        topic: 'shipping',
        tags: ['delivery', 'time'],
        questions: ['Сколько идёт доставка, примерно?', 'How long is shipping?'],
        answer: { ru: 'Ответ с "кавычками"\nи переносом', en: 'Answer' },
      },
      { id: 'same', questions: ['Q'], answer: 'Одинаковый' },
    ]);
  });

  it('detects ; as the CSV delimiter and rejects conflicting answers across rows', () => {
    expect(parseKbFile('id;question;answer_ru\na;Вопрос, с запятой;Ответ\n', 'csv')).toEqual([
      { id: 'a', questions: ['Вопрос, с запятой'], answer: { ru: 'Ответ' } },
    ]);
    expect(() => parseKbFile('id,question,answer_ru\na,Q1,Один\na,Q2,Другой\n', 'csv')).toThrow(/different answer_ru/);
  });

  it('parseCsv handles quoted newlines and keeps line numbers', () => {
    const rows = parseCsv('a,b\n"x\ny",z\n\nlast,1');
    expect(rows.map((r) => r.cells)).toEqual([['a', 'b'], ['x\ny', 'z'], ['last', '1']]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 5]);
  });
});

describe('validateEntries', () => {
  it('accepts good entries', () => {
    expect(validateEntries(ENTRIES)).toEqual({ ok: true });
  });

  it('reports each class of error with index, id, field and an actionable message', () => {
    const errs = errorsOf([
      { id: 'ok-1', questions: ['Вопрос'], answer: 'Ответ' },
      { id: 'ok-1', questions: ['Другой вопрос'], answer: 'Ответ' }, // duplicate id
      { id: 'пробел id', questions: ['q2'], answer: 'a' }, // bad id chars
      { questions: ['q3'], answer: 'a' }, // missing id
      { id: 7, questions: ['q4'], answer: 'a' }, // non-string id
      { id: 'no-questions', answer: 'a' },
      { id: 'empty-questions', questions: [], answer: 'a' },
      { id: 'empty-question', questions: ['  '], answer: 'a' },
      { id: 'number-question', questions: [42], answer: 'a' },
      { id: 'no-answer', questions: ['q5'] },
      { id: 'empty-answer', questions: ['q6'], answer: '' },
      { id: 'bad-lang', questions: ['q7'], answer: { de: 'Hallo' } },
      { id: 'number-answer', questions: ['q8'], answer: { ru: 5 } },
      { id: 'shared', questions: ['вопрос'], answer: 'a' }, // same phrasing as entry 0 (case, punctuation aside)
      { id: 'bad-tags', questions: ['q9'], answer: 'a', tags: 'x' },
      { id: 'pipe-tag', questions: ['q10'], answer: 'a', tags: ['a|b'] },
      { id: 'bad-topic', questions: ['q11'], answer: 'a', topic: 3 },
      'not an object',
    ]);
    const find = (index: number, field: string) => errs.find((e) => e.index === index && e.field === field);
    expect(find(1, 'id')?.message).toMatch(/duplicate id.*entry #1/);
    expect(find(1, 'id')?.id).toBe('ok-1');
    expect(find(2, 'id')?.message).toMatch(/Latin letters.*rename it/);
    expect(find(3, 'id')?.message).toMatch(/has no id/);
    expect(find(4, 'id')?.message).toMatch(/must be a string, got a number/);
    expect(find(5, 'questions')?.message).toMatch(/no questions/);
    expect(find(6, 'questions')?.message).toMatch(/empty questions list/);
    expect(find(7, 'questions[0]')?.message).toMatch(/question #1 is empty/);
    expect(find(8, 'questions[0]')?.message).toMatch(/must be a string, got a number/);
    expect(find(9, 'answer')?.message).toMatch(/no answer/);
    expect(find(10, 'answer')?.message).toMatch(/answer is empty/);
    expect(find(11, 'answer')?.message).toMatch(/unknown language key.*"de"/);
    expect(find(12, 'answer.ru')?.message).toMatch(/must be a string/);
    expect(find(13, 'questions[0]')?.message).toMatch(/also a question of entry "ok-1"/);
    expect(find(14, 'tags')?.message).toMatch(/list of strings/);
    expect(find(15, 'tags[0]')?.message).toMatch(/contains "\|"/);
    expect(find(16, 'topic')?.message).toMatch(/must be a string/);
    expect(find(17, 'entry')?.message).toMatch(/must be an object/);
    // good entries produce no errors
    expect(errs.filter((e) => e.index === 0)).toEqual([]);
  });
});

describe('serializeKb round trip', () => {
  for (const format of ['yaml', 'json', 'csv'] as const) {
    it(`${format}: parse(serialize(x)) == x`, () => {
      const text = serializeKb(ENTRIES, format);
      expect(parseKbFile(text, format)).toEqual(ENTRIES);
    });
  }

  it('writes the CSV header and one row per phrasing', () => {
    const csv = serializeKb(ENTRIES, 'csv');
    const lines = parseCsv(csv);
    expect(lines[0]!.cells).toEqual(['id', 'topic', 'tags', 'question', 'answer_ru', 'answer_en']);
    expect(lines).toHaveLength(1 + 2 + 1 + 2);
  });
});

describe('loadKbPath', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'kb-format-'));
    await mkdir(path.join(dir, 'kb'));
    await writeFile(path.join(dir, 'kb', 'a.yaml'), serializeKb([ENTRIES[0]!], 'yaml'));
    await writeFile(path.join(dir, 'kb', 'b.csv'), serializeKb([ENTRIES[1]!], 'csv'));
    await writeFile(path.join(dir, 'kb', 'c.json'), serializeKb([ENTRIES[2]!], 'json'));
    await writeFile(path.join(dir, 'kb', 'notes.txt'), 'ignored');
    await writeFile(path.join(dir, 'broken.json'), '[{');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a folder of yaml/csv/json files in name order', async () => {
    expect(await loadKbPath(path.join(dir, 'kb'))).toEqual(ENTRIES);
  });

  it('loads a single file and names the file in errors', async () => {
    expect(await loadKbPath(path.join(dir, 'kb', 'a.yaml'))).toEqual([ENTRIES[0]]);
    await expect(loadKbPath(path.join(dir, 'broken.json'))).rejects.toThrow(/broken\.json: invalid JSON/);
    await expect(loadKbPath(path.join(dir, 'kb', 'notes.txt'))).rejects.toThrow(/unknown file type/);
  });
});

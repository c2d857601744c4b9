/**
 * Knowledge base files: parse, load, validate and serialise YAML, JSON and CSV.
 *
 * YAML / JSON: a list of entries at the root, or an object with an `entries` list:
 * ```yaml
 * - id: delivery-time
 *   topic: delivery
 *   tags: [delivery, shipping]
 *   questions:
 *     - Сколько идёт доставка?
 *     - How long does shipping take?
 *   answer:
 *     ru: Доставка занимает 2–5 дней.
 *     en: Delivery takes 2–5 days.
 * ```
 * `answer` is a string (any language) or an object with `ru` and/or `en`. `question: "..."` (one phrasing) and
 * `answer_ru` / `answer_en` are accepted as aliases.
 *
 * CSV: header `id,topic,tags,question,answer_ru,answer_en`, one row per phrasing; rows with the same id are merged
 * (topic, tags and answers may be given on the first row only). Tags are separated by `|`. A language-neutral
 * (string) answer is written to both answer columns; identical answer_ru and answer_en read back as a string.
 * RFC 4180 quoting; a `;` delimiter (spreadsheets in Russian locales) is detected from the header.
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { KbAnswer, KbEntry, Language } from './types.js';

export type KbFileFormat = 'yaml' | 'json' | 'csv';

/** Thrown when a file cannot be parsed at all (syntax, wrong root shape, bad CSV header). */
export class KbFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KbFormatError';
  }
}

export interface KbValidationError {
  /** Position of the entry in the list (0-based). */
  index: number;
  id?: string;
  /** The field at fault: `id`, `questions`, `questions[2]`, `answer`, `answer.ru`, `topic`, `tags[0]`, or `entry`. */
  field: string;
  message: string;
}

export type KbValidationResult = { ok: true } | { ok: false; errors: KbValidationError[] };

export const CSV_COLUMNS = ['id', 'topic', 'tags', 'question', 'answer_ru', 'answer_en'] as const;
const LANGS: Language[] = ['ru', 'en'];
/** Ids: letters (Latin), digits, `.`, `_`, `-`; must start with a letter or digit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Guesses the format from a file name (`.yaml`/`.yml`, `.json`, `.csv`); undefined otherwise. */
export function formatFromPath(file: string): KbFileFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// parse

/**
 * Parses one KB file. Throws {@link KbFormatError} on syntax errors or a wrong root shape; otherwise returns the
 * entries as written (values are not coerced, so {@link validateEntries} can report e.g. a number where a string
 * was expected).
 */
export function parseKbFile(text: string, format: KbFileFormat): KbEntry[] {
  const src = text.replace(/^\ufeff/, '');
  if (format === 'csv') return parseCsvKb(src);
  let data: unknown;
  if (format === 'json') {
    try {
      data = src.trim() === '' ? [] : JSON.parse(src);
    } catch (e) {
      throw new KbFormatError(`invalid JSON: ${(e as Error).message}`);
    }
  } else if (format === 'yaml') {
    try {
      data = YAML.parse(src) ?? [];
    } catch (e) {
      throw new KbFormatError(`invalid YAML: ${(e as Error).message}`);
    }
  } else {
    throw new KbFormatError(`unknown format "${String(format)}" (expected yaml, json or csv)`);
  }
  let list: unknown = data;
  if (list && typeof list === 'object' && !Array.isArray(list) && 'entries' in list) {
    list = (list as { entries: unknown }).entries;
  }
  if (!Array.isArray(list)) {
    throw new KbFormatError('the file must contain a list of entries (or an object with an "entries" list)');
  }
  return list.map((item) => normalizeAliases(item)) as KbEntry[];
}

/** Maps the accepted aliases (`question`, `answer_ru`, `answer_en`) to the canonical fields; leaves the rest. */
function normalizeAliases(item: unknown): unknown {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const src = item as Record<string, unknown>;
  const out: Record<string, unknown> = { ...src };
  if (out.questions === undefined && src.question !== undefined) {
    out.questions = Array.isArray(src.question) ? src.question : [src.question];
    delete out.question;
  }
  if (out.answer === undefined && (src.answer_ru !== undefined || src.answer_en !== undefined)) {
    const a: Record<string, unknown> = {};
    if (src.answer_ru !== undefined) a.ru = src.answer_ru;
    if (src.answer_en !== undefined) a.en = src.answer_en;
    out.answer = a;
    delete out.answer_ru;
    delete out.answer_en;
  }
  return out;
}

/** RFC 4180 CSV reader: quoted fields with `""`, newlines inside quotes, CRLF/LF. Returns rows with 1-based line numbers. */
export function parseCsv(text: string, delimiter = ','): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === delimiter) {
      cells.push(field);
      field = '';
      fieldStarted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(field);
      rows.push({ line: rowLine, cells });
      cells = [];
      field = '';
      fieldStarted = false;
      line++;
      rowLine = line;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new KbFormatError(`CSV: unterminated quoted field starting on line ${rowLine}`);
  if (fieldStarted || field !== '' || cells.length > 0) {
    cells.push(field);
    rows.push({ line: rowLine, cells });
  }
  // drop blank lines
  return rows.filter((r) => !(r.cells.length === 1 && r.cells[0]!.trim() === ''));
}

function parseCsvKb(text: string): KbEntry[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const rows = parseCsv(text, delimiter);
  if (rows.length === 0) return [];
  const header = rows[0]!.cells.map((c) => c.trim().toLowerCase());
  const col: Record<string, number> = {};
  header.forEach((h, i) => {
    if (h in col) throw new KbFormatError(`CSV header: column "${h}" appears twice`);
    col[h] = i;
  });
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) {
    throw new KbFormatError(`CSV header: unknown column(s) ${unknown.map((u) => `"${u}"`).join(', ')}; expected ${CSV_COLUMNS.join(',')}`);
  }
  for (const required of ['id', 'question'] as const) {
    if (!(required in col)) throw new KbFormatError(`CSV header: missing column "${required}"; expected ${CSV_COLUMNS.join(',')}`);
  }
  const byId = new Map<string, { entry: KbEntry; ru?: string; en?: string; firstLine: number; hasTopic: boolean; hasTags: boolean }>();
  const order: string[] = [];
  for (const { line, cells } of rows.slice(1)) {
    if (cells.length > header.length) {
      throw new KbFormatError(`CSV line ${line}: ${cells.length} cells but the header has ${header.length} columns (quote values that contain "${delimiter}")`);
    }
    const get = (name: string): string => {
      const i = col[name];
      return i === undefined ? '' : (cells[i] ?? '');
    };
    const id = get('id').trim();
    const question = get('question');
    const topic = get('topic').trim();
    const tags = get('tags')
      .split('|')
      .map((t) => t.trim())
      .filter(Boolean);
    const ru = get('answer_ru');
    const en = get('answer_en');
    let rec = byId.get(id);
    if (!rec) {
      rec = { entry: { id, questions: [], answer: '' }, firstLine: line, hasTopic: false, hasTags: false };
      byId.set(id, rec);
      order.push(id);
    }
    if (question.trim() !== '' || rec.entry.questions.length === 0) rec.entry.questions.push(question);
    if (topic) {
      if (rec.hasTopic && rec.entry.topic !== topic) {
        throw new KbFormatError(`CSV line ${line}: entry "${id}" has topic "${topic}" but line ${rec.firstLine} says "${rec.entry.topic}"`);
      }
      rec.entry.topic = topic;
      rec.hasTopic = true;
    }
    if (tags.length > 0) {
      if (rec.hasTags && rec.entry.tags!.join('|') !== tags.join('|')) {
        throw new KbFormatError(`CSV line ${line}: entry "${id}" has tags "${tags.join('|')}" but line ${rec.firstLine} says "${rec.entry.tags!.join('|')}"`);
      }
      rec.entry.tags = tags;
      rec.hasTags = true;
    }
    for (const [lang, value] of [['ru', ru], ['en', en]] as const) {
      if (value.trim() === '') continue;
      const prev = rec[lang];
      if (prev !== undefined && prev !== value) {
        throw new KbFormatError(`CSV line ${line}: entry "${id}" has a different answer_${lang} than line ${rec.firstLine}; give the answer once, on the first row`);
      }
      rec[lang] = value;
    }
  }
  return order.map((id) => {
    const rec = byId.get(id)!;
    const { ru, en } = rec;
    let answer: KbAnswer;
    if (ru !== undefined && en !== undefined && ru === en) answer = ru;
    else {
      const a: Partial<Record<Language, string>> = {};
      if (ru !== undefined) a.ru = ru;
      if (en !== undefined) a.en = en;
      answer = ru === undefined && en === undefined ? '' : a;
    }
    rec.entry.answer = answer;
    return rec.entry;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// load

/**
 * Loads a KB file (format from the extension) or every `.yaml`/`.yml`/`.json`/`.csv` file of a folder (sorted by
 * name, not recursive), concatenated. Errors name the file.
 */
export async function loadKbPath(pathToFileOrFolder: string): Promise<KbEntry[]> {
  const st = await stat(pathToFileOrFolder);
  const files: string[] = [];
  if (st.isDirectory()) {
    const names = (await readdir(pathToFileOrFolder)).filter((n) => formatFromPath(n) !== undefined).sort();
    for (const n of names) files.push(path.join(pathToFileOrFolder, n));
  } else {
    if (!formatFromPath(pathToFileOrFolder)) {
      throw new KbFormatError(`${pathToFileOrFolder}: unknown file type (expected .yaml, .yml, .json or .csv)`);
    }
    files.push(pathToFileOrFolder);
  }
  const out: KbEntry[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    try {
      out.push(...parseKbFile(text, formatFromPath(file)!));
    } catch (e) {
      if (e instanceof KbFormatError) throw new KbFormatError(`${file}: ${e.message}`);
      throw e;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// validate

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function normQuestion(q: string): string {
  return q.toLowerCase().replace(/ё/g, 'е').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Checks entries for everything the matcher and the bot rely on. Each error says which entry (index, id), which
 * field, and what to do about it.
 */
export function validateEntries(entries: readonly unknown[]): KbValidationResult {
  const errors: KbValidationError[] = [];
  if (!Array.isArray(entries)) {
    return { ok: false, errors: [{ index: -1, field: 'entries', message: `expected a list of entries, got ${describe(entries)}` }] };
  }
  const firstIndexById = new Map<string, number>();
  const ownerOfQuestion = new Map<string, { index: number; id?: string }>();
  entries.forEach((raw, index) => {
    const push = (field: string, message: string, id?: string): void => {
      errors.push(id === undefined ? { index, field, message } : { index, id, field, message });
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      push('entry', `entry #${index + 1} must be an object with id, questions and answer, got ${describe(raw)}`);
      return;
    }
    const e = raw as Record<string, unknown>;
    const id = typeof e.id === 'string' ? e.id : undefined;
    const label = id ? `entry "${id}"` : `entry #${index + 1}`;

    // id
    if (e.id === undefined || e.id === null || e.id === '') {
      push('id', `${label} has no id; add a unique id such as "delivery-time"`);
    } else if (typeof e.id !== 'string') {
      push('id', `${label}: id must be a string, got ${describe(e.id)}; quote it, e.g. id: "${String(e.id)}"`);
    } else if (!ID_PATTERN.test(e.id)) {
      push('id', `${label}: id may only contain Latin letters, digits, ".", "_" and "-" (starting with a letter or digit, at most 128 characters); rename it, e.g. "${suggestId(e.id)}"`, id);
    } else {
      const first = firstIndexById.get(e.id);
      if (first !== undefined) {
        push('id', `${label}: duplicate id, already used by entry #${first + 1}; ids must be unique (merge the two entries or rename one)`, id);
      } else {
        firstIndexById.set(e.id, index);
      }
    }

    // questions
    if (e.questions === undefined || e.questions === null) {
      push('questions', `${label} has no questions; add at least one phrasing under "questions"`, id);
    } else if (!Array.isArray(e.questions)) {
      push('questions', `${label}: questions must be a list of strings, got ${describe(e.questions)}`, id);
    } else if (e.questions.length === 0) {
      push('questions', `${label} has an empty questions list; add at least one phrasing`, id);
    } else {
      const seen = new Map<string, number>();
      e.questions.forEach((q, qi) => {
        const field = `questions[${qi}]`;
        if (typeof q !== 'string') {
          push(field, `${label}: question #${qi + 1} must be a string, got ${describe(q)}`, id);
          return;
        }
        if (q.trim() === '') {
          push(field, `${label}: question #${qi + 1} is empty; remove it or write the phrasing`, id);
          return;
        }
        const nq = normQuestion(q);
        if (nq === '') {
          push(field, `${label}: question #${qi + 1} ("${q}") has no letters or digits`, id);
          return;
        }
        const dupAt = seen.get(nq);
        if (dupAt !== undefined) {
          push(field, `${label}: question #${qi + 1} repeats question #${dupAt + 1} ("${q}"); remove the duplicate`, id);
          return;
        }
        seen.set(nq, qi);
        const owner = ownerOfQuestion.get(nq);
        if (owner && owner.index !== index) {
          const other = owner.id ? `entry "${owner.id}"` : `entry #${owner.index + 1}`;
          push(field, `${label}: question "${q}" is also a question of ${other}; a phrasing must belong to one entry, or the bot cannot tell them apart`, id);
        } else if (!owner) {
          ownerOfQuestion.set(nq, id === undefined ? { index } : { index, id });
        }
      });
    }

    // answer
    const a = e.answer;
    if (a === undefined || a === null) {
      push('answer', `${label} has no answer; add "answer" (a text, or ru/en texts)`, id);
    } else if (typeof a === 'string') {
      if (a.trim() === '') push('answer', `${label}: the answer is empty; write the answer text`, id);
    } else if (typeof a === 'object' && !Array.isArray(a)) {
      const obj = a as Record<string, unknown>;
      const keys = Object.keys(obj);
      const extra = keys.filter((k) => !(LANGS as string[]).includes(k));
      if (extra.length > 0) {
        push('answer', `${label}: answer has unknown language key(s) ${extra.map((k) => `"${k}"`).join(', ')}; use "ru" and/or "en"`, id);
      }
      let any = false;
      for (const lang of LANGS) {
        const v = obj[lang];
        if (v === undefined) continue;
        if (typeof v !== 'string') {
          push(`answer.${lang}`, `${label}: answer.${lang} must be a string, got ${describe(v)}`, id);
        } else if (v.trim() === '') {
          push(`answer.${lang}`, `${label}: answer.${lang} is empty; write it or remove the key`, id);
        } else {
          any = true;
        }
      }
      if (!any && extra.length === 0 && !LANGS.some((l) => obj[l] !== undefined)) {
        push('answer', `${label}: answer has neither "ru" nor "en" text`, id);
      }
    } else {
      push('answer', `${label}: answer must be a string or an object with "ru"/"en", got ${describe(a)}`, id);
    }

    // topic
    if (e.topic !== undefined && e.topic !== null && typeof e.topic !== 'string') {
      push('topic', `${label}: topic must be a string, got ${describe(e.topic)}`, id);
    }
    // tags
    if (e.tags !== undefined && e.tags !== null) {
      if (!Array.isArray(e.tags)) {
        push('tags', `${label}: tags must be a list of strings, got ${describe(e.tags)}`, id);
      } else {
        e.tags.forEach((t, ti) => {
          if (typeof t !== 'string') push(`tags[${ti}]`, `${label}: tag #${ti + 1} must be a string, got ${describe(t)}`, id);
          else if (t.trim() === '') push(`tags[${ti}]`, `${label}: tag #${ti + 1} is empty`, id);
          else if (t.includes('|')) push(`tags[${ti}]`, `${label}: tag "${t}" contains "|", which separates tags in CSV; split it into two tags`, id);
        });
      }
    }
  });
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function suggestId(id: string): string {
  const s = id
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  return s || 'entry-1';
}

// ---------------------------------------------------------------------------------------------------------------
// serialise

function csvCell(v: string): string {
  return /[",\r\n;]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Canonical form of an entry for output: fields in a fixed order, absent optional fields left out. */
function canonical(e: KbEntry): KbEntry {
  const out: KbEntry = { id: e.id, questions: [...e.questions], answer: e.answer };
  const ordered: KbEntry = { id: out.id } as KbEntry;
  if (e.topic !== undefined) ordered.topic = e.topic;
  if (e.tags !== undefined) ordered.tags = [...e.tags];
  ordered.questions = out.questions;
  ordered.answer = typeof e.answer === 'string' ? e.answer : { ...e.answer };
  return ordered;
}

/** Writes entries as YAML (a root list), JSON (a root array, 2-space indent) or CSV (see the module comment). */
export function serializeKb(entries: readonly KbEntry[], format: KbFileFormat): string {
  if (format === 'json') return `${JSON.stringify(entries.map(canonical), null, 2)}\n`;
  if (format === 'yaml') return YAML.stringify(entries.map(canonical), { lineWidth: 0 });
  if (format !== 'csv') throw new KbFormatError(`unknown format "${String(format)}" (expected yaml, json or csv)`);
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    let ru = '';
    let en = '';
    if (typeof e.answer === 'string') {
      ru = e.answer;
      en = e.answer;
    } else {
      ru = e.answer.ru ?? '';
      en = e.answer.en ?? '';
    }
    const questions = e.questions.length > 0 ? e.questions : [''];
    questions.forEach((q, i) => {
      const first = i === 0;
      const cells = [e.id, first ? (e.topic ?? '') : '', first ? (e.tags ?? []).join('|') : '', q, first ? ru : '', first ? en : ''];
      lines.push(cells.map(csvCell).join(','));
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Editing the live knowledge base: list and search, create, update, delete, add a phrasing, import and export
 * files. Every change is validated against the whole knowledge base (a phrasing may belong to one entry only),
 * written in one transaction, and the matcher is rebuilt before the call returns, so the bot answers with the
 * new content at once. docs/knowledge-base.md.
 * @module
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { KbFormatError, parseKbFile, serializeKb, validateEntries, type KbFileFormat, type KbValidationError } from './format.js';
import { normalizeText, surfaceStem } from './matcher/text.js';
import type { KnowledgeBase } from './service.js';
import type { KbEntry } from './types.js';

/** A problem with one field of an entry, shown next to that field. */
export interface FieldError {
  /** `id`, `questions`, `questions[2]`, `answer`, `answer.ru`, `topic`, `tags[0]`, `entry`. */
  field: string;
  message: string;
}

/** A refusal the REST layer turns into `{ error: { code, message, ... } }` with `status`. */
export class KbEditError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    readonly code: 'not_found' | 'conflict' | 'invalid_entry' | 'invalid_file',
    message: string,
    /** Field errors (an entry) or entry errors (a file). */
    readonly details?: { fields?: FieldError[]; entries?: KbValidationError[] },
  ) {
    super(message);
    this.name = 'KbEditError';
  }
}

/** What a caller may send for an entry: the file shape, before validation. */
export interface EntryInput {
  id?: unknown;
  questions?: unknown;
  answer?: unknown;
  topic?: unknown;
  tags?: unknown;
}

export interface ListQuery {
  /** Words to look for in ids, phrasings, answers, topic and tags (all must occur; word forms count). */
  q?: string;
  topic?: string;
  limit?: number;
  offset?: number;
}

export interface ImportRequest {
  content: string;
  format: KbFileFormat;
  /** `merge` adds and updates entries by id; `replace` also deletes entries the file does not have. */
  mode: 'merge' | 'replace';
  /** Only report what would change. */
  dryRun: boolean;
}

export interface ImportReport {
  dryRun: boolean;
  /** True when the file is valid (a dry run says so without changing anything). */
  valid: boolean;
  format: KbFileFormat;
  mode: ImportRequest['mode'];
  /** Entries in the file. */
  total: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
  /** Problems by entry position in the file (0-based `index`; -1 for the file as a whole). */
  errors: KbValidationError[];
}

export interface ExportFile {
  body: string;
  contentType: string;
  filename: string;
}

/** Who made a change, for the events log (`agent:12`). */
export type Actor = string;

const CONTENT_TYPES: Record<KbFileFormat, string> = {
  yaml: 'application/yaml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Trims the strings an editor typed; leaves everything else for {@link validateEntries} to judge. */
export function entryFromInput(input: EntryInput): Record<string, unknown> {
  const trim = (v: unknown): unknown => (typeof v === 'string' ? v.trim() : v);
  const out: Record<string, unknown> = { id: trim(input.id), questions: input.questions, answer: input.answer };
  if (Array.isArray(input.questions)) out.questions = input.questions.map(trim);
  if (typeof input.answer === 'string') out.answer = input.answer.trim();
  else if (input.answer && typeof input.answer === 'object' && !Array.isArray(input.answer)) {
    const answer: Record<string, unknown> = {};
    for (const [lang, text] of Object.entries(input.answer)) if (text !== undefined) answer[lang] = trim(text);
    out.answer = answer;
  }
  const topic = trim(input.topic);
  if (topic !== undefined && topic !== null && topic !== '') out.topic = topic;
  if (Array.isArray(input.tags)) {
    if (input.tags.length > 0) out.tags = input.tags.map(trim);
  } else if (input.tags !== undefined && input.tags !== null) out.tags = input.tags;
  return out;
}

/**
 * Field errors of `candidate` on its own and next to `others` (duplicate phrasings across entries). Empty when
 * the entry can be saved.
 */
export function entryErrors(candidate: unknown, others: readonly KbEntry[]): FieldError[] {
  const alone = validateEntries([candidate]);
  if (!alone.ok) return alone.errors.map((e) => ({ field: e.field, message: e.message }));
  const together = validateEntries([...others, candidate]);
  if (together.ok) return [];
  return together.errors.filter((e) => e.index === others.length).map((e) => ({ field: e.field, message: e.message }));
}

/** Comparable form of an entry: fixed key order, absent optional fields as null / []. */
function fingerprint(e: KbEntry): string {
  const answer = typeof e.answer === 'string' ? e.answer : { ru: e.answer.ru ?? null, en: e.answer.en ?? null };
  return JSON.stringify([e.id, e.topic ?? null, e.tags ?? [], e.questions, answer]);
}

function answerTexts(e: KbEntry): string[] {
  return typeof e.answer === 'string' ? [e.answer] : Object.values(e.answer).filter((t): t is string => typeof t === 'string');
}

/** Ranks entries for a search box: every word must occur (or its stem, so word forms match); ids and phrasings first. */
export function searchEntries(entries: readonly KbEntry[], query: string): KbEntry[] {
  const tokens = normalizeText(query).split(' ').filter(Boolean);
  if (tokens.length === 0) return [...entries];
  const scored: { entry: KbEntry; score: number }[] = [];
  for (const entry of entries) {
    const parts = {
      id: normalizeText(entry.id),
      questions: normalizeText(entry.questions.join(' \n ')),
      labels: normalizeText([entry.topic ?? '', ...(entry.tags ?? [])].join(' ')),
      answer: normalizeText(answerTexts(entry).join(' \n ')),
    };
    let score = 0;
    let all = true;
    for (const token of tokens) {
      const root = surfaceStem(token); // the stem as written is a prefix of the word's forms; a lemma's stem need not be
      const has = (hay: string) => hay.includes(token) || (root.length >= 3 && hay.includes(root));
      let best = 0;
      if (has(parts.id)) best = 10;
      else if (has(parts.questions)) best = 5;
      else if (has(parts.labels)) best = 3;
      else if (has(parts.answer)) best = 1;
      if (best === 0) {
        all = false;
        break;
      }
      score += best;
    }
    if (all) scored.push({ entry, score: score + (parts.id === tokens.join(' ') ? 100 : 0) });
  }
  return scored.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id)).map((s) => s.entry);
}

/**
 * Rebuilds the matcher after writes, coalescing: writes that land while a rebuild runs share the next rebuild, so a
 * burst of edits costs two rebuilds, not one each.
 */
class Rebuilder {
  private wanted = 0;
  private built = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly gatherMs: number,
  ) {}

  /** Call right after a write: the generation that has to be built for the write to be live. */
  mark(): number {
    return ++this.wanted;
  }

  /** Resolves once a rebuild that started after `generation` was marked has finished. */
  async until(generation: number): Promise<void> {
    while (this.built < generation) {
      if (!this.running) {
        // Gather first: a request's whole path to here is microtasks, and requests that queued up during a rebuild
        // (in a worker thread for all but small KBs, in place for those) are read over the next loop turns; starting
        // at once would give each of them its own rebuild.
        this.running = new Promise<void>((resolve) => setTimeout(resolve, this.gatherMs))
          .then(() => {
            const building = this.wanted;
            return this.kb.reload().then(() => building);
          })
          .then((building) => {
            this.built = Math.max(this.built, building);
          })
          .finally(() => {
            this.running = null;
          });
      }
      await this.running;
    }
  }
}

/** Runs tasks one at a time, in order (check-then-write must not interleave). */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export interface KbEditorDeps {
  store: Store;
  kb: KnowledgeBase;
  log: Logger;
  now?: () => number;
  /** How long a rebuild waits for more writes to share it (default 20 ms). */
  gatherMs?: number;
}

/** The one writer of the knowledge base at run time. */
export class KbEditor {
  private readonly serial = new Serial();
  private readonly rebuilder: Rebuilder;
  private readonly now: () => number;

  constructor(private readonly deps: KbEditorDeps) {
    this.rebuilder = new Rebuilder(deps.kb, deps.gatherMs ?? 20);
    this.now = deps.now ?? Date.now;
  }

  /** Entries matching the query, a page of them, the total and every topic in use. */
  async list(query: ListQuery = {}): Promise<{ entries: KbEntry[]; total: number; topics: string[] }> {
    const all = await this.deps.store.listKbEntries();
    const topics = [...new Set(all.map((e) => e.topic).filter((t): t is string => Boolean(t)))].sort();
    let found = query.q ? searchEntries(all, query.q) : all;
    if (query.topic) found = found.filter((e) => e.topic === query.topic);
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.max(1, query.limit ?? 100);
    return { entries: found.slice(offset, offset + limit), total: found.length, topics };
  }

  async get(id: string): Promise<KbEntry> {
    const entry = await this.deps.store.getKbEntry(id);
    if (!entry) throw new KbEditError(404, 'not_found', `There is no entry "${id}".`);
    return entry;
  }

  /** Adds a new entry. Refuses an id in use and anything {@link validateEntries} would. */
  async create(input: EntryInput, actor: Actor): Promise<KbEntry> {
    return this.change(async (write) => {
      const candidate = entryFromInput(input);
      const all = await this.deps.store.listKbEntries();
      if (typeof candidate.id === 'string' && all.some((e) => e.id === candidate.id)) {
        throw invalidEntry([{ field: 'id', message: `An entry with id "${candidate.id}" already exists; pick another id, or edit that entry.` }]);
      }
      const errors = entryErrors(candidate, all);
      if (errors.length) throw invalidEntry(errors);
      const entry = candidate as unknown as KbEntry;
      await write([entry], [], { type: 'kb_entry_created', actor, data: { entryId: entry.id } });
      return entry;
    });
  }

  /** Replaces an entry. The id cannot change (misses, events and eval cases refer to it). */
  async update(id: string, input: EntryInput, actor: Actor): Promise<KbEntry> {
    return this.change(async (write) => {
      const all = await this.deps.store.listKbEntries();
      if (!all.some((e) => e.id === id)) throw new KbEditError(404, 'not_found', `There is no entry "${id}".`);
      const candidate = entryFromInput({ ...input, id: input.id ?? id });
      if (candidate.id !== id) {
        throw invalidEntry([{ field: 'id', message: `The id cannot be changed (from "${id}"); create a new entry and delete this one instead.` }]);
      }
      const errors = entryErrors(candidate, all.filter((e) => e.id !== id));
      if (errors.length) throw invalidEntry(errors);
      const entry = candidate as unknown as KbEntry;
      await write([entry], [], { type: 'kb_entry_updated', actor, data: { entryId: id } });
      return entry;
    });
  }

  async remove(id: string, actor: Actor): Promise<void> {
    return this.change(async (write) => {
      const existing = await this.deps.store.getKbEntry(id);
      if (!existing) throw new KbEditError(404, 'not_found', `There is no entry "${id}".`);
      await write([], [id], { type: 'kb_entry_deleted', actor, data: { entryId: id, entry: existing } });
    });
  }

  /**
   * Adds phrasings to an entry (missed messages attached, a proposal accepted). Phrasings the entry already has
   * are not added twice (`added` lists only the new ones); one that belongs to another entry is refused, with the
   * position of the offending text in `fields` (`texts[1]`).
   */
  async addPhrasings(entryId: string, texts: string[], actor: Actor, source: Record<string, unknown> = {}): Promise<{ entry: KbEntry; added: string[] }> {
    return this.change(async (write) => {
      const all = await this.deps.store.listKbEntries();
      const entry = all.find((e) => e.id === entryId);
      if (!entry) throw new KbEditError(404, 'not_found', `There is no entry "${entryId}".`);
      const known = new Set(entry.questions.map((q) => normalizeText(q)));
      const added: string[] = [];
      const positions: number[] = [];
      texts.forEach((text, i) => {
        const phrasing = text.trim();
        const key = normalizeText(phrasing);
        if (key !== '' && known.has(key)) return;
        known.add(key);
        added.push(phrasing);
        positions.push(i);
      });
      if (added.length === 0) return { entry, added };
      const candidate: KbEntry = { ...entry, questions: [...entry.questions, ...added] };
      const errors = entryErrors(candidate, all.filter((e) => e.id !== entryId));
      if (errors.length) {
        // Point at the text the caller sent, not at the merged list.
        const fields = errors.map((e) => {
          const m = /^questions\[(\d+)\]$/.exec(e.field);
          const k = m ? Number(m[1]) - entry.questions.length : -1;
          return { field: k >= 0 ? `texts[${positions[k]}]` : e.field, message: e.message };
        });
        throw new KbEditError(422, 'invalid_entry', fields[0]!.message, { fields });
      }
      await write([candidate], [], { type: 'kb_phrasing_added', actor, data: { entryId, phrasings: added, ...source } });
      return { entry: candidate, added };
    });
  }

  /** Checks a file and, unless `dryRun`, applies it in one transaction. */
  async importFile(request: ImportRequest, actor: Actor): Promise<ImportReport> {
    return this.change(async (write) => {
      const report: ImportReport = {
        dryRun: request.dryRun,
        valid: false,
        format: request.format,
        mode: request.mode,
        total: 0,
        created: [],
        updated: [],
        unchanged: [],
        deleted: [],
        errors: [],
      };
      let entries: KbEntry[];
      try {
        entries = parseKbFile(request.content, request.format);
      } catch (e) {
        if (!(e instanceof KbFormatError)) throw e;
        report.errors.push({ index: -1, field: 'file', message: e.message });
        return this.refuse(report, `The file cannot be read: ${e.message}`, 400);
      }
      report.total = entries.length;
      if (entries.length === 0) {
        report.errors.push({ index: -1, field: 'file', message: 'The file has no entries.' });
        return this.refuse(report, 'The file has no entries.', 422);
      }
      const own = validateEntries(entries);
      if (!own.ok) {
        report.errors.push(...own.errors);
        return this.refuse(report, `The file has ${plural(own.errors.length, 'problem')}; nothing was imported.`, 422);
      }
      const existing = await this.deps.store.listKbEntries();
      const incoming = new Set(entries.map((e) => e.id));
      const kept = request.mode === 'replace' ? [] : existing.filter((e) => !incoming.has(e.id));
      const together = validateEntries([...kept, ...entries]);
      if (!together.ok) {
        for (const e of together.errors) if (e.index >= kept.length) report.errors.push({ ...e, index: e.index - kept.length });
        if (report.errors.length) {
          return this.refuse(report, `The file has ${plural(report.errors.length, 'problem')} next to the current entries; nothing was imported.`, 422);
        }
      }
      const before = new Map(existing.map((e) => [e.id, e]));
      for (const e of entries) {
        const old = before.get(e.id);
        if (!old) report.created.push(e.id);
        else if (fingerprint(old) === fingerprint(e)) report.unchanged.push(e.id);
        else report.updated.push(e.id);
      }
      if (request.mode === 'replace') report.deleted = existing.filter((e) => !incoming.has(e.id)).map((e) => e.id);
      report.valid = true;
      if (request.dryRun) return report;
      const changed = entries.filter((e) => !report.unchanged.includes(e.id));
      if (changed.length || report.deleted.length) {
        await write(changed, report.deleted, {
          type: 'kb_imported',
          actor,
          data: { format: request.format, mode: request.mode, created: report.created, updated: report.updated, deleted: report.deleted },
        });
      }
      return report;
    });
  }

  /** The whole knowledge base as a downloadable file. CSV starts with a BOM so spreadsheets read it as UTF-8. */
  async exportFile(format: KbFileFormat): Promise<ExportFile> {
    const entries = await this.deps.store.listKbEntries();
    const text = serializeKb(entries, format);
    const day = new Date(this.now()).toISOString().slice(0, 10);
    return {
      body: format === 'csv' ? `\ufeff${text}` : text,
      contentType: CONTENT_TYPES[format],
      filename: `knowledge-base-${day}.${format === 'yaml' ? 'yaml' : format}`,
    };
  }

  private refuse(report: ImportReport, message: string, status: 400 | 422): ImportReport {
    if (report.dryRun) return report;
    throw new KbEditError(status, 'invalid_file', message, { entries: report.errors });
  }

  /**
   * Runs a check-then-write task alone (no other change interleaves), then waits outside the lock until the
   * matcher includes the write, so changes made meanwhile share one rebuild.
   */
  private async change<T>(task: (write: WriteFn) => Promise<T>): Promise<T> {
    let generation = 0;
    let summary = '';
    const value = await this.serial.run(() =>
      task(async (upserts, deletes, event) => {
        const at = this.now();
        await this.deps.store.applyKbChanges(upserts, deletes, at);
        await this.deps.store.appendEvent({ conversationId: null, type: event.type, actor: event.actor, data: event.data }, at);
        generation = this.rebuilder.mark();
        summary = `${event.type}: ${upserts.length} written, ${deletes.length} deleted`;
      }),
    );
    if (generation) {
      const started = performance.now();
      await this.rebuilder.until(generation);
      this.deps.log.info({ change: summary, waitedMs: Math.round(performance.now() - started) }, 'knowledge base changed; matcher rebuilt');
    }
    return value;
  }
}

type WriteFn = (upserts: KbEntry[], deletes: string[], event: { type: string; actor: Actor; data: Record<string, unknown> }) => Promise<void>;

function invalidEntry(fields: FieldError[]): KbEditError {
  const message = fields.length === 1 ? fields[0]!.message : `The entry has ${fields.length} problems: ${fields.map((f) => f.message).join(' ')}`;
  return new KbEditError(422, 'invalid_entry', message, { fields });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

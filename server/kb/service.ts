/**
 * The live knowledge base: entries in the store, a matcher built over them, rebuilt at once
 * whenever an entry changes (no restart).
 * @module
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';
import { loadKbPath, validateEntries } from './format.js';
import { buildMatcher } from './matcher/index.js';
import { buildMatcherOffThread } from './matcher/off-thread.js';
import type { KbEntry, Language, MatchResult, Matcher } from './types.js';

const SEEDED_SETTING = 'kb_seeded_from';

export class KnowledgeBase {
  private entries = new Map<string, KbEntry>();
  private matcher: Matcher = buildMatcher([]);

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Loads entries from the store; on the very first start, seeds the store from the KB files. */
  async init(kbPath: string): Promise<void> {
    if ((await this.store.getSetting(SEEDED_SETTING)) === null) {
      const entries = await loadKbPath(kbPath);
      const check = validateEntries(entries);
      if (!check.ok) {
        const lines = check.errors.map((e) => `entry ${e.index}${e.id ? ` (${e.id})` : ''}: ${e.field}: ${e.message}`);
        throw new Error(`The knowledge base in ${kbPath} is invalid:\n  ${lines.join('\n  ')}`);
      }
      await this.store.replaceKb(entries, Date.now());
      await this.store.setSetting(SEEDED_SETTING, kbPath);
      this.log.info({ entries: entries.length, kbPath }, 'knowledge base seeded from files');
    }
    await this.reload();
  }

  /**
   * Re-reads the store and rebuilds the matcher, in a worker thread for all but small KBs: the old matcher keeps
   * answering until the new one is ready, and the server keeps serving meanwhile.
   */
  async reload(): Promise<void> {
    const entries = await this.store.listKbEntries();
    const started = performance.now();
    this.matcher = await buildMatcherOffThread(entries, {}, {
      onFallback: (err) => this.log.warn({ err }, 'the matcher could not be built in a worker thread; built in the main thread instead'),
    });
    this.entries = new Map(entries.map((e) => [e.id, e]));
    this.log.debug({ entries: entries.length, ms: Math.round(performance.now() - started) }, 'matcher built');
  }

  match(text: string): MatchResult {
    return this.matcher.match(text);
  }

  get(id: string): KbEntry | undefined {
    return this.entries.get(id);
  }

  list(): KbEntry[] {
    return [...this.entries.values()];
  }

  /** The entry's answer in the wanted language, falling back to the other one. */
  answerText(entry: KbEntry, language: Language): string {
    if (typeof entry.answer === 'string') return entry.answer;
    return entry.answer[language] ?? entry.answer.en ?? entry.answer.ru ?? '';
  }

  /** The entry's first phrasing in the wanted language (for suggestion buttons). */
  questionText(entry: KbEntry, language: Language): string {
    const cyrillic = (q: string) => /[а-яё]/i.test(q);
    return entry.questions.find((q) => cyrillic(q) === (language === 'ru')) ?? entry.questions[0] ?? entry.id;
  }
}

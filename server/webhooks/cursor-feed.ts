/**
 * A durable feed over an append-only table (events, messages): reads rows after a cursor in id
 * order and hands each to its listeners. The cursor is saved in the settings table after the
 * listeners finish (at most once a second under load, and on stop), so rows appended while the
 * server was down, or while a listener failed, are delivered on the next pass (at least once;
 * listeners must be idempotent, as webhook rows are unique per event).
 * @module
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export type FeedListener<T> = (row: T) => Promise<void> | void;

export interface CursorFeedSource<T extends { id: number }> {
  /** Settings key that keeps the cursor. */
  cursorKey: string;
  /** Rows with an id above `afterId`, oldest first. */
  after(afterId: number, limit: number): Promise<T[]>;
  /** The newest id now: where a first run starts (history is not replayed). */
  newestId(): Promise<number>;
  /** Called for each row after every listener has handled it. */
  handled?(row: T): void;
}

export interface CursorFeedDeps {
  store: Store;
  log: Logger;
  /** How often to look when nothing woke the feed (ms). */
  pollMs: number;
}

const BATCH = 500;

export class CursorFeed<T extends { id: number }> {
  private readonly listeners: FeedListener<T>[] = [];
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** The cursor last written to the settings table, and the timer that writes the next one. */
  private saved = 0;
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: CursorFeedDeps,
    private readonly source: CursorFeedSource<T>,
  ) {}

  onRow(listener: FeedListener<T>): void {
    this.listeners.push(listener);
  }

  /** Starts after the newest row on a first run, else where it stopped. */
  async start(): Promise<void> {
    const saved = await this.deps.store.getSetting(this.source.cursorKey);
    this.cursor = saved !== null && Number.isInteger(Number(saved)) ? Number(saved) : await this.source.newestId();
    if (saved === null) await this.deps.store.setSetting(this.source.cursorKey, String(this.cursor));
    this.saved = this.cursor;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.saveCursor();
  }

  /** Writes the cursor once a second at most: one disk sync per message would halve throughput. */
  private saveSoon(): void {
    if (this.saveTimer || this.cursor === this.saved) return;
    this.saveTimer = setTimeout(() => void this.saveCursor(), 1000);
    this.saveTimer.unref?.();
  }

  private async saveCursor(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (this.cursor === this.saved) return;
    const cursor = this.cursor;
    try {
      await this.deps.store.setSetting(this.source.cursorKey, String(cursor));
      this.saved = cursor;
    } catch (err) {
      this.deps.log.error({ err, feed: this.source.cursorKey }, 'feed cursor not saved');
    }
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Delivers everything appended so far; resolves when done (tests await it). */
  async drain(): Promise<void> {
    if (this.running) await this.running;
    await this.pass();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), ms);
    this.timer.unref?.();
  }

  private pass(): Promise<void> {
    this.running ??= this.read().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      } else this.schedule(this.deps.pollMs);
    });
    return this.running;
  }

  private async read(): Promise<void> {
    const { log } = this.deps;
    try {
      for (;;) {
        const rows = await this.source.after(this.cursor, BATCH);
        if (rows.length === 0) return;
        for (const row of rows) {
          for (const listener of this.listeners) await listener(row);
          this.source.handled?.(row);
          this.cursor = row.id;
        }
        this.saveSoon();
        if (rows.length < BATCH) return;
      }
    } catch (err) {
      // The cursor stays before the failed row, so it is tried again at the next pass.
      log.error({ err, cursor: this.cursor, feed: this.source.cursorKey }, 'feed pass failed');
      await this.saveCursor();
    }
  }
}

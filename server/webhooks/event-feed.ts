/**
 * The event feed: reads the events log in id order and hands every new event to its listeners
 * (webhooks, metrics) and to the bus as `event`. Whoever appended the event (router, console,
 * SLA monitor, a future module) needs to know nothing about it. The cursor is kept in the
 * settings table after listeners finish, so events appended while the server was down, or while
 * a listener failed, are delivered on the next pass (at least once; webhook rows are unique per
 * event, so a replay does not send twice).
 * @module
 */
import type { Logger } from 'pino';
import type { Bus } from '../bus.js';
import type { ConversationEvent, Store } from '../store/types.js';

export type EventListener = (event: ConversationEvent) => Promise<void> | void;

export interface EventFeedDeps {
  store: Store;
  bus: Bus;
  log: Logger;
  /** How often to look when nothing woke the feed (ms). */
  pollMs: number;
}

const CURSOR_KEY = 'events.feed_cursor';
const BATCH = 500;

export class EventFeed {
  private readonly listeners: EventListener[] = [];
  private cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: EventFeedDeps) {
    // Most events are written together with a conversation change: look right away.
    deps.bus.on('conversation', () => this.wake());
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** Starts after the newest event on a first run (history is not replayed), else where it stopped. */
  async start(): Promise<void> {
    const saved = await this.deps.store.getSetting(CURSOR_KEY);
    this.cursor = saved !== null && Number.isInteger(Number(saved)) ? Number(saved) : await this.deps.store.maxEventId();
    if (saved === null) await this.deps.store.setSetting(CURSOR_KEY, String(this.cursor));
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
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
    const { store, bus, log } = this.deps;
    try {
      for (;;) {
        const events = await store.eventsAfter(this.cursor, BATCH);
        if (events.length === 0) return;
        for (const event of events) {
          for (const listener of this.listeners) await listener(event);
          bus.emit('event', event);
          this.cursor = event.id;
        }
        await store.setSetting(CURSOR_KEY, String(this.cursor));
        if (events.length < BATCH) return;
      }
    } catch (err) {
      // The cursor stays before the failed event, so it is tried again at the next pass.
      log.error({ err, cursor: this.cursor }, 'event feed pass failed');
      await store.setSetting(CURSOR_KEY, String(this.cursor)).catch(() => undefined);
    }
  }
}

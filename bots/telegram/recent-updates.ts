/**
 * The update_ids handled lately, kept in the core's settings so that an update Telegram delivers
 * again (a webhook redelivery, a restart before polling confirmed the offset) is handled once.
 * Messages are de-duplicated by the core already (by `${chat}:${message_id}`); this log covers what
 * the adapter does by itself, such as answering /help, and spares the core the repeat.
 * @module
 */
import type { KeyValue } from './buttons.js';

const KEY = 'telegram.recent_updates';

export class RecentUpdates {
  private readonly order: number[] = [];
  private readonly seen = new Set<number>();

  private constructor(
    private readonly settings: KeyValue,
    private readonly capacity: number,
  ) {}

  /** Loads the log; a damaged value starts it empty rather than stopping the server. */
  static async load(settings: KeyValue, capacity = 1000): Promise<RecentUpdates> {
    const log = new RecentUpdates(settings, capacity);
    const raw = await settings.get(KEY);
    try {
      const ids: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(ids)) for (const id of ids) if (Number.isSafeInteger(id)) log.remember(id as number);
    } catch {
      // Unreadable: the core's own de-duplication still holds for messages.
    }
    return log;
  }

  has(updateId: number): boolean {
    return this.seen.has(updateId);
  }

  /** Records a handled update, durably (the oldest drop out beyond the capacity). */
  async add(updateId: number): Promise<void> {
    if (this.seen.has(updateId)) return;
    this.remember(updateId);
    await this.settings.set(KEY, JSON.stringify(this.order));
  }

  private remember(id: number): void {
    this.seen.add(id);
    this.order.push(id);
    while (this.order.length > this.capacity) this.seen.delete(this.order.shift()!);
  }
}

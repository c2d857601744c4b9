/**
 * Sliding-window rate limits keyed by visitor id, so that a reconnect, a second tab or a second
 * device shares the visitor's budget instead of starting a fresh one. In memory: a key is dropped
 * once its last counted event is a window old, so the map holds only the visitors active in the
 * last window or two, however many come and go.
 * @module
 */

export class VisitorLimiter {
  private readonly events = new Map<string, number[]>();
  private sweptAt = 0;

  constructor(
    /** Events allowed per window. */
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts an event for `key` if it is within the limit; false (and not counted) when over it. */
  take(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const recent = (this.events.get(key) ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    if (recent.length) this.events.set(key, recent);
    else this.events.delete(key);
    return allowed;
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.events.size;
  }

  /** At most once a window: forgets every key with nothing left inside the window. */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [key, times] of this.events) if (now - times[times.length - 1]! >= this.windowMs) this.events.delete(key);
  }
}
